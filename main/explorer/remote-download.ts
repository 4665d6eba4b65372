import { randomBytes } from 'node:crypto';
import { type FileHandle, lstat, mkdir, open, readlink, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteTransferReport } from '../../preload/api';
import { ApiError, fromFsError, type TaskHandle, TEMP_MARKER } from '../common';
import { ensureRealFolder, parseWorkspacePath, resolveInWorkspace, toWorkspaceRelative } from '../workspace';
import { hashLocalFile, stampOf } from '../sync';
import { joinRelative, mirroredPath, recordSyncedFile, unchangedSinceBase } from './remote-base';
import { readRemoteFile, type SftpSession } from '../sftp';
import { type WalkedEntry, walkRemoteSelection } from './remote-walk';
import type { RemoteContext } from './remote-context';

/** Files downloaded at once (each with several READs in flight). */
const FILES_IN_FLIGHT = 8;

type Skip = { path: string; message: string };

/**
 * Downloads what the person picked on the server into a project folder. Nothing that differs
 * here is overwritten, with one exception: a file sync mirrors whose local copy is unchanged
 * since its base is pulled (that is what "download" of a synced file means), and its new base
 * is recorded so the next sync sees nothing to do. Ignore rules do not apply: what was picked
 * (logs, outputs) is usually ignored on purpose.
 *
 * Each file goes to a temp file next to its place, is flushed, gets the server's mode and mtime,
 * and is renamed in: a cancel or a dropped connection leaves no partial file. Nothing is written
 * through a local link; server links are recreated only when relative and inside the download.
 */
export async function downloadRemote(ctx: RemoteContext, session: SftpSession, picked: readonly string[], toDir: string, task: TaskHandle): Promise<RemoteTransferReport> {
  const started = Date.now();
  const { signal } = task;
  const destRelative = toWorkspaceRelative(parseWorkspacePath(toDir, 'toDir'));
  const destination = await resolveInWorkspace(ctx.localRoot, toDir, { followFinal: false, argument: 'toDir' });
  await ensureRealFolder(ctx.localRoot, destRelative, 'toDir');

  const walk = await walkRemoteSelection(session, picked, signal);
  const skipped: Skip[] = [...walk.skipped];
  const errors: ApiError[] = [];
  const files = walk.entries.filter((entry) => entry.kind === 'file');
  const bytesTotal = files.reduce((sum, entry) => sum + entry.size, 0);
  let filesDone = 0;
  let bytesDone = 0;
  let written = 0;
  let folders = 0;
  let recorded = false;
  const report = () => task.report(filesDone, files.length, { done: bytesDone, total: bytesTotal });
  report();

  // Folders first (parents before children); a folder that cannot be made blocks what it holds.
  const blocked: string[] = [];
  const isBlocked = (relative: string) => blocked.some((dir) => relative.startsWith(`${dir}/`));
  const localOf = (relative: string) => path.join(destination, ...relative.split('/'));
  for (const entry of walk.entries) {
    if (entry.kind !== 'dir' || isBlocked(entry.relative)) continue;
    const problem = await makeFolder(localOf(entry.relative), entry);
    if (problem === 'made') folders += 1;
    else if (problem !== 'exists') {
      blocked.push(entry.relative);
      skipped.push({ path: entry.remotePath, message: `${joinRelative(destRelative, entry.relative)} ${problem} here; nothing inside ${entry.remotePath} was downloaded into it.` });
    }
  }
  // A link may point at anything this download brings (`latest → run3/metrics.json`), nothing else.
  const tops = new Set(walk.entries.filter((entry) => !entry.relative.includes('/')).map((entry) => entry.relative));
  const insideDownload = (resolved: string) => tops.has(resolved.split('/')[0] ?? '');
  for (const entry of walk.entries) {
    if (entry.kind !== 'symlink' || isBlocked(entry.relative)) continue;
    const outcome = await recreateLink(localOf(entry.relative), entry, joinRelative(destRelative, entry.relative), ctx.hostLabel, insideDownload);
    if (outcome === null) written += 1;
    else if (outcome !== 'same') skipped.push({ path: entry.remotePath, message: outcome });
  }

  const downloadOne = async (entry: WalkedEntry) => {
    const relative = joinRelative(destRelative, entry.relative);
    const mirrored = mirroredPath(ctx.remoteRoot, entry.remotePath, relative);
    const outcome = await downloadFile(ctx, session, entry, localOf(entry.relative), relative, mirrored, signal, (count) => {
      bytesDone += count;
      report();
    });
    if (outcome.kind === 'written' || outcome.kind === 'same') written += 1;
    if (outcome.kind === 'skipped') skipped.push({ path: entry.remotePath, message: outcome.message });
    if (outcome.recorded) recorded = true;
  };
  const queue = files.filter((entry) => !isBlocked(entry.relative));
  filesDone = files.length - queue.length;
  try {
    // Every worker finishes (and removes its temp file) before a cancel is reported.
    await settleAll(
      Array.from({ length: Math.min(FILES_IN_FLIGHT, queue.length) }, async () => {
        for (let entry = queue.shift(); entry; entry = queue.shift()) {
          signal.throwIfAborted();
          try {
            await downloadOne(entry);
          } catch (error) {
            if (signal.aborted) throw error;
            const failure = error instanceof ApiError ? error : fromFsError(error, 'download', entry.remotePath);
            errors.push(failure);
            skipped.push({ path: entry.remotePath, message: failure.message });
          }
          filesDone += 1;
          report();
        }
      }),
    );
  } finally {
    if (recorded) {
      await ctx.state.save().catch(() => undefined);
      ctx.changed();
    }
  }
  const first = errors[0];
  if (first && written === 0) {
    throw new ApiError({ code: first.code, message: errors.length > 1 ? `${first.message} (${errors.length - 1} more files failed too.)` : first.message });
  }
  return { files: written, folders, bytes: bytesDone, skipped, seconds: (Date.now() - started) / 1000 };
}

/** Like Promise.all, but rejects only once every promise has settled. */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

async function makeFolder(local: string, entry: WalkedEntry): Promise<'made' | 'exists' | string> {
  const stats = await lstat(local).catch(() => null);
  if (stats?.isDirectory()) return 'exists';
  if (stats?.isSymbolicLink()) return 'is a symbolic link';
  if (stats) return 'is a file';
  try {
    await mkdir(local, { mode: (entry.mode & 0o777) | 0o700 });
    return 'made';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return makeFolder(local, entry);
    return `could not be created (${fromFsError(error, 'create the folder', local).message})`;
  }
}

/** null when made; 'same' when the same link is already there; otherwise why it was skipped. */
async function recreateLink(local: string, entry: WalkedEntry, relative: string, host: string, insideDownload: (resolved: string) => boolean): Promise<null | 'same' | string> {
  const target = entry.linkTarget ?? '';
  const where = `${entry.remotePath} on ${host}`;
  if (target.startsWith('/')) {
    return `${where} is a link to the absolute path ${target}, which would point somewhere else on this machine; it was not recreated.`;
  }
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entry.relative), target));
  if (resolved === '..' || resolved.startsWith('../') || !insideDownload(resolved)) {
    return `${where} is a link to ${target}, outside what was downloaded; it was not recreated (links on the server are never followed).`;
  }
  const existing = await lstat(local).catch(() => null);
  if (existing?.isSymbolicLink() && (await readlink(local).catch(() => null)) === target) return 'same';
  if (existing) return `${relative} already exists here; the link ${where} was not recreated over it.`;
  try {
    await symlink(target, local);
    return null;
  } catch (error) {
    return fromFsError(error, 'create the link', relative).message;
  }
}

type FileOutcome = { kind: 'written' | 'same'; recorded: boolean } | { kind: 'skipped'; message: string; recorded: false };

async function downloadFile(
  ctx: RemoteContext,
  session: SftpSession,
  entry: WalkedEntry,
  local: string,
  relative: string,
  mirrored: string | null,
  signal: AbortSignal,
  onBytes: (count: number) => void,
): Promise<FileOutcome> {
  const skip = (message: string): FileOutcome => ({ kind: 'skipped', message, recorded: false });
  const changedHere = `${relative} was changed here, so the server's version (${entry.remotePath}) was not downloaded over it.`;
  const existing = await lstat(local).catch(() => null);
  if (existing && !existing.isFile()) return skip(`${relative} is ${existing.isDirectory() ? 'a folder' : existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'} here; ${entry.remotePath} was not downloaded over it.`);
  const base = mirrored === null ? undefined : ctx.state.entries.get(mirrored);
  const pullable = existing !== null && base?.kind === 'file' && (await unchangedSinceBase(local, existing, base.local));
  // Different sizes cannot be the same file: no need to fetch it to know it would be skipped.
  if (existing && !pullable && existing.size !== entry.size) return skip(changedHere);

  const temp = path.join(path.dirname(local), `.${path.basename(local)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', (entry.mode & 0o777) | 0o600);
    const file = handle;
    const read = await readRemoteFile(session, entry.remotePath, (chunk) => file.write(chunk).then(() => undefined), { signal, onBytes });
    if (read.after.size !== read.before.size || read.after.mtime !== read.before.mtime) {
      return skip(`${entry.remotePath} changed on ${ctx.hostLabel} while it was downloaded; it was not saved. Download it again.`);
    }
    await file.chmod((read.after.mode & 0o777) | 0o600);
    await file.utimes(new Date(), new Date(read.after.mtime * 1000));
    await file.sync();
    const downloaded = await file.stat(); // a rename keeps size, mtime and mode
    await file.close();
    handle = undefined;

    const commit = async (): Promise<FileOutcome> => {
      const now = await lstat(local).catch(() => null);
      const same = (a: typeof now, b: typeof now) => (a === null && b === null) || (a !== null && b !== null && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino);
      if (!same(now, existing)) return skip(`${relative} changed here while ${entry.remotePath} was downloaded; it was left as it is.`);
      if (existing) {
        const localHash = existing.size === read.size ? await hashLocalFile(local) : '';
        if (localHash === read.sha256) {
          if (mirrored !== null) recordSyncedFile(ctx.state, mirrored, existing, localHash, stampOf(read.after));
          return { kind: 'same', recorded: mirrored !== null };
        }
        if (!pullable) return skip(changedHere);
      }
      await rename(temp, local);
      if (mirrored === null) return { kind: 'written', recorded: false };
      // Recorded at once, before the file watcher reports the new file: the next plan sees it in sync.
      recordSyncedFile(ctx.state, mirrored, downloaded, read.sha256, stampOf(read.after));
      return { kind: 'written', recorded: true };
    };
    // A pull changes what sync compares: never at the same time as a full sync or a conflict resolution.
    return mirrored === null ? await commit() : await ctx.exclusive(commit);
  } catch (error) {
    throw error instanceof ApiError || signal.aborted ? error : fromFsError(error, 'download into', relative);
  } finally {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
  }
}
