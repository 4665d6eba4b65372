import { lstat, readdir, readlink, type Dirent, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError } from '../api/api-error';
import type { IgnoreRules } from './ignore-rules';
import type { LocalEntry, SkipReason } from './sync-types';

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

/** Folders read at once, and lstat calls in flight per folder (libuv runs 4 at a time). */
const DIR_CONCURRENCY = 8;
const LSTAT_BATCH = 256;

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
  // A pool, not level by level: a slow folder never holds the others up.
  await new Promise<void>((resolve, reject) => {
    const queue: string[] = [''];
    let active = 0;
    let failed = false;
    const pump = () => {
      while (!failed && active < DIR_CONCURRENCY && queue.length > 0) {
        const dir = queue.pop() as string;
        active += 1;
        scanDir(root, dir, ignore).then(
          (found) => {
            active -= 1;
            entries.push(...found.entries);
            skipped.push(...found.skipped);
            queue.push(...found.dirs);
            if (signal?.aborted) fail(signal.reason);
            else if (active === 0 && queue.length === 0) resolve();
            else pump();
          },
          (error: unknown) => fail(error),
        );
      }
    };
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    pump();
  });
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return { entries: entries.sort(byPath), skipped: skipped.sort(byPath) };
}

interface DirScan {
  entries: LocalEntry[];
  skipped: LocalSkip[];
  /** Sub-folders to enter. */
  dirs: string[];
}

async function scanDir(root: string, dir: string, ignore: IgnoreRules): Promise<DirScan> {
  const result: DirScan = { entries: [], skipped: [], dirs: [] };
  const absoluteDir = dir === '' ? root : path.join(root, ...dir.split('/'));
  let dirents: Dirent[];
  try {
    dirents = await readDirents(absoluteDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (dir !== '' && (code === 'ENOENT' || code === 'ENOTDIR')) return result; // removed while scanning
    throw fromFsError(error, 'read the folder', dir === '' ? root : dir);
  }

  const candidates = dirents.filter((dirent) => !ignore.isIgnored(joinPosix(dir, dirent.name), dirent.isDirectory()));
  const colliding = caseCollisions(candidates.map((dirent) => dirent.name));
  const toStat: Dirent[] = [];
  for (const dirent of candidates) {
    const others = colliding.get(dirent.name);
    if (!others) {
      toStat.push(dirent);
      continue;
    }
    const names = [dirent.name, ...others].map((name) => JSON.stringify(name)).join(' and ');
    result.skipped.push({
      path: joinPosix(dir, dirent.name),
      reason: 'case-collision',
      detail: `${names} in ${dir === '' ? 'the project root' : dir} differ only by case (or Unicode normalization); on a case-insensitive disk one would overwrite the other, so neither is synced. Rename one of them.`,
    });
  }

  const links: { relative: string; common: Omit<LocalEntry, 'kind'> }[] = [];
  for (let start = 0; start < toStat.length; start += LSTAT_BATCH) {
    const batch = toStat.slice(start, start + LSTAT_BATCH);
    const stats = await settleAll<Stats>((file, done) => lstat(file, done), batch.map((dirent) => `${absoluteDir}${path.sep}${dirent.name}`));
    for (const [index, dirent] of batch.entries()) {
      const relative = joinPosix(dir, dirent.name);
      const stat = stats[index];
      if (stat === undefined) continue;
      if (stat instanceof Error) {
        if (stat.code === 'ENOENT') continue; // removed while scanning
        throw fromFsError(stat, 'read', relative);
      }
      // The dirent's type decided the ignore check; recheck if it changed in between.
      if (stat.isDirectory() !== dirent.isDirectory() && ignore.isIgnored(relative, stat.isDirectory())) continue;
      const common = { path: relative, size: stat.size, mtimeMs: stat.mtimeMs, mode: stat.mode & 0o7777 };
      if (stat.isFile()) {
        result.entries.push({ ...common, kind: 'file' });
      } else if (stat.isDirectory()) {
        result.entries.push({ ...common, kind: 'dir' });
        result.dirs.push(relative);
      } else if (stat.isSymbolicLink()) {
        links.push({ relative, common });
      } else {
        result.skipped.push({ path: relative, reason: 'special-file', detail: `${relative} is a ${specialKind(stat)}, not a file, folder or link; it is not synced.` });
      }
    }
  }

  const targets = await settleAll<string>((file, done) => readlink(file, done), links.map((link) => `${absoluteDir}${path.sep}${path.posix.basename(link.relative)}`));
  for (const [index, { relative, common }] of links.entries()) {
    const linkTarget = targets[index];
    if (linkTarget === undefined) continue;
    if (linkTarget instanceof Error) {
      if (linkTarget.code === 'ENOENT') continue;
      throw fromFsError(linkTarget, 'read the link', relative);
    }
    const problem = symlinkProblem(relative, linkTarget);
    if (problem) result.skipped.push({ path: relative, ...problem });
    else result.entries.push({ ...common, kind: 'symlink', linkTarget });
  }
  return result;
}

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

function specialKind(stats: Stats): string {
  if (stats.isFIFO()) return 'named pipe (FIFO)';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device';
  return 'special file';
}

function readDirents(dir: string): Promise<Dirent[]> {
  return new Promise((resolve, reject) => readdir(dir, { withFileTypes: true }, (error, dirents) => (error ? reject(error) : resolve(dirents))));
}

/**
 * One callback-style fs call per path, all at once, settled into one promise: per-call promises
 * (fs/promises) cost as much as the calls themselves on a big tree.
 */
function settleAll<T>(
  call: (file: string, callback: (error: NodeJS.ErrnoException | null, result: T) => void) => void,
  files: readonly string[],
): Promise<(T | NodeJS.ErrnoException)[]> {
  const results: (T | NodeJS.ErrnoException)[] = new Array(files.length);
  if (files.length === 0) return Promise.resolve(results);
  return new Promise((resolve) => {
    let left = files.length;
    files.forEach((file, index) =>
      call(file, (error, result) => {
        results[index] = error ?? result;
        if (--left === 0) resolve(results);
      }),
    );
  });
}

function joinPosix(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
