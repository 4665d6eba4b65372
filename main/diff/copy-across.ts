import { randomBytes } from 'node:crypto';
import { chmod, copyFile, lstat, open, rename, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { CompareEntry, CopyAcrossItem, CopyAcrossReport, CopyDirection } from '../../preload/api';
import { ApiError, fromFsError, type TaskHandle, TEMP_MARKER } from '../common';
import { recordSyncedFile, type RemoteContext } from '../explorer';
import { readRemoteFile, sftpSession } from '../sftp';
import { ensureRemoteDir, hashLocalFile, lstatRemote, stampOf, uploadFiles } from '../sync';
import { ensureRealFolder } from '../workspace';

/** What one side holds at a path now, in the compare's terms (server times in whole seconds, as ms). */
type Seen = Pick<CompareEntry, 'kind' | 'size' | 'mtimeMs'> & { readonly mode: number };

/** One side of a folder compare: a folder of the project, or the same folder on the server. */
export type CompareSide =
  | { readonly kind: 'local'; readonly dir: string; readonly label: string }
  | { readonly kind: 'server'; readonly dir: string; readonly label: string; readonly context: RemoteContext; readonly workspaceDir: string };

/**
 * Copies files and folders from one side of a folder compare to the other, with sync's rules:
 *
 * - nothing is overwritten that changed since the compare: each side must still be what the
 *   compare showed (kind, size, time), checked again right before the write (the upload itself
 *   is guarded by the server file's stamp), so a change made meanwhile is never lost;
 * - every file is written to a temp file beside its place and renamed in (atomic), with its
 *   mode and time, so the next compare finds the pair the same at once;
 * - links are never followed, replaced or created: a link on either side is left as it is and
 *   nothing is written through one (a server's `data/` link stays a link);
 * - copying never deletes: a path the source side lacks is reported, not removed;
 * - between the project and the server, the copy is recorded as in sync, so the next sync has
 *   nothing to do for it (and reports no conflict).
 */
export async function copyAcross(from: CompareSide, to: CompareSide, items: readonly CopyAcrossItem[], direction: CopyDirection, task: TaskHandle): Promise<CopyAcrossReport> {
  const skipped: Array<{ path: string; message: string }> = [];
  let files = 0;
  let folders = 0;
  let bytes = 0;
  let recorded = false;
  const server = from.kind === 'server' ? from : to.kind === 'server' ? to : null;
  // Folders first, parents before children.
  const ordered = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const expectFrom = (item: CopyAcrossItem) => (direction === 'left-to-right' ? item.left : item.right) ?? null;
  const expectTo = (item: CopyAcrossItem) => (direction === 'left-to-right' ? item.right : item.left) ?? null;

  const copyOne = async (item: CopyAcrossItem): Promise<void> => {
    const rel = item.path;
    const source = await seen(from, rel);
    if (!sameAsCompared(source, expectFrom(item))) return skip(`${rel} changed in ${from.label} since the compare; compare again before copying it.`);
    if (source === null) return skip(`${rel} is not in ${from.label}, so there is nothing to copy (copying never deletes it from ${to.label}).`);
    if (source.kind === 'symlink' || source.kind === 'other') return skip(`${rel} is ${source.kind === 'symlink' ? 'a symbolic link' : 'not a file or folder'} in ${from.label}; links are left as they are, as sync does.`);
    const target = await seen(to, rel);
    if (!sameAsCompared(target, expectTo(item))) return skip(`${rel} changed in ${to.label} since the compare, so it was not overwritten; compare again.`);
    if (target !== null && target.kind !== source.kind) return skip(`${rel} is ${kindWords(target.kind)} in ${to.label}; it was not replaced by ${kindWords(source.kind)}.`);
    if (source.kind === 'dir') {
      if (target === null) {
        await makeFolder(to, rel);
        folders += 1;
      }
      return;
    }
    await makeFolder(to, path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    const copied = await copyFileAcross(from, to, rel, source, target);
    files += 1;
    bytes += source.size;
    if (copied.recorded) recorded = true;
  };
  const skip = (message: string) => void skipped.push({ path: '', message });

  const run = async () => {
    for (const [index, item] of ordered.entries()) {
      task.signal.throwIfAborted();
      const before = skipped.length;
      try {
        await copyOne(item);
      } catch (error) {
        if (task.signal.aborted) throw error;
        skipped.push({ path: item.path, message: (error instanceof ApiError ? error : fromFsError(error, 'copy', item.path)).message });
      }
      for (let at = before; at < skipped.length; at++) skipped[at] = { path: item.path, message: (skipped[at] as { message: string }).message };
      task.report(index + 1, ordered.length, { done: bytes, total: 0 });
    }
  };
  try {
    // Writing where sync mirrors the project: one at a time with syncs and conflict resolutions.
    await (server ? server.context.exclusive(run) : run());
  } finally {
    if (recorded && server) {
      await server.context.state.save().catch(() => undefined);
      server.context.changed();
    }
  }
  return { files, folders, bytes, skipped };
}

function kindWords(kind: CompareEntry['kind']): string {
  return kind === 'dir' ? 'a folder' : kind === 'file' ? 'a file' : kind === 'symlink' ? 'a symbolic link' : 'something else';
}

/** The compare saw `expected` (null: nothing); is that still what is there? */
function sameAsCompared(now: Seen | null, expected: CompareEntry | null): boolean {
  if (expected === null || now === null) return expected === now;
  if (now.kind !== expected.kind) return false;
  return now.kind !== 'file' || (now.size === expected.size && now.mtimeMs === expected.mtimeMs);
}

async function seen(side: CompareSide, rel: string): Promise<Seen | null> {
  if (side.kind === 'local') {
    const stats = await lstat(path.join(side.dir, ...rel.split('/'))).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (stats === null) return null;
    const kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : 'other';
    return { kind, size: kind === 'file' ? stats.size : 0, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777 };
  }
  const stats = await sftpSession(side.context.live.sftp, side.context.hostLabel).lstatOrNull(remoteOf(side, rel));
  if (stats === null) return null;
  const kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : 'other';
  return { kind, size: kind === 'file' ? stats.size : 0, mtimeMs: stats.mtime * 1000, mode: stats.mode & 0o7777 };
}

const remoteOf = (side: CompareSide, rel: string) => (rel === '' ? side.dir : `${side.dir}/${rel}`);
const localOf = (side: CompareSide, rel: string) => path.join(side.dir, ...rel.split('/').filter(Boolean));
const workspacePathOf = (side: CompareSide & { kind: 'server' }, rel: string) => (side.workspaceDir === '' ? rel : `${side.workspaceDir}/${rel}`);

/** The folder and those above it inside the compared folder, made where missing and never through a link. */
async function makeFolder(side: CompareSide, rel: string): Promise<void> {
  if (side.kind === 'local') return ensureRealFolder(side.dir, rel);
  try {
    await ensureRemoteDir(side.context.live.sftp, remoteOf(side, rel), { below: side.dir });
  } catch (error) {
    throw new ApiError({ code: 'bad-argument', message: `${error instanceof Error ? error.message : String(error)} (${side.context.hostLabel})` });
  }
}

function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
}

async function copyFileAcross(from: CompareSide, to: CompareSide, rel: string, source: Seen, target: Seen | null): Promise<{ recorded: boolean }> {
  if (from.kind === 'local' && to.kind === 'local') {
    await placeLocal(localOf(to, rel), rel, target, async (temp) => {
      await copyFile(localOf(from, rel), temp);
      await chmod(temp, source.mode & 0o777);
      await utimes(temp, new Date(source.mtimeMs), new Date(source.mtimeMs));
    });
    return { recorded: false };
  }
  if (from.kind === 'local' && to.kind === 'server') {
    const sftp = to.context.live.sftp;
    const remotePath = remoteOf(to, rel);
    const localPath = localOf(from, rel);
    // The server file must still be what was just checked: uploadFiles refuses anything else.
    const expectRemote = target === null ? null : await lstatRemote(sftp, remotePath);
    const [result] = await uploadFiles(sftp, [{ localPath, remotePath, mode: source.mode, mtimeMs: source.mtimeMs, expectRemote, size: source.size }], { host: to.context.hostLabel });
    if (!result?.ok) throw new ApiError({ code: result?.code === 'failed' || !result ? 'internal' : result.code, message: result?.message ?? `${rel} was not copied.` });
    const stats = await lstat(localPath);
    const unchanged = stats.size === source.size && stats.mtimeMs === source.mtimeMs;
    recordSyncedFile(to.context.state, workspacePathOf(to, rel), stats, unchanged ? await hashLocalFile(localPath).catch(() => '') : '', result.remote);
    return { recorded: true };
  }
  if (from.kind === 'server' && to.kind === 'local') {
    const session = sftpSession(from.context.live.sftp, from.context.hostLabel);
    const local = localOf(to, rel);
    let read: Awaited<ReturnType<typeof readRemoteFile>> | undefined;
    await placeLocal(local, rel, target, async (temp) => {
      const handle = await open(temp, 'wx', 0o600);
      try {
        read = await readRemoteFile(session, remoteOf(from, rel), async (chunk) => {
          await handle.write(chunk);
        });
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (read.before.size !== read.after.size || read.before.mtime !== read.after.mtime) {
        throw new ApiError({ code: 'conflict', message: `${rel} changed on ${from.context.hostLabel} while it was copied; compare again.` });
      }
      await chmod(temp, source.mode & 0o777);
      await utimes(temp, read.after.mtime, read.after.mtime);
    });
    const done = read as NonNullable<typeof read>;
    recordSyncedFile(from.context.state, workspacePathOf(from, rel), await lstat(local), done.sha256, stampOf(done.after));
    return { recorded: true };
  }
  throw new ApiError({ code: 'not-supported', message: 'Copying between two server folders is not supported.' });
}

/**
 * Writes a temp file beside `file` with `fill`, checks that `file` is still what was checked
 * before (`expected`, null: absent), and renames the temp file over it; the temp file never stays.
 */
async function placeLocal(file: string, rel: string, expected: Seen | null, fill: (temp: string) => Promise<void>): Promise<void> {
  const temp = tempBeside(file);
  try {
    await fill(temp);
    const now = await lstat(file).catch(() => null);
    const still = expected === null ? now === null : now !== null && now.isFile() && now.size === expected.size && now.mtimeMs === expected.mtimeMs;
    if (!still) throw new ApiError({ code: 'conflict', message: `${rel} changed here while it was copied, so it was not overwritten; compare again.` });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error instanceof ApiError ? error : fromFsError(error, 'copy', rel);
  }
}
