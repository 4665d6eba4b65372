import { lstat } from 'node:fs/promises';
import type { Stats } from 'ssh2';
import type { RemoteTransferReport } from '../../preload/api';
import { ApiError, fail, type TaskHandle } from '../common';
import { hashLocalFile, hashRemoteFiles, uploadFiles, type UploadItem } from '../sync';
import { type LocalPicked, walkLocalSelection } from './remote-upload-selection';
import { mirroredPath, recordSyncedFile } from './remote-base';
import { remoteChild, SftpError, type SftpSession } from '../sftp';
import type { RemoteContext } from './remote-context';

/** LSTATs in flight while looking at what is already on the server. */
const LOOKUPS_IN_FLIGHT = 64;

type Skip = { path: string; message: string };

/**
 * Uploads project files and folders into a server folder with the transfer engine (pipelined,
 * each file atomic). Nothing on the server is replaced: a different file already there is
 * skipped and reported, an identical one counts as done. Where the destination is the place
 * sync mirrors the file to, the base is recorded, so the next sync has nothing to do for it.
 */
export async function uploadLocal(ctx: RemoteContext, session: SftpSession, picked: readonly string[], toDir: string, task: TaskHandle): Promise<RemoteTransferReport> {
  const started = Date.now();
  const { signal } = task;
  const host = ctx.hostLabel;
  const destination = await session.stat(toDir).catch((error: unknown) => {
    if (error instanceof SftpError && error.kind === 'no-such-file') fail('not-found', `${toDir} does not exist on ${host}; nothing was uploaded.`, 'toDir');
    throw error;
  });
  if (!destination.isDirectory()) fail('not-a-directory', `${toDir} on ${host} is not a folder; nothing was uploaded.`, 'toDir');

  const walk = await walkLocalSelection(ctx.localRoot, picked);
  const skipped: Skip[] = [...walk.skipped];
  const remoteOf = (entry: LocalPicked) => entry.relative.split('/').reduce(remoteChild, toDir);
  const blocked: string[] = [];
  const isBlocked = (entry: LocalPicked) => blocked.some((dir) => entry.relative.startsWith(`${dir}/`));
  let folders = 0;
  let files = 0;
  let bytes = 0;

  // Folders, parents first; nothing is written into a server link or over a server file.
  for (const entry of walk.entries) {
    if (entry.kind !== 'dir' || isBlocked(entry)) continue;
    const remotePath = remoteOf(entry);
    const existing = await session.lstatOrNull(remotePath);
    if (existing?.isDirectory()) continue;
    if (existing === null) {
      await session.mkdir(remotePath, { mode: entry.mode & 0o777 });
      folders += 1;
      continue;
    }
    blocked.push(entry.relative);
    skipped.push({ path: entry.workspacePath, message: `${remotePath} on ${host} is ${existing.isSymbolicLink() ? 'a link' : 'a file'}; nothing inside ${entry.workspacePath} was uploaded into it.` });
  }

  // What is already there decides each file: missing → upload, identical → done, else skipped.
  const candidates = walk.entries.filter((entry) => entry.kind === 'file' && !isBlocked(entry));
  const existing = await lookupAll(session, candidates.map(remoteOf));
  const toSend: LocalPicked[] = [];
  const sameSize = new Map<LocalPicked, Stats>();
  for (const [index, entry] of candidates.entries()) {
    const now = existing[index] ?? null;
    if (now === null) toSend.push(entry);
    else if (now.isFile() && now.size === entry.size) sameSize.set(entry, now);
    else skipped.push({ path: entry.workspacePath, message: differsMessage(remoteOf(entry), host, now) });
  }
  const remoteHashes = sameSize.size === 0 ? new Map<string, string>() : await hashRemoteFiles(ctx.live.client, ctx.live.sftp, toDir, [...sameSize.keys()].map((entry) => entry.relative));
  const mirrored = (entry: LocalPicked) => mirroredPath(ctx.remoteRoot, remoteOf(entry), entry.workspacePath);
  let recorded = false;

  const send = async () => {
    for (const [entry, remote] of sameSize) {
      const hash = await hashLocalFile(entry.localPath).catch(() => '');
      if (hash === '' || hash !== remoteHashes.get(entry.relative)) {
        skipped.push({ path: entry.workspacePath, message: `${remoteOf(entry)} already exists on ${host} with different content; it was left as it is.` });
        continue;
      }
      files += 1;
      const synced = mirrored(entry);
      if (synced !== null) {
        recordSyncedFile(ctx.state, synced, await lstat(entry.localPath), hash, { size: remote.size, mtime: remote.mtime, mode: remote.mode & 0o7777 });
        recorded = true;
      }
    }
    const hashes = new Map<string, string>();
    for (const entry of toSend) if (mirrored(entry) !== null) hashes.set(entry.workspacePath, await hashLocalFile(entry.localPath).catch(() => ''));
    const items: UploadItem[] = toSend.map((entry) => ({ localPath: entry.localPath, remotePath: remoteOf(entry), mode: entry.mode, mtimeMs: entry.mtimeMs, expectRemote: null, size: entry.size }));
    const results = await uploadFiles(ctx.live.sftp, items, {
      host,
      signal,
      onProgress: (progress) => task.report(files + progress.filesDone, candidates.length, { done: progress.bytesDone, total: progress.bytesTotal }),
    });
    const errors: ApiError[] = [];
    for (const [index, result] of results.entries()) {
      const entry = toSend[index] as LocalPicked;
      if (result.ok) {
        files += 1;
        bytes += entry.size;
        const synced = mirrored(entry);
        const now = synced === null ? null : await lstat(entry.localPath).catch(() => null);
        // A file changed while it was sent records no hash: the next sync compares it again.
        if (synced !== null && now !== null) {
          const unchanged = now.size === entry.size && now.mtimeMs === entry.mtimeMs;
          recordSyncedFile(ctx.state, synced, now, unchanged ? (hashes.get(entry.workspacePath) ?? '') : '', result.remote);
          recorded = true;
        }
      } else if (result.code !== 'cancelled') {
        skipped.push({ path: entry.workspacePath, message: result.message });
        if (result.code !== 'conflict') errors.push(new ApiError({ code: result.code === 'failed' ? 'internal' : result.code, message: result.message }));
      }
    }
    // After recording what did arrive: a cancel keeps the base of every file already sent.
    signal.throwIfAborted();
    return errors;
  };

  task.report(0, candidates.length, { done: 0, total: toSend.reduce((sum, entry) => sum + entry.size, 0) });
  const anyMirrored = candidates.some((entry) => mirrored(entry) !== null);
  let errors: ApiError[];
  try {
    // Writing where sync mirrors the project: one at a time with full syncs and conflict resolutions.
    errors = anyMirrored ? await ctx.exclusive(send) : await send();
  } finally {
    if (recorded) {
      await ctx.state.save().catch(() => undefined);
      ctx.changed();
    }
  }

  for (const entry of walk.entries) {
    if (entry.kind !== 'symlink' || isBlocked(entry)) continue;
    const message = await recreateRemoteLink(session, entry, remoteOf(entry), host);
    if (message === null) files += 1;
    else skipped.push({ path: entry.workspacePath, message });
  }

  const first = errors[0];
  if (first && files === 0) throw new ApiError({ code: first.code, message: errors.length > 1 ? `${first.message} (${errors.length - 1} more files failed too.)` : first.message });
  return { files, folders, bytes, skipped, seconds: (Date.now() - started) / 1000 };
}

async function lookupAll(session: SftpSession, remotePaths: readonly string[]): Promise<(Stats | null)[]> {
  const found = new Array<Stats | null>(remotePaths.length).fill(null);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < remotePaths.length; index = next++) found[index] = await session.lstatOrNull(remotePaths[index] as string);
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, remotePaths.length) }, worker));
  return found;
}

function differsMessage(remotePath: string, host: string, now: Stats): string {
  const what = now.isDirectory() ? 'a folder' : now.isSymbolicLink() ? 'a link' : now.isFile() ? 'a different file' : 'a special file';
  return `${remotePath} already exists on ${host} (${what}); it was left as it is.`;
}

/** null when the link is there now (made, or the same one was there already); otherwise why not. */
async function recreateRemoteLink(session: SftpSession, entry: LocalPicked, remotePath: string, host: string): Promise<string | null> {
  const target = entry.linkTarget ?? '';
  const existing = await session.lstatOrNull(remotePath);
  if (existing?.isSymbolicLink() && (await session.readlink(remotePath).catch(() => null)) === target) return null;
  if (existing) return `${remotePath} already exists on ${host}; the link ${entry.workspacePath} was not created over it.`;
  try {
    await session.symlink(target, remotePath);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
