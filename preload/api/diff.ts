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

export interface DiffApi {
  /**
   * Compares a folder of the project (workspace-relative, '' for the root) with another folder
   * of the project or with the same folder on the active server, respecting the sync ignore
   * rules; symlinks are compared as links and never followed.
   */
  compareFolders(arg: { readonly path: string; readonly with: CompareTarget }): Promise<FolderCompareResult>;
}
