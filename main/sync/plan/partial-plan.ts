import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { caseCollisions, type LocalSkip, symlinkProblem } from '../local/local-scan';
import { SftpError, sftpSession, type SftpSession } from '../../sftp';
import { planEntries, type PreparedSync, type SyncSession } from '../sync-engine';
import type { BaseEntry, LocalEntry, PlanAction, RemoteEntry } from '../sync-types';
import { kindOfMode } from '../../common';

/**
 * A plan for a few changed paths, made with the same rules as a full sync (planEntries →
 * planSync) from a local lstat, a remote lstat and the base of just those paths, plus the
 * folders above them (so a new folder is created with its mode, and nothing is written below
 * a remote symlink). What executeSync then writes is guarded by the base's remote stamp exactly
 * as in a full sync: a remote edit between this plan and the write is a conflict.
 *
 * A folder that is new to sync is walked (its files may have arrived without events, e.g. moved
 * in as a whole). Deleted paths are planned only with `deleteRemote`; then the synced entries
 * below a deleted folder come along, deepest first.
 */
export interface PartialPlanOptions {
  readonly deleteRemote: boolean;
  /** Stop and report `tooMany` when the paths (with walked folders) exceed this many entries. */
  readonly limit: number;
}

export interface PartialPrepared extends PreparedSync {
  readonly scope: ReadonlySet<string>;
  /** The remote root was a folder when the plan was made (executeSync need not check it again). */
  readonly remoteRootExists: boolean;
}

export type PartialPlanResult = { readonly prepared: PartialPrepared } | { readonly tooMany: number };

const REMOTE_LSTATS_IN_FLIGHT = 64;

class TooMany extends Error {
  constructor(readonly count: number) {
    super(`${count} entries`);
  }
}

export async function preparePaths(session: SyncSession, changed: readonly string[], options: PartialPlanOptions): Promise<PartialPlanResult> {
  const { localRoot, ignore, state } = session;
  const absolute = (relative: string) => path.join(localRoot, ...relative.split('/'));
  const local = new Map<string, LocalEntry>();
  const skipped: LocalSkip[] = [];
  /** In push order: the changed paths as they came, then what walking added. */
  const scope = new Set<string>();
  const stats = new Map<string, Promise<Stats | null>>();
  const listings = new Map<string, Promise<string[]>>();

  const lstatLocal = (relative: string) => {
    let known = stats.get(relative);
    if (!known) {
      known = lstat(absolute(relative)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
        throw error;
      });
      stats.set(relative, known);
    }
    return known;
  };
  const ignoredWithParents = (relative: string, isDir: boolean) => {
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) if (ignore.isIgnored(parts.slice(0, depth).join('/'), true)) return true;
    return ignore.isIgnored(relative, isDir);
  };
  // Names in one folder that differ only by case are both skipped, as the full scan does.
  const collidesByCase = async (relative: string) => {
    const dir = parentOf(relative);
    let names = listings.get(dir);
    if (!names) {
      names = readdir(dir === '' ? localRoot : absolute(dir), { withFileTypes: true }).then(
        (dirents) => dirents.filter((dirent) => !ignore.isIgnored(joinPosix(dir, dirent.name), dirent.isDirectory())).map((dirent) => dirent.name),
        () => [],
      );
      listings.set(dir, names);
    }
    const name = relative.slice(dir === '' ? 0 : dir.length + 1);
    return caseCollisions(await names).get(name) ?? null;
  };
  const check = () => {
    if (scope.size > options.limit) throw new TooMany(scope.size);
  };

  const addExisting = async (relative: string, entryStats: Stats) => {
    scope.add(relative);
    check();
    const others = await collidesByCase(relative);
    if (others) {
      const names = [path.posix.basename(relative), ...others].map((name) => JSON.stringify(name)).join(' and ');
      skipped.push({ path: relative, reason: 'case-collision', detail: `${names} differ only by case (or Unicode normalization); on a case-insensitive disk one would overwrite the other, so neither is synced. Rename one of them.` });
      return;
    }
    const common = { path: relative, size: entryStats.size, mtimeMs: entryStats.mtimeMs, mode: entryStats.mode & 0o7777 };
    if (entryStats.isFile()) local.set(relative, { ...common, kind: 'file' });
    else if (entryStats.isDirectory()) local.set(relative, { ...common, kind: 'dir' });
    else if (entryStats.isSymbolicLink()) {
      const linkTarget = await readlink(absolute(relative)).catch(() => null);
      if (linkTarget === null) return;
      const problem = symlinkProblem(relative, linkTarget);
      if (problem) skipped.push({ path: relative, ...problem });
      else local.set(relative, { ...common, kind: 'symlink', linkTarget });
    } else {
      skipped.push({ path: relative, reason: 'special-file', detail: `${relative} is not a file, folder or link (a socket, pipe or device); it is not synced.` });
    }
  };

  const walk = async (dir: string) => {
    const folders = [dir];
    for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
      const dirents: Dirent[] = await readdir(absolute(next), { withFileTypes: true }).catch(() => []);
      for (const dirent of dirents) {
        const child = joinPosix(next, dirent.name);
        if (ignore.isIgnored(child, dirent.isDirectory())) continue;
        const childStats = await lstatLocal(child);
        if (!childStats) continue;
        await addExisting(child, childStats);
        if (childStats.isDirectory()) folders.push(child);
      }
    }
  };

  try {
    for (const relative of changed) {
      const entryStats = await lstatLocal(relative);
      const base = state.entries.get(relative);
      const isDir = entryStats ? entryStats.isDirectory() : base?.kind === 'dir';
      if (ignoredWithParents(relative, isDir)) continue;
      if (entryStats) {
        if (!(await ancestorsAreFolders(relative, lstatLocal))) continue; // replaced since the event
        await addExisting(relative, entryStats);
        if (entryStats.isDirectory() && base?.kind !== 'dir') await walk(relative);
      } else if (options.deleteRemote) {
        scope.add(relative);
        for (const key of state.entries.keys()) if (key.startsWith(`${relative}/`)) scope.add(key);
        check();
      }
    }
  } catch (error) {
    if (error instanceof TooMany) return { tooMany: error.count };
    throw error;
  }

  // The folders above: locally (for their mode when they must be created) and remotely (a remote
  // symlink anywhere above a path means nothing is written through it).
  const above = new Set<string>();
  for (const relative of scope) for (let dir = parentOf(relative); dir !== '' && !above.has(dir); dir = parentOf(dir)) above.add(dir);
  for (const dir of above) {
    if (scope.has(dir)) continue;
    const dirStats = await lstatLocal(dir);
    if (dirStats?.isDirectory()) {
      scope.add(dir);
      local.set(dir, { path: dir, kind: 'dir', size: dirStats.size, mtimeMs: dirStats.mtimeMs, mode: dirStats.mode & 0o7777 });
    }
  }
  // '' is the root itself, looked at in the same round trip as the rest.
  const remoteWithRoot = await lstatRemoteAll(session, ['', ...new Set([...scope, ...above])]);
  const remoteRootExists = remoteWithRoot.some((entry) => entry.path === '' && entry.kind === 'dir');
  const remote = remoteWithRoot.filter((entry) => entry.path !== '');

  const base = new Map<string, BaseEntry>();
  for (const relative of scope) {
    const entry = state.entries.get(relative);
    if (entry) base.set(relative, entry);
  }
  let plan = await planEntries(session, { local: [...local.values()], localSkipped: skipped, remote, base, deleteRemote: options.deleteRemote });
  // planSync halts a plan that deletes with no local entries: right for a whole root, but a
  // partial plan of deleted paths has none by nature. Halt only if the root really is empty.
  if (plan.halted !== null && !(await rootIsEmpty(session))) plan = { ...plan, halted: null };
  const order = new Map([...scope].map((relative, index) => [relative, index]));
  plan = { ...plan, actions: uploadsInOrder(plan.actions, order) };
  return {
    prepared: {
      plan,
      local,
      remote: new Map(remote.map((entry) => [entry.path, entry])),
      remoteScan: 'sftp',
      scope,
      remoteRootExists,
    },
  };
}

/** The plan's uploads in the order the paths changed (executeSync sends them in plan order). */
function uploadsInOrder(actions: readonly PlanAction[], order: ReadonlyMap<string, number>): PlanAction[] {
  const rank = (action: PlanAction) => order.get(action.path) ?? Number.MAX_SAFE_INTEGER;
  const uploads = actions.filter((action) => action.type === 'upload').sort((a, b) => rank(a) - rank(b));
  let next = 0;
  return actions.map((action) => (action.type === 'upload' ? (uploads[next++] as PlanAction) : action));
}

async function ancestorsAreFolders(relative: string, lstatLocal: (relative: string) => Promise<Stats | null>): Promise<boolean> {
  for (let dir = parentOf(relative); dir !== ''; dir = parentOf(dir)) {
    if (!(await lstatLocal(dir))?.isDirectory()) return false;
  }
  return true;
}

async function rootIsEmpty(session: SyncSession): Promise<boolean> {
  const dirents = await readdir(session.localRoot, { withFileTypes: true }).catch(() => []);
  return !dirents.some((dirent) => !session.ignore.isIgnored(dirent.name, dirent.isDirectory()));
}

/** lstat (and readlink for links) of root-relative paths on the server, many in flight; missing ones are left out. */
async function lstatRemoteAll(session: SyncSession, paths: readonly string[]): Promise<RemoteEntry[]> {
  // Through SftpSession: a request on a channel that already closed fails at once (raw ssh2 never answers it).
  const sftp = sftpSession(session.sftp, session.hostLabel);
  const found: RemoteEntry[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < paths.length; index = next++) {
      const relative = paths[index] as string;
      const entry = await lstatRemoteEntry(sftp, relative === '' ? session.remoteRoot : `${session.remoteRoot}/${relative}`, relative);
      if (entry) found.push(entry);
    }
  };
  await Promise.all(Array.from({ length: Math.min(REMOTE_LSTATS_IN_FLIGHT, paths.length) }, worker));
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function lstatRemoteEntry(sftp: SftpSession, remotePath: string, relative: string): Promise<RemoteEntry | null> {
  const stats = await sftp.lstatOrNull(remotePath);
  if (stats === null) return null;
  const kind = kindOfMode(stats.mode);
  const entry: RemoteEntry = { path: relative, kind, size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o7777 };
  if (kind !== 'symlink') return entry;
  try {
    return { ...entry, linkTarget: await sftp.readlink(remotePath) };
  } catch (error) {
    if (error instanceof SftpError && error.kind === 'no-such-file') return null; // removed in between
    throw error;
  }
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}

function joinPosix(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
