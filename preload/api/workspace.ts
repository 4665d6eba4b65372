/** The project folder on this machine: files, the index, changes seen on disk. */

export interface WorkspaceInfo {
  /** Absolute path of the root on the machine running main (shown to the user, never sent back). */
  readonly root: string;
  readonly name: string;
}

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface DirEntry {
  /** Workspace-relative POSIX path, e.g. `configs/train.yaml`. */
  readonly path: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeMs: number;
  /** For symlinks: the link text as stored (never followed by the tree). */
  readonly linkTarget?: string;
}

export type FileContent =
  | {
      readonly kind: 'text';
      readonly path: string;
      readonly text: string;
      readonly size: number;
      readonly mtimeMs: number;
      /** Files over the size limit open read-only; `notice` says why. */
      readonly readOnly: boolean;
      readonly notice?: string;
    }
  | { readonly kind: 'binary'; readonly path: string; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'too-large'; readonly path: string; readonly size: number; readonly mtimeMs: number };

export interface WriteResult {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface FileIndex {
  /** Every file in the workspace (workspace-relative), skipping hidden folders like `.git`. */
  readonly files: readonly string[];
  /** True when the walk stopped at the limit; the list is then partial. */
  readonly truncated: boolean;
}

export type FileChangeType = 'create' | 'update' | 'delete';

export interface FileChange {
  readonly path: string;
  readonly type: FileChangeType;
}

export interface WorkspaceApi {
  /** Opens a folder by absolute path (web mode's path field, the CLI, recent projects). */
  open(arg: { path: string }): Promise<WorkspaceInfo>;
  /** Shows the native folder picker (Electron); null when cancelled. */
  pickAndOpen(arg: Record<string, never>): Promise<WorkspaceInfo | null>;
  current(arg: Record<string, never>): Promise<WorkspaceInfo | null>;
  list(arg: { dir: string }): Promise<readonly DirEntry[]>;
  index(arg: Record<string, never>): Promise<FileIndex>;
  read(arg: { path: string }): Promise<FileContent>;
  /**
   * Atomic write (temp file + rename). When `expectedMtimeMs` is given and the file on disk no
   * longer has it, nothing is written and the call fails with code `changed-on-disk`.
   */
  write(arg: { path: string; text: string; expectedMtimeMs?: number }): Promise<WriteResult>;
  createFile(arg: { path: string }): Promise<DirEntry>;
  createFolder(arg: { path: string }): Promise<DirEntry>;
  rename(arg: { from: string; to: string }): Promise<DirEntry>;
  /** Moves to the OS trash; nothing is deleted for good. */
  delete(arg: { path: string }): Promise<{ path: string }>;
}
