/**
 * The data the sync engine works on. Paths are POSIX, relative to the sync root on each side
 * (local `configs/base.yaml` is remote `<remote root>/configs/base.yaml`). Each side is only
 * ever compared with its own last-synced record (ARCHITECTURE.md §4): clocks of two machines
 * are never compared.
 */

export type EntryKind = 'file' | 'dir' | 'symlink';

/** A local file system entry, from the local scan (lstat: links are never followed). */
export interface LocalEntry {
  readonly path: string;
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeMs: number;
  /** Permission bits (st_mode & 0o7777). */
  readonly mode: number;
  /** For symlinks: the link text. */
  readonly linkTarget?: string;
}

/** A remote entry, from `find -printf` or SFTP readdir. SFTPv3 mtimes are whole seconds. */
export interface RemoteEntry {
  readonly path: string;
  readonly kind: EntryKind | 'other';
  readonly size: number;
  /** Whole seconds since the epoch, as the server reports it. */
  readonly mtime: number;
  readonly mode: number;
  readonly linkTarget?: string;
}

/** What a remote file looked like right after Labdesk last wrote or confirmed it. */
export interface RemoteStamp {
  readonly size: number;
  readonly mtime: number;
  readonly mode: number;
}

/** What a local file looked like when it was last synced. */
export interface LocalStamp {
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
  /** sha256 of the content, hex; lets an unchanged-content touch be recognised. */
  readonly hash: string;
}

/** The last-synced base of one path (kept per target in `.labdesk/state/`). */
export interface BaseEntry {
  readonly path: string;
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly local: LocalStamp | null;
  readonly remote: RemoteStamp | null;
  readonly linkTarget?: string;
}

export type SkipReason =
  | 'ignored'
  | 'symlink-outside-root'
  | 'symlink-absolute'
  | 'case-collision'
  | 'under-remote-symlink'
  | 'remote-symlink'
  | 'special-file';

export type ConflictReason =
  /** The remote file changed since the base, and local changed too (or did not, but differs now). */
  | 'remote-changed'
  /** A remote file exists where there is no base, and its content differs from the local file. */
  | 'remote-differs'
  /** The local file was deleted, but the remote one changed since the base. */
  | 'deleted-locally-changed-remotely'
  /** One side has a folder where the other has a file (or the reverse). */
  | 'type-changed';

export type PlanAction =
  | { readonly type: 'mkdir'; readonly path: string; readonly mode: number }
  | {
      readonly type: 'upload';
      readonly path: string;
      readonly local: LocalEntry;
      /** What the remote must still look like when written (null: must not exist). */
      readonly expectRemote: RemoteStamp | null;
      readonly reason: 'new' | 'changed' | 'remote-deleted' | 'mode-changed';
    }
  | { readonly type: 'symlink'; readonly path: string; readonly linkTarget: string; readonly expectRemote: RemoteStamp | null }
  | { readonly type: 'delete'; readonly path: string; readonly kind: 'file' | 'dir' | 'symlink'; readonly expectRemote: RemoteStamp }
  | {
      readonly type: 'conflict';
      readonly path: string;
      readonly reason: ConflictReason;
      readonly local: LocalEntry | null;
      readonly remote: RemoteEntry | null;
    }
  | { readonly type: 'skip'; readonly path: string; readonly reason: SkipReason; readonly detail: string }
  /** Local and remote agree (same content) but no base exists yet: record it, write nothing. */
  | { readonly type: 'adopt'; readonly path: string; readonly local: LocalEntry; readonly remote: RemoteEntry }
  /** Deleted locally; the remote copy stays because deletions were not asked for. */
  | { readonly type: 'keep-remote'; readonly path: string };

/** One kind of plan action: `ActionOf<'upload'>`. */
export type ActionOf<T extends PlanAction['type']> = Extract<PlanAction, { type: T }>;

export interface PlanWarning {
  readonly path: string;
  readonly message: string;
}

export interface SyncPlan {
  readonly actions: readonly PlanAction[];
  readonly warnings: readonly PlanWarning[];
  /** Set when the plan must not run at all (e.g. it would empty the remote root). */
  readonly halted: string | null;
}
