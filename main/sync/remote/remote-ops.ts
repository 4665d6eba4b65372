import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand, shellCommand } from '../../ssh';
import { TEMP_MARKER } from '../../common';
import { sameStamp } from '../plan/plan';
import { SftpError, sftpSession } from '../../sftp';
import type { RemoteStamp } from '../sync-types';
import { stampOf as stampOfStats } from '../transfer/transfer';

/**
 * Guarded one-off operations on remote entries (folders, links, deletions) for the sync engine.
 * They go through SftpSession, which fails fast once the connection has dropped instead of
 * waiting for an answer that ssh2 would never deliver.
 */

/** lstat on the server (never follows a link); null when nothing is there. */
export async function lstatRemote(sftp: SFTPWrapper, remotePath: string): Promise<RemoteStamp | null> {
  const stats = await sftpSession(sftp).lstatOrNull(remotePath);
  return stats === null ? null : stampOfStats(stats);
}

async function lstatKind(sftp: SFTPWrapper, remotePath: string): Promise<'dir' | 'symlink' | 'other' | null> {
  const stats = await sftpSession(sftp).lstatOrNull(remotePath);
  if (stats === null) return null;
  return stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : 'other';
}

/**
 * `mkdir -p` over SFTP. Folders above `below` (the remote root the user chose) may be links
 * (/home → /data/home); below it nothing is created through a link.
 */
export async function ensureRemoteDir(sftp: SFTPWrapper, remotePath: string, options: { mode?: number; below?: string } = {}): Promise<void> {
  const session = sftpSession(sftp);
  const start = options.below ?? '';
  let current = start;
  for (const part of remotePath.slice(start.length).split('/').filter(Boolean)) {
    current = `${current}/${part}`;
    const kind = await lstatKind(sftp, current);
    if (kind === 'dir') continue;
    if (kind === 'symlink' && options.below === undefined) continue;
    if (kind === 'symlink') throw new Error(`${current} is a symbolic link on the server; Labdesk does not create anything through it.`);
    if (kind === 'other') throw new Error(`${current} exists on the server and is not a folder.`);
    try {
      await session.mkdir(current, { mode: options.mode ?? 0o755 });
    } catch (error) {
      if ((await lstatKind(sftp, current)) !== 'dir') throw error; // lost a race with another mkdir: fine
    }
  }
}

/**
 * Creates (or, for a link Labdesk made, replaces) a remote symlink; returns its new stamp.
 * SftpSession.symlink takes care of OpenSSH's reversed SSH_FXP_SYMLINK arguments.
 */
export async function symlinkRemote(sftp: SFTPWrapper, linkTarget: string, remotePath: string, replace: boolean): Promise<RemoteStamp> {
  const session = sftpSession(sftp);
  if (replace) await session.unlink(remotePath).catch((error: unknown) => ignoreMissing(error));
  await session.symlink(linkTarget, remotePath);
  const stamp = await lstatRemote(sftp, remotePath);
  if (!stamp) throw new Error(`${remotePath} vanished right after it was created.`);
  return stamp;
}

/**
 * Creates a link where the plan saw nothing, in one round trip: the SYMLINK (which fails when
 * anything is there: nothing is replaced) and the LSTAT for the new link's stamp go out together.
 * OpenSSH's sftp-server answers requests in order; a server that answered the LSTAT first gets
 * asked again. 'exists' when something was there after all.
 */
export async function createSymlinkRemote(sftp: SFTPWrapper, linkTarget: string, remotePath: string): Promise<RemoteStamp | 'exists'> {
  const session = sftpSession(sftp);
  const created = session.symlink(linkTarget, remotePath);
  const after = session.lstatOrNull(remotePath);
  after.catch(() => undefined); // awaited below only if the SYMLINK succeeded
  try {
    await created;
  } catch (error) {
    if ((await session.lstatOrNull(remotePath)) !== null) return 'exists';
    throw error;
  }
  const stats = (await after)?.isSymbolicLink() ? await after : await session.lstatOrNull(remotePath);
  if (!stats) throw new Error(`${remotePath} vanished right after it was created.`);
  return stampOfStats(stats);
}

/**
 * Deletes one remote entry if it still matches what the plan expected. Folders use rmdir, which
 * only removes an empty folder: anything the server put inside keeps it. Never follows a link.
 */
export async function removeRemote(
  sftp: SFTPWrapper,
  remotePath: string,
  kind: 'file' | 'dir' | 'symlink',
  expect: RemoteStamp | null,
): Promise<'removed' | 'gone' | 'changed' | 'not-empty'> {
  const session = sftpSession(sftp);
  const current = await lstatRemote(sftp, remotePath);
  if (current === null) return 'gone';
  if (expect !== null && !sameStamp(current, expect)) return 'changed';
  try {
    if (kind === 'dir') await session.rmdir(remotePath);
    else await session.unlink(remotePath);
    return 'removed';
  } catch (error) {
    if (isMissing(error)) return 'gone';
    if (kind === 'dir' && error instanceof SftpError && error.kind !== 'connection-lost') return 'not-empty';
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof SftpError && error.kind === 'no-such-file';
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

/** A folder the engine creates: root-relative POSIX path and the local folder's mode. */
export interface NewRemoteDir {
  readonly path: string;
  readonly mode: number;
}

/**
 * The folders that new ones (`dirs`, root-relative) go into and that exist already, up to (not
 * including) the root: each must still be a real folder, not a link (nothing is ever created
 * through one) nor anything else. Returns the ones that are not, with why. One pipelined LSTAT each.
 */
export async function checkExistingParents(sftp: SFTPWrapper, root: string, dirs: readonly NewRemoteDir[]): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  const wanted = new Set(dirs.map((dir) => dir.path));
  const absolute = (relative: string) => `${root}/${relative}`;
  const parentOf = (relative: string) => (relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '');
  const existing = new Set<string>();
  for (const dir of wanted) {
    for (let up = parentOf(dir); up !== '' && !wanted.has(up) && !existing.has(up); up = parentOf(up)) existing.add(up);
  }
  await Promise.all(
    [...existing].map(async (dir) => {
      const kind = await lstatKind(sftp, absolute(dir)).catch((error: Error) => error);
      if (kind instanceof Error) failed.set(dir, kind);
      else if (kind === 'symlink') failed.set(dir, new Error(`${absolute(dir)} is a symbolic link on the server; Labdesk does not create anything through it.`));
      else if (kind !== 'dir') failed.set(dir, new Error(`${absolute(dir)} is no longer a folder on the server.`));
    }),
  );
  return failed;
}

/**
 * Creates the plan's new folders below `root` with pipelined requests instead of one lstat per
 * path component per folder: first one round of LSTATs of the existing folders they go into
 * (each must still be a folder, not a link: nothing is created through a remote link below the
 * root), then one round of MKDIRs per depth level, parents before children. Level by level,
 * because a MKDIR that fails since its name has meanwhile become a link must stop the MKDIRs
 * below it. Returns the folders that could not be created, with the reason; a folder that
 * already exists as a real folder (another client made it) counts as created.
 */
export async function createRemoteDirs(sftp: SFTPWrapper, root: string, dirs: readonly NewRemoteDir[], host?: string): Promise<Map<string, Error>> {
  const session = sftpSession(sftp, host);
  const failed = new Map<string, Error>();
  const absolute = (relative: string) => `${root}/${relative}`;
  const parentOf = (relative: string) => (relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '');
  const failedAbove = (relative: string) => {
    for (let up = parentOf(relative); up !== ''; up = parentOf(up)) {
      const reason = failed.get(up);
      if (reason) return reason;
    }
    return undefined;
  };

  // Round 1: the existing folders the new ones go into, up to (not including) the root.
  for (const [dir, error] of await checkExistingParents(sftp, root, dirs)) failed.set(dir, error);

  // Round 2…n: MKDIR per depth level.
  const byDepth = new Map<number, NewRemoteDir[]>();
  for (const dir of dirs) {
    const depth = dir.path.split('/').length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), dir]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      (byDepth.get(depth) ?? []).map(async (dir) => {
        const above = failedAbove(dir.path);
        if (above) return void failed.set(dir.path, above);
        try {
          await session.mkdir(absolute(dir.path), { mode: dir.mode & 0o7777 });
        } catch (error) {
          const kind = await lstatKind(sftp, absolute(dir.path)).catch(() => null);
          if (kind === 'dir') return; // lost a race with another mkdir: fine
          if (kind === 'symlink') failed.set(dir.path, new Error(`${absolute(dir.path)} is a symbolic link on the server; Labdesk does not create anything through it.`));
          else if (kind === 'other') failed.set(dir.path, new Error(`${absolute(dir.path)} exists on the server and is not a folder.`));
          else failed.set(dir.path, error as Error);
        }
      }),
    );
  }
  return failed;
}

/** Labdesk's own temp names, and nothing else: `.<name>.labdesk-tmp-<12 hex>[.old]`, `incoming-<12 hex>`. */
const HEX12 = '[0-9a-f]'.repeat(12);
export const STALE_TEMP_FILE_GLOBS: readonly string[] = [`.*${TEMP_MARKER}${HEX12}`, `.*${TEMP_MARKER}${HEX12}.old`];
export const STALE_STAGING_GLOB = `incoming-${HEX12}`;

/**
 * Removes what a cut connection can leave behind on the server: the transfer's temp files and
 * tar-push's staging folders (`.labdesk/incoming-…`), when their status last changed more than
 * `olderThanMinutes` ago (ctime: the temp's mtime is the local file's, so it says nothing about
 * when the upload ran). Only Labdesk's own name patterns match; `find` never follows a link
 * (no -L; the root itself may be one: -H), matches regular files (-type f) and real folders
 * (-type d) only, and `rm -rf` does not follow links inside the staging folder.
 *
 * One exec (the login shell's start is paid once); needs a shell and GNU/BSD find, so on an
 * SFTP-only account it does nothing (SFTPv3 attributes carry no ctime to age the files by).
 * Returns the root-relative paths removed; never throws.
 */
export async function sweepStaleTemps(
  client: Client,
  root: string,
  options: { olderThanMinutes?: number; signal?: AbortSignal } = {},
): Promise<string[]> {
  const age = `+${Math.max(0, Math.floor(options.olderThanMinutes ?? 60))}`;
  const names = STALE_TEMP_FILE_GLOBS.flatMap((glob, i) => [...(i > 0 ? ['-o'] : []), '-name', glob]);
  const staging = shellCommand(['find', './.labdesk', '-maxdepth', '1', '-mindepth', '1', '-type', 'd', '-name', STALE_STAGING_GLOB, '-cmin', age, '-print0', '-exec', 'rm', '-rf', '--', '{}', '+']);
  const files = shellCommand(['find', '.', '-type', 'f', '(', ...names, ')', '-cmin', age, '-print0', '-delete']);
  const command = `cd ${shellCommand([root])} && { if ${shellCommand(['test', '-d', '.labdesk'])} && ! ${shellCommand(['test', '-h', '.labdesk'])}; then ${staging}; fi; ${files}; } 2>/dev/null`;
  const result = await execCommand(client, `env LC_ALL=C sh -c ${shellCommand([command])}`, options.signal ? { signal: options.signal } : {}).catch(() => null);
  if (!result) return [];
  return result.stdout
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry.startsWith('./'))
    .map((entry) => entry.slice(2));
}
