import { createHash } from 'node:crypto';
import type { Stats } from 'ssh2';
import type { RemoteEntry, RemoteFileOpen } from '../../preload/api';
import { ApiError, fail } from '../common';
import { looksBinary, READ_ONLY_ABOVE_BYTES, SNIFF_BYTES } from '../workspace';
import { readRemoteBytes, remoteParent, SftpError, type SftpSession } from '../sftp';
import { entryOf } from './remote-listing';
import { remoteTempPath } from '../sync';

/**
 * Server files in the editor. Only files up to 5 MB open (editing a bigger one means moving it
 * over the network on every save; download it instead), the same UTF-8 rules as local files.
 *
 * Saves are guarded twice: the file's size and mtime must still be what the editor opened, and,
 * because SFTP mtimes are whole seconds, its content must still hash to what was last read or
 * written for that path (an edit in the same second with the same size is caught too).
 */
export const REMOTE_EDIT_LIMIT_BYTES = READ_ONLY_ABOVE_BYTES;

/** What was last read or written per path (sha256 of the content): the save guard's memory. */
export type ContentMemory = Map<string, string>;

export async function openRemoteFile(session: SftpSession, remotePath: string, memory: ContentMemory): Promise<RemoteFileOpen> {
  const where = `${remotePath} on ${session.host}`;
  const stats = await session.stat(remotePath).catch((error: unknown) => {
    throw notFoundOr(error, `${where} does not exist.`);
  });
  if (stats.isDirectory()) fail('is-a-directory', `${where} is a folder, not a file.`, 'path');
  if (!stats.isFile()) fail('not-supported', `${where} is not a regular file (a device, pipe or socket); it was not opened.`, 'path');
  const base = { path: remotePath, size: stats.size, mtimeMs: stats.mtime * 1000 };
  if (stats.size > REMOTE_EDIT_LIMIT_BYTES) return { kind: 'too-large', ...base };
  const read = await readRemoteBytes(session, remotePath, REMOTE_EDIT_LIMIT_BYTES);
  if (!sameStamp(read.before, read.after)) fail('conflict', `${where} is changing right now; try again in a moment.`, 'path');
  memory.set(remotePath, read.sha256);
  const opened = { path: remotePath, size: read.size, mtimeMs: read.after.mtime * 1000 };
  if (looksBinary(read.bytes.subarray(0, SNIFF_BYTES))) return { kind: 'binary', ...opened };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(read.bytes);
    return { kind: 'text', ...opened, text, readOnly: false };
  } catch {
    // Saving text decoded with replacement characters would destroy the bytes it could not show.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(read.bytes);
    return { kind: 'text', ...opened, text, readOnly: true, notice: `${remotePath} is not valid UTF-8 text, so it opened read-only: saving it from here would change bytes Labdesk cannot show.` };
  }
}

/**
 * Saves `text` to a server file atomically: a temp file next to it (same mode), flushed, then
 * posix-rename over it. A file reached through a link is written at its real path, so the link
 * stays a link (renaming over the link's own name would replace it with a plain file).
 * `expected: null` creates the file and refuses if anything exists there.
 */
export async function saveRemoteFile(session: SftpSession, remotePath: string, text: string, expected: { size: number; mtimeMs: number } | null, memory: ContentMemory): Promise<RemoteEntry> {
  const data = Buffer.from(text, 'utf8');
  const where = `${remotePath} on ${session.host}`;
  if (expected === null) {
    const existing = await session.lstatOrNull(remotePath);
    if (existing) fail('conflict', `${where} already exists (${describe(existing)}); nothing was written.`, 'path');
    const written = await writeThenRename(session, remotePath, remotePath, data, null);
    memory.set(remotePath, sha256(data));
    return entryOf(remotePath, written);
  }
  const changed = (detail: string) => new ApiError({ code: 'conflict', message: `${where} changed on the server since you opened it (${detail}); nothing was written.` });
  const real = await session.realpath(remotePath).catch((error: unknown) => {
    throw notFoundOr(error, `${where} was deleted on the server since you opened it; nothing was written.`, 'conflict');
  });
  const now = await session.lstatOrNull(real);
  if (now === null) throw changed('it was deleted');
  if (!now.isFile()) fail('not-supported', `${where} is no longer a regular file; nothing was written.`, 'path');
  if (now.size !== expected.size || now.mtime * 1000 !== expected.mtimeMs) throw changed(`now ${describe(now)}`);
  const remembered = memory.get(remotePath);
  if (remembered !== undefined) {
    const current = await readRemoteBytes(session, real, Math.max(REMOTE_EDIT_LIMIT_BYTES, now.size));
    if (!sameStamp(current.after, now) || current.sha256 !== remembered) throw changed('same size and time, different content');
  }
  const written = await writeThenRename(session, remotePath, real, data, now);
  memory.set(remotePath, sha256(data));
  return entryOf(remotePath, written);
}

/**
 * The atomic write. `replacing` is the file's stat when it was checked: it is checked again
 * right before the rename (SFTP has no conditional rename; the window left is one round trip).
 */
async function writeThenRename(session: SftpSession, shownPath: string, target: string, data: Buffer, replacing: Stats | null): Promise<Stats> {
  const where = `${shownPath} on ${session.host}`;
  const temp = remoteTempPath(target);
  let handle: Buffer | undefined;
  let tempExists = false;
  try {
    handle = await session.open(temp, 'wx', { mode: replacing ? replacing.mode & 0o7777 : 0o666 });
    tempExists = true;
    const chunk = session.limits.maxWriteLen;
    const pending: Promise<unknown>[] = [];
    for (let position = 0; position < data.length; position += chunk) {
      pending.push(session.write(handle, data, position, Math.min(chunk, data.length - position), position, temp));
    }
    // The server's umask applied to OPEN's mode: set the exact mode of the file replaced.
    if (replacing) pending.push(session.fsetstat(handle, { mode: replacing.mode & 0o7777 }, temp));
    if (session.hasExtension('fsync@openssh.com')) pending.push(session.fsync(handle, temp));
    const stats = session.fstat(handle, temp);
    const closed = session.close(handle, temp);
    handle = undefined;
    await Promise.all([...pending, stats, closed]);
    const written = await stats;
    if (replacing === null) {
      // Plain RENAME refuses to replace anything on OpenSSH: creating can never clobber a file.
      await session.rename(temp, target).catch(async (error: unknown) => {
        if (await session.lstatOrNull(target).catch(() => null)) fail('conflict', `${where} was created on the server meanwhile; nothing was written.`, 'path');
        throw error;
      });
    } else {
      const now = await session.lstatOrNull(target);
      if (now === null || !sameStamp(now, replacing) || (now.mode & 0o7777) !== (replacing.mode & 0o7777)) {
        fail('conflict', `${where} changed on the server while it was being saved; nothing was written.`, 'path');
      }
      if (!session.hasExtension('posix-rename@openssh.com')) {
        fail('not-supported', `The server ${session.host} cannot replace files atomically (no posix-rename@openssh.com); ${shownPath} was not saved.`, 'path');
      }
      await session.posixRename(temp, target);
    }
    tempExists = false;
    return written;
  } catch (error) {
    if (handle) await session.close(handle, temp).catch(() => undefined);
    if (tempExists) await session.unlink(temp).catch(() => undefined);
    throw saveError(error, shownPath, session.host, remoteParent(target));
  }
}

function saveError(error: unknown, shownPath: string, host: string, dir: string): unknown {
  if (!(error instanceof SftpError)) return error;
  const what = `Could not save ${shownPath} on ${host}`;
  if (error.kind === 'permission-denied') {
    return new ApiError({ code: 'permission-denied', message: `${what}: permission denied (saving needs write access to the folder ${dir}, because a temporary file is created next to the file). Nothing was written.` });
  }
  if (error.kind === 'no-such-file') return new ApiError({ code: 'not-found', message: `${what}: the folder ${dir} does not exist. Nothing was written.` });
  if (error.kind === 'failure') {
    return new ApiError({ code: 'disk-full', message: `${what}: the server refused the write (the disk may be full, a quota exceeded or the file system read-only). Nothing was written.` });
  }
  return error;
}

function notFoundOr(error: unknown, message: string, code: 'not-found' | 'conflict' = 'not-found'): unknown {
  if (error instanceof SftpError && error.kind === 'no-such-file') return new ApiError({ code, message });
  return error;
}

function sameStamp(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtime === b.mtime;
}

function describe(stats: Stats): string {
  return `${stats.size} bytes, modified ${new Date(stats.mtime * 1000).toISOString()}`;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
