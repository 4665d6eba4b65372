/** Comparing files and folders beyond git: a folder here against another folder or the server (meld's folder compare). */

/** One side's entry in a folder compare (paths relative to the compared folder). */
export interface CompareEntry {
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeMs: number;
  readonly linkTarget?: string;
}

export type CompareState = 'same' | 'new' | 'missing' | 'modified' | 'type-changed';

export interface CompareRow {
  readonly path: string;
  /** new: only on the left; missing: only on the right. */
  readonly state: CompareState;
  readonly left?: CompareEntry;
  readonly right?: CompareEntry;
  /** Decided by content hashes (same size, different times). */
  readonly byContent?: boolean;
  /** Internal to the compare: still waiting for its hashes. */
  readonly pending?: boolean;
}

/** The right side of a folder compare: another local folder, or the same folder on the active server. */
export type CompareTarget = { readonly kind: 'local'; readonly path: string } | { readonly kind: 'server' };

export interface FolderCompareResult {
  readonly left: string;
  readonly right: string;
  readonly rows: readonly CompareRow[];
  /** How many files were hashed because size and time could not decide. */
  readonly hashed: number;
}

/** Which way a folder compare copies: the left side's version onto the right, or back. */
export type CopyDirection = 'left-to-right' | 'right-to-left';

/** One path to copy, with what the compare saw on each side (absent: nothing there). */
export interface CopyAcrossItem {
  readonly path: string;
  readonly left?: CompareEntry;
  readonly right?: CompareEntry;
}

export interface CopyAcrossReport {
  readonly files: number;
  readonly folders: number;
  readonly bytes: number;
  /** Paths left as they were, each with why (changed since the compare, a link, a failure). */
  readonly skipped: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

export interface DiffApi {
  /**
   * Compares a folder of the project (workspace-relative, '' for the root) with another folder
   * of the project or with the same folder on the active server, respecting the sync ignore
   * rules; symlinks are compared as links and never followed.
   */
  compareFolders(arg: { readonly path: string; readonly with: CompareTarget }): Promise<FolderCompareResult>;
  /**
   * Copies compared paths (files, and folders as folders) from one side to the other with sync's
   * rules: only where each side is still what the compare saw, atomically, never through or over
   * a link, never deleting; between the project and the server the copy is recorded as in sync.
   */
  copyAcross(arg: { readonly path: string; readonly with: CompareTarget; readonly direction: CopyDirection; readonly items: readonly CopyAcrossItem[] }): Promise<CopyAcrossReport>;
}
