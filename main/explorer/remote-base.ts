import type { Stats } from 'node:fs';
import { hashLocalFile, type LocalStamp, type RemoteStamp, type SyncState } from '../sync';
import { relativeToRemoteRoot } from '../sftp';

/**
 * How explorer actions keep the last-synced base honest. Only paths that mirror each other
 * (`<remote root>/x` and `<project>/x`) have a base; everything else is the server's own.
 */

/** `a` + `b` as workspace-relative POSIX paths ('' is the root). */
export function joinRelative(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}

/** The sync path when `remotePath` is exactly where sync keeps the local `localRelative`, else null. */
export function mirroredPath(remoteRoot: string, remotePath: string, localRelative: string): string | null {
  const relative = relativeToRemoteRoot(remoteRoot, remotePath);
  return relative !== null && relative === localRelative ? relative : null;
}

/** Base entries at `relative` and below it. */
export function baseEntriesUnder(state: SyncState, relative: string): string[] {
  return [...state.entries.keys()].filter((entryPath) => entryPath === relative || entryPath.startsWith(`${relative}/`));
}

/**
 * Whether a local file is still what sync last recorded for it (so overwriting it with the
 * server's version loses nothing). The execute bit counts as content, as in the plan; a new
 * mtime with the same bytes (a touch) does not.
 */
export async function unchangedSinceBase(localPath: string, stats: Stats, base: LocalStamp | null): Promise<boolean> {
  if (base === null || !stats.isFile()) return false;
  if ((stats.mode & 0o111) !== (base.mode & 0o111) || stats.size !== base.size) return false;
  if (stats.mtimeMs === base.mtimeMs) return true;
  return base.hash !== '' && (await hashLocalFile(localPath).catch(() => '')) === base.hash;
}

/** Records that local `stats` (content `hash`) and the server's `remote` now hold the same file. */
export function recordSyncedFile(state: SyncState, relative: string, stats: Stats, hash: string, remote: RemoteStamp): void {
  state.record({ path: relative, kind: 'file', local: { size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777, hash }, remote });
}
