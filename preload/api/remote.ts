/** The remote explorer: the active target's server, browsed over its one connection. */

import type { EntryKind } from './workspace';

/** One entry on the server. Paths are absolute POSIX paths on the server. */
export interface RemoteEntry {
  readonly path: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly size: number;
  /** Whole seconds from the server (SFTPv3), times 1000. */
  readonly mtimeMs: number;
  /** Permission bits (st_mode & 0o7777). */
  readonly mode: number;
  /** For symlinks: the link text as stored, and what it points at (null when dangling). */
  readonly linkTarget?: string;
  readonly linkKind?: 'file' | 'dir' | 'other' | null;
}

export interface RemoteListing {
  /** The folder listed (absolute, normalised). */
  readonly dir: string;
  /** Folders first, then by name. */
  readonly entries: readonly RemoteEntry[];
  /** True when the folder held more entries than the list limit; the list is then partial. */
  readonly truncated: boolean;
}

/** A remote file opened in the editor; `size` + `mtimeMs` are what a save expects to replace. */
export type RemoteFileOpen =
  | { readonly kind: 'text'; readonly path: string; readonly text: string; readonly size: number; readonly mtimeMs: number; readonly readOnly: boolean; readonly notice?: string }
  | { readonly kind: 'binary' | 'too-large'; readonly path: string; readonly size: number; readonly mtimeMs: number };

/** What a download or upload did; nothing that differs on the receiving side is overwritten. */
export interface RemoteTransferReport {
  readonly files: number;
  readonly folders: number;
  readonly bytes: number;
  /** Entries not written, with the reason (changed on both sides, a link, a name clash…). */
  readonly skipped: readonly { readonly path: string; readonly message: string }[];
  readonly seconds: number;
}

/**
 * The remote explorer: the active target's server over its one connection. Paths are absolute
 * on the server; listing and opening follow links (to browse `data/` → /mnt/data), while
 * rename and delete act on the link itself, never on what it points at.
 */
export interface RemoteApi {
  list(arg: { dir: string }): Promise<RemoteListing>;
  /** Opens a server file for the editor (UTF-8 text up to 5 MB; otherwise says why not). */
  read(arg: { path: string }): Promise<RemoteFileOpen>;
  /**
   * Atomic write on the server (temp + posix-rename). When the file's size or mtime is no longer
   * `expected` (or its content is no longer what was read), nothing is written: code `conflict`.
   * `expected: null` creates the file and is a `conflict` if anything exists there. A file reached
   * through a link is written at the link's target, so the link stays a link.
   */
  write(arg: { path: string; text: string; expected?: { size: number; mtimeMs: number } | null }): Promise<RemoteEntry>;
  /**
   * Downloads server files or folders into the local folder `toDir` (workspace-relative), as a
   * cancellable task. A local file that differs is skipped, unless sync mirrors it from that
   * very server path and it is unchanged here since the last sync (then it is pulled and the
   * sync base recorded). Server links are never followed: recreated as links when relative and
   * inside the download, else skipped. Ignore rules do not apply to what was picked (logs and
   * outputs are usually ignored on purpose); Labdesk temp files are never copied.
   */
  download(arg: { paths: string[]; toDir: string }): Promise<RemoteTransferReport>;
  /**
   * Uploads local files or folders (workspace-relative) into the server folder `toDir`, as a
   * cancellable task; existing different files are skipped, identical ones count as done. Links
   * follow the sync rules (kept only when relative and inside the project); ignore rules do not
   * apply to what was picked.
   */
  upload(arg: { paths: string[]; toDir: string }): Promise<RemoteTransferReport>;
  mkdir(arg: { path: string }): Promise<RemoteEntry>;
  /** Renames on the server; refuses to replace an existing entry. */
  rename(arg: { from: string; to: string }): Promise<RemoteEntry>;
  /** Deletes on the server (folders with everything inside; a link is removed, not its target). The UI asks first. */
  delete(arg: { path: string }): Promise<{ path: string; removed: number }>;
}
