import type { SFTPWrapper, Stats } from 'ssh2';
import { sameStamp } from './plan';
import type { RemoteStamp } from './sync-types';

const NO_SUCH_FILE = 2;

function isMissing(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === NO_SUCH_FILE;
}

function stampOfStats(stats: Stats): RemoteStamp {
  return { size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o7777 };
}

/** lstat on the server (never follows a link); null when nothing is there. */
export function lstatRemote(sftp: SFTPWrapper, remotePath: string): Promise<RemoteStamp | null> {
  return new Promise((resolve, reject) => {
    sftp.lstat(remotePath, (error, stats) => {
      if (error) return isMissing(error) ? resolve(null) : reject(error);
      resolve(stampOfStats(stats));
    });
  });
}

function lstatKind(sftp: SFTPWrapper, remotePath: string): Promise<'dir' | 'symlink' | 'other' | null> {
  return new Promise((resolve, reject) => {
    sftp.lstat(remotePath, (error, stats) => {
      if (error) return isMissing(error) ? resolve(null) : reject(error);
      resolve(stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : 'other');
    });
  });
}

/**
 * `mkdir -p` over SFTP. Folders above `below` (the remote root the user chose) may be links
 * (/home → /data/home); below it nothing is created through a link.
 */
export async function ensureRemoteDir(sftp: SFTPWrapper, remotePath: string, options: { mode?: number; below?: string } = {}): Promise<void> {
  const start = options.below ?? '';
  const rest = remotePath.slice(start.length).split('/').filter(Boolean);
  let current = start;
  for (const part of rest) {
    current = `${current}/${part}`;
    const kind = await lstatKind(sftp, current);
    if (kind === 'dir') continue;
    if (kind === 'symlink' && options.below === undefined) continue;
    if (kind === 'symlink') throw new Error(`${current} is a symbolic link on the server; Labdesk does not create anything through it.`);
    if (kind === 'other') throw new Error(`${current} exists on the server and is not a folder.`);
    await new Promise<void>((resolve, reject) =>
      sftp.mkdir(current, { mode: options.mode ?? 0o755 }, (error) =>
        error ? lstatKind(sftp, current).then((now) => (now === 'dir' ? resolve() : reject(error)), reject) : resolve(),
      ),
    );
  }
}

/**
 * Creates (or, for a link Labdesk made, replaces) a remote symlink; returns its new stamp.
 * ssh2 swaps the arguments for OpenSSH's reversed SSH_FXP_SYMLINK itself.
 */
export async function symlinkRemote(sftp: SFTPWrapper, linkTarget: string, remotePath: string, replace: boolean): Promise<RemoteStamp> {
  if (replace) await new Promise<void>((resolve, reject) => sftp.unlink(remotePath, (error) => (error && !isMissing(error) ? reject(error) : resolve())));
  await new Promise<void>((resolve, reject) => sftp.symlink(linkTarget, remotePath, (error) => (error ? reject(error) : resolve())));
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
  const current = await lstatRemote(sftp, remotePath);
  if (current === null) return 'gone';
  if (expect !== null && !sameStamp(current, expect)) return 'changed';
  if (kind === 'dir') {
    return new Promise((resolve) => sftp.rmdir(remotePath, (error) => resolve(error ? (isMissing(error) ? 'gone' : 'not-empty') : 'removed')));
  }
  return new Promise((resolve, reject) => sftp.unlink(remotePath, (error) => (error ? (isMissing(error) ? resolve('gone') : reject(error)) : resolve('removed'))));
}
