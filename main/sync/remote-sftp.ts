import type { FileEntryWithStats } from 'ssh2';
import { SFTP_STATUS, SftpError, type SftpSession, toSftpError } from './sftp-client';

/**
 * The few SFTP requests the explorer needs that SftpSession does not wrap (READ, READDIR on a
 * handle, REALPATH), with its two guarantees: a request is never sent on a closed channel (ssh2
 * would drop it and never answer), and every failure is an SftpError naming path and host.
 */

type Callback<T> = (error: Error | null | undefined, value?: T) => void;

function call<T>(session: SftpSession, operation: string, remotePath: string, send: (cb: Callback<T>) => void): Promise<T> {
  if (!session.alive) return Promise.reject(new SftpError('connection-lost', undefined, operation, remotePath, session.host, ''));
  return new Promise<T>((resolve, reject) => {
    try {
      send((error, value) => (error ? reject(toSftpError(error, operation, remotePath, session.host)) : resolve(value as T)));
    } catch (error) {
      reject(toSftpError(error, operation, remotePath, session.host));
    }
  });
}

/** Reads up to `length` bytes at `position` into `buffer` at `offset`; resolves the count (0 at end of file). */
export function readChunk(session: SftpSession, handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, remotePath: string): Promise<number> {
  return call<number>(session, 'read', remotePath, (cb) => session.sftp.read(handle, buffer, offset, length, position, (error, bytesRead) => cb(error, bytesRead)));
}

/** The server's canonical absolute path (links resolved); `.` is the login's home folder. */
export function realpathRemote(session: SftpSession, remotePath: string): Promise<string> {
  return call<string>(session, 'resolve', remotePath, (cb) => session.sftp.realpath(remotePath, cb));
}

/**
 * A folder's entries (lstat attributes: OpenSSH never follows links in READDIR), without `.` and
 * `..`. Stops once more than `limit` entries arrived, so a folder of a million files costs a few
 * round trips, not the whole list; `truncated` says so.
 */
export async function readdirLimited(session: SftpSession, dir: string, limit: number): Promise<{ entries: FileEntryWithStats[]; truncated: boolean }> {
  const handle = await call<Buffer>(session, 'list', dir, (cb) => session.sftp.opendir(dir, cb));
  const entries: FileEntryWithStats[] = [];
  try {
    for (;;) {
      const batch = await call<FileEntryWithStats[] | false>(session, 'list', dir, (cb) =>
        session.sftp.readdir(handle, (error, list) => (isEof(error) ? cb(null, false) : cb(error, list))),
      );
      if (batch === false) break;
      for (const entry of batch) if (entry.filename !== '.' && entry.filename !== '..') entries.push(entry);
      if (entries.length > limit) return { entries: entries.slice(0, limit), truncated: true };
    }
  } finally {
    await session.close(handle, dir).catch(() => undefined);
  }
  return { entries, truncated: false };
}

function isEof(error: unknown): boolean {
  return (error as { code?: unknown } | null | undefined)?.code === SFTP_STATUS.EOF;
}
