import type { SFTPWrapper } from 'ssh2';
import { sameStamp } from './plan';
import { SftpError, sftpSession } from './sftp-client';
import type { RemoteStamp } from './sync-types';
import { stampOf as stampOfStats } from './transfer';

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
