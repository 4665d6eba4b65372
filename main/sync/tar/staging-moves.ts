import path from 'node:path';
import type { Client, Stats } from 'ssh2';
import { SftpError, type SftpSession } from '../../sftp';
import { shellCommand } from '../../ssh';
import type { NewRemoteDir } from '../remote/remote-ops';
import { ensureRemoteDirs, type Progress, stampOf, type UploadFailureCode, type UploadResult } from '../transfer/transfer';
import type { FileState } from './tar-files';

/**
 * RENAME + LSTAT pairs in flight: enough that sftp-server never waits for the next request
 * across a long round trip (fewer left it idle between windows).
 */
const MOVES_IN_FLIGHT = 1024;
/** rm -rf runs through the login shell, whose rc files may take seconds on a busy server. */
const CLEANUP_TIMEOUT_MS = 30_000;

export async function ensureDirsOverSftp(session: SftpSession, dirs: readonly string[]): Promise<void> {
  await ensureRemoteDirs(session.sftp, dirs, { host: session.host }).catch(() => undefined);
}

/** The folders above a relative path, nearest first ('a/b/c' → 'a/b', 'a'). */
function* foldersAbove(rel: string): Generator<string> {
  for (let dir = path.posix.dirname(rel); dir !== '.'; dir = path.posix.dirname(dir)) yield dir;
}

/** The highest folder above `rel` that is in `folders` (every folder below a new one is new too). */
export function topmostNewFolder(rel: string, folders: ReadonlySet<string>): string | undefined {
  let top: string | undefined;
  for (const dir of foldersAbove(rel)) if (folders.has(dir)) top = dir;
  return top;
}

export interface FolderMoveContext {
  readonly staging: string;
  readonly root: string;
  readonly progress: Progress;
  readonly host: string;
  readonly signal?: AbortSignal;
  readonly onDirPlaced?: (rel: string) => void;
  /** Filled with the topmost new folders that are now in place. */
  readonly moved: Set<string>;
}

/**
 * Moves each topmost new folder from staging into place with one RENAME (OpenSSH refuses it if
 * anything exists there: its RENAME of a folder checks the target first). The files in it get
 * their results: placed, with the stamp `find` listed (else an LSTAT of each), or 'failed' when
 * the folder could not go in.
 */
export async function moveFoldersIntoPlace(session: SftpSession, files: readonly FileState[], newDirs: readonly NewRemoteDir[], ctx: FolderMoveContext): Promise<void> {
  const names = new Set(newDirs.map((dir) => dir.path));
  const topmost = newDirs.map((dir) => dir.path).filter((dir) => topmostNewFolder(dir, names) === undefined);
  const inside = new Map<string, FileState[]>(topmost.map((top) => [top, []]));
  for (const file of files) if (file.folder) inside.get(file.folder)?.push(file);
  const inOrder = session.limits.isOpenSSH;
  await Promise.all(
    topmost.map(async (top) => {
      const content = inside.get(top) ?? [];
      const target = path.posix.join(ctx.root, top);
      const finishAll = (outcome: (file: FileState) => void) => {
        for (const file of content) {
          if (!file.failure) outcome(file);
          ctx.progress.file();
        }
      };
      if (ctx.signal?.aborted) {
        return finishAll((file) => (file.failure = { code: 'cancelled', message: `Push of ${file.remotePath} to ${ctx.host} was cancelled before it was moved into place; the server was not changed.` }));
      }
      // A file that failed after its header went out (it shrank while being read) is in staging,
      // padded with zeros: it must not go in with its folder. OpenSSH runs requests in order, so
      // the UNLINKs are done before the RENAME behind them; other servers are waited for.
      const torn = content.filter((file) => file.streamed && file.failure);
      const unlinks = torn.map((file) =>
        session.unlink(path.posix.join(ctx.staging, file.rel)).then(
          () => void (file.gone = true),
          () => undefined,
        ),
      );
      if (!inOrder) await Promise.all(unlinks);
      const renamed = torn.some((file) => !inOrder && !file.gone)
        ? new Error('a file that changed while it was sent could not be taken out of it')
        : await session.rename(path.posix.join(ctx.staging, top), target).then(() => null, (error: Error) => error);
      await Promise.all(unlinks);
      if (renamed) {
        const existing = await session.lstatOrNull(target).catch(() => null);
        const why = existing ? `${target} appeared on ${ctx.host} during the push` : `could not move ${target} into place on ${ctx.host}: ${renamed.message}`;
        return finishAll((file) => (file.failure = { code: 'failed', message: `${file.remotePath} was not placed: ${why}.` }));
      }
      ctx.moved.add(top);
      for (const dir of names) if (dir === top || dir.startsWith(`${top}/`)) ctx.onDirPlaced?.(dir);
      // A torn file whose UNLINK failed went in with the folder: take it out there.
      await Promise.all(torn.filter((file) => !file.gone).map((file) => session.unlink(file.remotePath).catch(() => undefined)));
      const placed = content.filter((file) => !file.failure);
      // Stamps from the listing after tar (a RENAME keeps them); an LSTAT where it had none.
      const stamps = await Promise.all(
        placed.map((file) => file.staged ?? session.lstatOrNull(file.remotePath).then((stats) => (stats ? stampOf(stats) : undefined), () => undefined)),
      );
      placed.forEach((file, k) => {
        const stamp = stamps[k];
        file.result = stamp
          ? { remotePath: file.remotePath, ok: true, remote: stamp, ...(file.hash !== undefined && { hash: file.hash }) }
          : { remotePath: file.remotePath, ok: false, code: 'failed', message: `${file.remotePath} was moved into place on ${ctx.host} but could not be looked at afterwards.` };
      });
      for (const file of content) {
        file.gone = true;
        ctx.progress.file();
      }
    }),
  );
}

export async function moveIntoPlace(
  session: SftpSession,
  files: FileState[],
  staging: string,
  progress: Progress,
  signal: AbortSignal | undefined,
  host: string,
): Promise<void> {
  // OpenSSH answers in order, so the LSTAT sent right behind a RENAME sees its outcome; other
  // servers get the check first (racy, but their RENAME may not refuse to overwrite).
  const inOrder = session.limits.isOpenSSH;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as FileState;
      if (signal?.aborted) {
        file.failure ??= { code: 'cancelled', message: `Push of ${file.remotePath} to ${host} was cancelled before it was moved into place; the server was not changed.` };
        progress.file();
        continue;
      }
      file.result = await moveOne(session, file, path.posix.join(staging, file.rel), inOrder, host);
      progress.file();
    }
  };
  await Promise.all(Array.from({ length: Math.min(MOVES_IN_FLIGHT, files.length) }, worker));
}

async function moveOne(session: SftpSession, file: FileState, from: string, inOrder: boolean, host: string): Promise<UploadResult> {
  const target = file.remotePath;
  const conflict = (existing: Stats): UploadResult => ({
    remotePath: target,
    ok: false,
    code: 'conflict',
    message: `${target} on ${host} already exists on the server (${existing.size} bytes, modified ${new Date(existing.mtime * 1000).toISOString()}); it was left untouched.`,
  });
  try {
    if (!inOrder) {
      const existing = await session.lstatOrNull(target);
      if (existing) return conflict(existing);
    }
    if (inOrder && file.staged) {
      // The stamp is known: RENAME alone. Only a refused one needs a look at what is there.
      const renamed = await session.rename(from, target).then(() => null, (error: unknown) => error);
      if (renamed === null) return { remotePath: target, ok: true, remote: file.staged, ...(file.hash !== undefined && { hash: file.hash }) };
      const existing = await session.lstatOrNull(target);
      if (existing) return conflict(existing);
      throw renamed;
    }
    type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };
    const outcome = <T>(promise: Promise<T>): Promise<Outcome<T>> =>
      promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    const renamed = outcome(session.rename(from, target));
    if (!inOrder) await renamed;
    const after = outcome(session.lstatOrNull(target));
    const rename = await renamed;
    const stats = await after;
    if (rename.ok) {
      if (!stats.ok) throw stats.error;
      if (stats.value === null) throw new Error('the file vanished right after it was moved');
      return { remotePath: target, ok: true, remote: stampOf(stats.value), ...(file.hash !== undefined && { hash: file.hash }) };
    }
    if (stats.ok && stats.value !== null) return conflict(stats.value);
    throw rename.error;
  } catch (error) {
    const err = error instanceof SftpError ? error : null;
    const code: UploadFailureCode = err?.kind === 'permission-denied' ? 'permission-denied' : 'failed';
    return { remotePath: target, ok: false, code, message: `Could not move ${target} into place on ${host}: ${(error as Error).message}` };
  }
}

/** What is still in the staging folder after the moves (relative paths): files, and folders. */
interface StagingContent {
  readonly files: readonly string[];
  readonly dirs: readonly string[];
}

export function stagingContent(files: readonly FileState[], newDirs: readonly NewRemoteDir[], moved: ReadonlySet<string>): StagingContent {
  // Files that went in with their folder, or were taken out of staging, are `gone`.
  const left = files.filter((file) => file.streamed && !file.gone && !file.result?.ok);
  const dirs = new Set<string>(newDirs.map((dir) => dir.path));
  for (const file of files) if (file.streamed) for (const dir of foldersAbove(file.rel)) dirs.add(dir);
  for (const dir of [...dirs]) if (moved.has(dir) || topmostNewFolder(dir, moved) !== undefined) dirs.delete(dir);
  return { files: left.map((file) => file.rel), dirs: [...dirs] };
}

/**
 * Removes what is left in staging (files not moved in, then every folder deepest first) with
 * pipelined SFTP requests. False when anything unexpected is left (then rm -rf takes over).
 */
export async function removeStagingOverSftp(session: SftpSession, staging: string, root: string, content: StagingContent): Promise<boolean> {
  if (!session.alive) return false;
  const inOrder = session.limits.isOpenSSH;
  const unlinks = content.files.map((rel) => session.unlink(path.posix.join(staging, rel)).then(() => true, () => false));
  if (!inOrder) await Promise.all(unlinks);
  const byDepth = [...content.dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  const removeDirs = async (): Promise<boolean> => {
    let ok = true;
    if (inOrder) {
      // sftp-server runs them in order: children go before their parents, all in one round trip.
      const all = byDepth.map((dir) => session.rmdir(path.posix.join(staging, dir)).then(() => true, () => false));
      ok = (await Promise.all(all)).every(Boolean);
    } else {
      for (const dir of byDepth) ok = (await session.rmdir(path.posix.join(staging, dir)).then(() => true, () => false)) && ok;
    }
    const stagingGone = session.rmdir(staging).then(() => true, () => false);
    if (!inOrder) await stagingGone;
    // Only when empty: other Labdesk state may live there. (OpenSSH runs it after the one above.)
    await session.rmdir(path.posix.join(root, '.labdesk')).catch(() => undefined);
    return ok && (await stagingGone);
  };
  const dirsRemoved = removeDirs();
  const unlinked = (await Promise.all(unlinks)).every(Boolean);
  return (await dirsRemoved) && unlinked;
}

/** rm -rf the staging folder (and .labdesk if that leaves it empty); best effort. */
export async function cleanupStaging(client: Client, staging: string, root: string): Promise<void> {
  const command = `${shellCommand(['rm', '-rf', '--', staging])}; ${shellCommand(['rmdir', '--', path.posix.join(root, '.labdesk')])} 2>/dev/null; true`;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLEANUP_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      client.exec(command, (error, channel) => {
        if (error) return done();
        channel.on('data', () => undefined);
        channel.stderr.on('data', () => undefined);
        channel.on('close', done);
        channel.end();
      });
    } catch {
      done();
    }
  });
}
