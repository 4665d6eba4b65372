import { readdir } from 'node:fs/promises';
import { SftpError, sftpSession, type SftpSession } from '../../sftp';
import { planEntries } from '../engine/prepare-sync';
import type { PreparedSync, SyncSession } from '../engine/sync-session';
import type { BaseEntry, PlanAction, RemoteEntry } from '../sync-types';
import { LocalChanges, TooManyChanges } from './local-changes';
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

export async function preparePaths(session: SyncSession, changed: readonly string[], options: PartialPlanOptions): Promise<PartialPlanResult> {
  const changes = new LocalChanges(session, options.limit);
  try {
    await changes.collect(changed, options.deleteRemote);
  } catch (error) {
    if (error instanceof TooManyChanges) return { tooMany: error.count };
    throw error;
  }
  const { local, scope } = changes;
  const above = await changes.addFoldersAbove();
  // '' is the root itself, looked at in the same round trip as the rest.
  const remoteWithRoot = await lstatRemoteAll(session, ['', ...new Set([...scope, ...above])]);
  const remoteRootExists = remoteWithRoot.some((entry) => entry.path === '' && entry.kind === 'dir');
  const remote = remoteWithRoot.filter((entry) => entry.path !== '');

  const base = new Map<string, BaseEntry>();
  for (const relative of scope) {
    const entry = session.state.entries.get(relative);
    if (entry) base.set(relative, entry);
  }
  let plan = await planEntries(session, { local: [...local.values()], localSkipped: changes.skipped, remote, base, deleteRemote: options.deleteRemote });
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
