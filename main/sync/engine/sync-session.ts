import type { Client, SFTPWrapper } from 'ssh2';
import type { ConnectionFacts } from '../connection-facts';
import type { IgnoreRules } from '../local/ignore-rules';
import type { SyncState } from '../state/sync-state';
import type { LocalEntry, PlanWarning, RemoteEntry, SyncPlan } from '../sync-types';
import type { TarShell } from '../tar/tar-shell';

/** One target's sync: both roots, the open connection, and the base kept for it. */
export interface SyncSession {
  readonly localRoot: string;
  readonly remoteRoot: string;
  /** `user@host:port`, for messages. */
  readonly hostLabel: string;
  readonly client: Client;
  readonly sftp: SFTPWrapper;
  readonly state: SyncState;
  readonly ignore: IgnoreRules;
  /** What this connection has learned about the server (see ConnectionFacts). */
  readonly facts: ConnectionFacts;
}

export interface PreparedSync {
  readonly plan: SyncPlan;
  readonly local: ReadonlyMap<string, LocalEntry>;
  readonly remote: ReadonlyMap<string, RemoteEntry>;
  readonly remoteScan: 'find' | 'sftp';
  /**
   * Set when the plan covers only these paths (the watcher's partial plans): `local` and
   * `remote` then describe only them, and the base of every other path is left alone.
   */
  readonly scope?: ReadonlySet<string>;
  /**
   * The sweep of stale Labdesk temp files on the server, started with the first full sync on a
   * connection (not awaited by prepareSync: it is one exec, whose login shell may take seconds).
   * Resolves to the root-relative paths removed.
   */
  readonly sweep?: Promise<string[]>;
}

export interface SyncProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface SyncIssue {
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

export interface SyncReport {
  readonly uploaded: number;
  readonly deleted: number;
  readonly created: number;
  readonly conflicts: readonly SyncIssue[];
  readonly errors: readonly SyncIssue[];
  readonly skipped: readonly SyncIssue[];
  /** Deleted locally, kept on the server because deletions were not asked for. */
  readonly keptRemote: readonly string[];
  readonly warnings: readonly PlanWarning[];
  readonly bytes: number;
  readonly seconds: number;
  /** Of `uploaded`, the files the tar stream placed (the rest went over SFTP). */
  readonly viaTar: number;
}


export interface ExecuteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Files in flight (default: the transfer's). 1 uploads in the plan's order, one after the other. */
  concurrency?: number;
  /** The caller just saw the remote root is a folder: skip re-checking it (one RTT per path component). */
  remoteRootExists?: boolean;
  /**
   * New files through a tar stream over exec: 'auto' (default) from TAR_MIN_FILES new files up,
   * true whenever there are new files, false never. Falls back to SFTP for anything tar could
   * not place (no shell, no tar, a move that failed).
   */
  tar?: boolean | 'auto';
  /** 'auto' uses tar from this many new files up (default TAR_MIN_FILES). */
  tarMinFiles?: number;
  /** 'auto': tar takes over only if SFTP would need longer than this for the rest (default TAR_WORTH_SECONDS). */
  tarWorthSeconds?: number;
  /**
   * A shell started for a tar push before the plan was made (startTarShell, for the session's
   * remote root): 'auto' then takes tar alone for a big first push whatever the round trip (the
   * shell's start is paid already). Declined when unused.
   */
  tarShell?: TarShell;
  /**
   * Extra SFTP channels for big files (helper-channels.ts, write-lanes.ts): 'auto' (default) on
   * a long link when files of SPLIT_MIN_BYTES or more add up to HELPERS_MIN_BYTES, true for any
   * such file, false never.
   */
  helperChannels?: boolean | 'auto';
}
