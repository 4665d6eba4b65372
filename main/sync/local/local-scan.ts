import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError } from '../../common';
import type { IgnoreRules } from './ignore-rules';
import { fsErrorFrom } from './local-fs-thread';
import { type ListedKind, type Listing, listLocalDirs } from './local-listing';
import type { LocalEntry, SkipReason } from '../sync-types';

export interface LocalSkip {
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface LocalScan {
  /** Sorted by path (code unit order). */
  readonly entries: LocalEntry[];
  /** Entries that exist but are not synced, with why. Ignored paths are not listed here. */
  readonly skipped: LocalSkip[];
}

/** Batches of folders at the listing thread at once, and folders per batch. */
const BATCHES_IN_FLIGHT = 2;
const MAX_BATCH_DIRS = 256;

/**
 * Everything under `root` that sync may send: files, folders and symlinks, read with lstat so
 * no link is ever followed. Paths are POSIX and root-relative on every OS.
 *
 * - Ignored paths are left out and ignored folders are not entered.
 * - A symlink is kept only if its target is relative and stays inside the root when resolved
 *   from the link's folder (lexically: `a/../b`, not through other links). An absolute target
 *   or one that climbs out of the root is skipped: the server has its own `/data`.
 * - Names in one folder that differ only by case or Unicode normalization (`Model.py`,
 *   `model.py`) are both skipped: on a case-insensitive disk (macOS, Windows) one would
 *   overwrite the other.
 * - Sockets, FIFOs and devices are skipped.
 *
 * A folder that cannot be read fails the scan (with the folder named) rather than being left
 * out, because a missing folder would look like deleted files to the planner.
 */
export async function scanLocal(root: string, options: { ignore: IgnoreRules; signal?: AbortSignal }): Promise<LocalScan> {
  const { ignore, signal } = options;
  signal?.throwIfAborted();
  const rootStats = await stat(root).catch((error: unknown) => {
    throw fromFsError(error, 'scan', root);
  });
  if (!rootStats.isDirectory()) throw fromFsError(Object.assign(new Error(), { code: 'ENOTDIR' }), 'scan', root);

  const entries: LocalEntry[] = [];
  const skipped: LocalSkip[] = [];
  // Folders go to the listing thread in batches (everything found so far), two batches at a
  // time so the thread never waits for this one.
  const queue: string[] = [''];
  const inFlight = new Set<Promise<void>>();
  const listBatch = async (dirs: string[]) => {
    const listings = await listLocalDirs(
      dirs.map((dir) => (dir === '' ? root : path.join(root, ...dir.split('/')))),
      path.sep,
    );
    for (const [index, dir] of dirs.entries()) {
      const found = scanListing(root, dir, listings[index] as Listing, ignore);
      for (const entry of found.entries) entries.push(entry);
      for (const skip of found.skipped) skipped.push(skip);
      for (const child of found.dirs) queue.push(child);
    }
  };
  while (queue.length > 0 || inFlight.size > 0) {
    signal?.throwIfAborted();
    while (queue.length > 0 && inFlight.size < BATCHES_IN_FLIGHT) {
      const batch = queue.splice(0, MAX_BATCH_DIRS);
      const listing: Promise<void> = listBatch(batch).finally(() => inFlight.delete(listing));
      // The race below reports the first failure; a second batch failing later is not unhandled.
      listing.catch(() => undefined);
      inFlight.add(listing);
    }
    await Promise.race(inFlight);
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { entries: entries.sort(byPath), skipped: skipped.sort(byPath) };
}

interface DirScan {
  entries: LocalEntry[];
  skipped: LocalSkip[];
  /** Sub-folders to enter. */
  dirs: string[];
}

function scanListing(root: string, dir: string, listing: Listing, ignore: IgnoreRules): DirScan {
  const result: DirScan = { entries: [], skipped: [], dirs: [] };
  if (listing.error) {
    const code = listing.error.code;
    if (dir !== '' && (code === 'ENOENT' || code === 'ENOTDIR')) return result; // removed while scanning
    throw fromFsError(fsErrorFrom(listing.error), 'read the folder', dir === '' ? root : dir);
  }
  const listed = listing.entries;

  const candidates = listed.filter((entry) => !ignore.isIgnored(joinPosix(dir, entry.name), entry.direntIsDir));
  const colliding = caseCollisions(candidates.map((entry) => entry.name));
  for (const entry of candidates) {
    const relative = joinPosix(dir, entry.name);
    const others = colliding.get(entry.name);
    if (others) {
      const names = [entry.name, ...others].map((name) => JSON.stringify(name)).join(' and ');
      result.skipped.push({
        path: relative,
        reason: 'case-collision',
        detail: `${names} in ${dir === '' ? 'the project root' : dir} differ only by case (or Unicode normalization); on a case-insensitive disk one would overwrite the other, so neither is synced. Rename one of them.`,
      });
      continue;
    }
    if (entry.error) {
      if (entry.error.code === 'ENOENT') continue; // removed while scanning
      throw fromFsError(fsErrorFrom(entry.error), entry.kind === 'symlink' ? 'read the link' : 'read', relative);
    }
    const kind = entry.kind ?? 'other';
    // The dirent's type decided the ignore check; recheck if it changed in between.
    if ((kind === 'dir') !== entry.direntIsDir && ignore.isIgnored(relative, kind === 'dir')) continue;
    const common = { path: relative, size: entry.size ?? 0, mtimeMs: entry.mtimeMs ?? 0, mode: (entry.mode ?? 0) & 0o7777 };
    if (kind === 'file') {
      result.entries.push({ ...common, kind: 'file' });
    } else if (kind === 'dir') {
      result.entries.push({ ...common, kind: 'dir' });
      result.dirs.push(relative);
    } else if (kind === 'symlink') {
      const linkTarget = entry.linkTarget ?? '';
      const problem = symlinkProblem(relative, linkTarget);
      if (problem) result.skipped.push({ path: relative, ...problem });
      else result.entries.push({ ...common, kind: 'symlink', linkTarget });
    } else {
      result.skipped.push({ path: relative, reason: 'special-file', detail: `${relative} is a ${SPECIAL_KINDS[kind]}, not a file, folder or link; it is not synced.` });
    }
  }
  return result;
}

const SPECIAL_KINDS: Record<Exclude<ListedKind, 'file' | 'dir' | 'symlink'>, string> = {
  fifo: 'named pipe (FIFO)',
  socket: 'socket',
  device: 'device',
  other: 'special file',
};

/** Why a link at `linkPath` (root-relative) pointing at `target` cannot be synced, or null. Pure. */
export function symlinkProblem(linkPath: string, target: string): { reason: SkipReason; detail: string } | null {
  // Windows link text uses backslashes and may be `C:\…` or `\\server\…`.
  const windows = process.platform === 'win32';
  const posixTarget = windows ? target.replaceAll('\\', '/') : target;
  if (posixTarget.startsWith('/') || (windows && path.win32.isAbsolute(target))) {
    return {
      reason: 'symlink-absolute',
      detail: `${linkPath} is a link to the absolute path ${target}, which would point somewhere else on the server; it is not synced. Make it relative, or create the link on the server.`,
    };
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(linkPath), posixTarget));
  if (resolved === '..' || resolved.startsWith('../')) {
    return {
      reason: 'symlink-outside-root',
      detail: `${linkPath} is a link to ${target}, which is outside the project; it is not synced.`,
    };
  }
  return null;
}

/**
 * Names in one folder that collide on a case-insensitive, normalization-insensitive disk:
 * each colliding name → the other names it collides with.
 */
export function caseCollisions(names: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = name.normalize('NFC').toLowerCase();
    const group = groups.get(key);
    if (group) group.push(name);
    else groups.set(key, [name]);
  }
  const colliding = new Map<string, string[]>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const name of group) colliding.set(name, group.filter((other) => other !== name));
  }
  return colliding;
}

function joinPosix(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
