import type { LiveConnection } from '../ssh';
import type { IgnoreRules, SyncState } from '../sync';

/**
 * All the explorer needs from sync: the active target's roots, its base (so a file downloaded or
 * uploaded here is recorded as in sync), its ignore rules, the live connection, and a way to run
 * without a push in between. SyncService provides it; the explorer knows nothing else of sync.
 */
export interface RemoteContext {
  readonly target: string;
  readonly hostLabel: string;
  readonly localRoot: string;
  readonly remoteRoot: string;
  readonly state: SyncState;
  readonly ignore: IgnoreRules;
  readonly live: LiveConnection;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Re-sends the sync status (after the explorer changed what is in sync). */
  changed(): void;
}

export interface RemoteContextSource {
  /** Fails with a clear error when no target is active. */
  remoteContext(): Promise<RemoteContext>;
}
