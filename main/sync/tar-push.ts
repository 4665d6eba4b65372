/**
 * Bulk first push over an exec channel: one tar stream instead of thousands of SFTP requests.
 *
 *   1. exec `mkdir -p <target folders> <staging>; tar -xpf - -C <staging>` where staging is
 *      `<remoteRoot>/.labdesk/incoming-<random>` (same file system as the targets, so moving in
 *      is a rename), and stream a ustar/pax archive of the files into it.
 *   2. Move each file into place over SFTP with a plain RENAME, which OpenSSH implements as
 *      link()+unlink(): atomic and refusing to replace an existing file. A target that exists is
 *      reported as 'conflict' and left untouched; nothing existing is ever overwritten. A cut
 *      connection leaves complete or partial files only inside the staging folder.
 *   3. rm -rf the staging folder.
 *
 * Modes (permission bits) and mtimes (whole seconds) travel in the tar headers; `tar -p`
 * applies the modes exactly instead of through the umask. Only regular files are pushed: pass
 * symlinks to the SFTP path. Requires a POSIX shell and tar on the server.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Client, ClientChannel, SFTPWrapper, Stats } from 'ssh2';
import { shellCommand } from '../ssh/shell-quote';
import { SftpError, sftpSession, type SftpSession } from './sftp-client';
import { tarHeader, padding, tarTrailer } from './transfer-tar';
import { Progress, ensureRemoteDirs, stampOf, type UploadFailureCode, type UploadProgress, type UploadResult } from './transfer';

export interface TarPushOptions {
  /** Names the server in messages. */
  readonly host?: string;
  /** The SFTP channel for the moves; one is opened (and closed again) on `client` when missing. */
  readonly sftp?: SFTPWrapper;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly progressIntervalMs?: number;
}

/** Files whose content is read ahead of the stream (small files only). */
const READ_AHEAD_FILES = 32;
const READ_AHEAD_MAX_SIZE = 1024 * 1024;
const STREAM_CHUNK = 256 * 1024;
const MOVES_IN_FLIGHT = 256;
/** Longest exec command we build with the folder list inline; beyond it folders go over SFTP. */
const MAX_COMMAND_BYTES = 128 * 1024;
/** rm -rf runs through the login shell, whose rc files may take seconds on a busy server. */
const CLEANUP_TIMEOUT_MS = 30_000;

interface FileState {
  readonly rel: string;
  readonly localPath: string;
  readonly remotePath: string;
  size: number;
  /** In the archive, so it is somewhere under the staging folder until moved. */
  streamed?: boolean;
  /** Set when the file can't be pushed; it is then neither streamed nor moved. */
  failure?: { code: UploadFailureCode; message: string };
  result?: UploadResult;
}

/** A relative path that stays inside the root: no '..', no absolute, no empty segments. */
function validRelative(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\0') || rel.includes('\\')) return false;
  return rel.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

class Cancelled extends Error {}

export async function pushWithTar(
  client: Client,
  localRoot: string,
  relativePaths: readonly string[],
  remoteRoot: string,
  options: TarPushOptions = {},
): Promise<UploadResult[]> {
  const host = options.host ?? 'the server';
  const root = remoteRoot.replace(/\/+$/, '') || '/';
  const files: FileState[] = relativePaths.map((rel) => ({
    rel,
    localPath: path.join(localRoot, ...rel.split('/')),
    remotePath: path.posix.join(root, rel),
    size: 0,
  }));
  const reportFail = (file: FileState, code: UploadFailureCode, message: string) => {
    file.failure ??= { code, message };
  };

  await Promise.all(
    files.map(async (file) => {
      if (!validRelative(file.rel) || file.rel.split('/')[0] === '.labdesk') {
        return reportFail(file, 'failed', `Not pushed: ${JSON.stringify(file.rel)} is not a relative path inside the project.`);
      }
      const stats = await lstat(file.localPath).catch((error: Error) => error);
      if (stats instanceof Error) return reportFail(file, 'failed', `Could not read ${file.localPath}: ${stats.message}`);
      if (!stats.isFile()) return reportFail(file, 'failed', `Not pushed: ${file.localPath} is not a regular file (tar push sends regular files only).`);
      file.size = stats.size;
    }),
  );

  const progress = new Progress(files.length, files.reduce((sum, f) => sum + f.size, 0), options.onProgress, options.progressIntervalMs ?? 100);
  const finish = () => {
    progress.emit();
    return files.map((file) => file.result ?? fail(file, file.failure?.code ?? 'failed', file.failure?.message ?? 'Not pushed.'));
  };
  const pushable = files.filter((file) => !file.failure);
  if (pushable.length === 0) return finish();

  const staging = path.posix.join(root, '.labdesk', `incoming-${randomBytes(6).toString('hex')}`);
  const dirs = leafDirs(pushable.map((file) => path.posix.dirname(file.remotePath)));
  const makeDirs = dirs.length > 0 ? `${shellCommand(['mkdir', '-p', '--', ...dirs])} 2>/dev/null; ` : '';
  const inlineDirs = makeDirs.length <= MAX_COMMAND_BYTES;
  // mkdir failures for target folders are not fatal: those files fail to move in, one by one.
  const command =
    `${shellCommand(['mkdir', '-p', '--', staging])} && { ` +
    (inlineDirs ? makeDirs : '') +
    `${shellCommand(['tar', '-xpf', '-', '-C', staging])}; }`;

  // The SFTP channel for the moves opens while the archive streams (it takes a few round trips).
  const ownSftp = options.sftp ? undefined : openSftp(client).then((sftp) => sftp, (error: Error) => error);
  try {
    // 1. Stream the archive.
    let extract: ExtractOutcome;
    try {
      extract = await streamArchive(client, command, pushable, progress, options.signal, host);
    } catch (error) {
      const cancelled = error instanceof Cancelled;
      for (const file of pushable) {
        if (cancelled) reportFail(file, 'cancelled', `Push of ${file.remotePath} to ${host} was cancelled; nothing was written outside the staging folder.`);
        else reportFail(file, 'failed', `Could not push ${file.remotePath} to ${host}: ${(error as Error).message}`);
      }
      await cleanupStaging(client, staging, root);
      return finish();
    }
    if (extract.code !== 0) {
      const { code, message } = classifyTarFailure(extract, host, staging);
      for (const file of pushable) reportFail(file, code, `Could not push ${file.remotePath}: ${message}`);
      await cleanupStaging(client, staging, root);
      return finish();
    }

    // 2. Move into place, never over an existing file.
    const sftp = options.sftp ?? (await ownSftp);
    if (!sftp || sftp instanceof Error) {
      const why = sftp instanceof Error ? sftp.message : 'no SFTP channel';
      for (const file of pushable) reportFail(file, 'failed', `Could not move ${file.remotePath} into place on ${host}: ${why}.`);
      await cleanupStaging(client, staging, root);
      return finish();
    }
    const session = sftpSession(sftp, host);
    if (!inlineDirs) await ensureDirsOverSftp(session, dirs);
    await moveIntoPlace(session, pushable.filter((file) => !file.failure), staging, progress, options.signal, host);
    // 3. Every exec pays a login-shell start (rc files with conda/pyenv init take ~0.5 s), so
    //    the staging folder, whose content is known, is removed over SFTP; rm -rf if that fails.
    if (!(await removeStagingOverSftp(session, staging, root, pushable))) await cleanupStaging(client, staging, root);
    return finish();
  } finally {
    void ownSftp?.then((sftp) => {
      if (!(sftp instanceof Error)) sftp.end();
    });
  }

  function fail(file: FileState, code: UploadFailureCode, message: string): UploadResult {
    return { remotePath: file.remotePath, ok: false, code, message };
  }
}

/** The deepest folders only: `mkdir -p a/b/c` also makes a and a/b. */
function leafDirs(dirs: readonly string[]): string[] {
  const unique = new Set(dirs);
  const ancestors = new Set<string>();
  for (const dir of unique) {
    for (let up = path.posix.dirname(dir); !ancestors.has(up); up = path.posix.dirname(up)) {
      ancestors.add(up);
      if (path.posix.dirname(up) === up) break;
    }
  }
  return [...unique].filter((dir) => !ancestors.has(dir)).sort();
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

interface ExtractOutcome {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stderr: string;
}

function classifyTarFailure(outcome: ExtractOutcome, host: string, staging: string): { code: UploadFailureCode; message: string } {
  const detail = outcome.stderr.trim().split('\n').slice(0, 3).join(' / ') || `exit ${outcome.code ?? outcome.signal ?? 'unknown'}`;
  if (/No space left on device|Disk quota exceeded/i.test(outcome.stderr)) {
    return { code: 'disk-full', message: `the server's disk is full (tar on ${host}: ${detail}). Nothing outside ${staging} was written.` };
  }
  if (/Permission denied|Read-only file system|Operation not permitted/i.test(outcome.stderr)) {
    return { code: 'permission-denied', message: `permission denied on ${host} (${detail}). Nothing was written.` };
  }
  if (/command not found|not found/i.test(outcome.stderr) && outcome.code === 127) {
    return { code: 'failed', message: `${host} has no tar (or no POSIX shell); use the SFTP upload instead.` };
  }
  return { code: 'failed', message: `tar on ${host} failed (${detail}). Nothing outside ${staging} was written.` };
}

async function streamArchive(
  client: Client,
  command: string,
  files: FileState[],
  progress: Progress,
  signal: AbortSignal | undefined,
  host: string,
): Promise<ExtractOutcome> {
  if (signal?.aborted) throw new Cancelled();
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.exec(command, (error, ch) => (error ? reject(error) : resolve(ch))),
  );
  let stderr = '';
  let exitCode: number | null = null;
  let exitSignal: string | undefined;
  let closed = false;
  const closedPromise = new Promise<void>((resolve) => {
    channel.on('close', () => {
      closed = true;
      resolve();
    });
  });
  channel.on('exit', (code: number | null, sig?: string) => {
    exitCode = code;
    exitSignal = sig ?? undefined;
  });
  channel.on('data', () => undefined); // tar -x prints nothing on stdout; keep the stream flowing
  channel.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const onAbort = () => closeQuietly(channel);
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for await (const chunk of archiveChunks(files)) {
      if (signal?.aborted) throw new Cancelled();
      if (closed) break;
      progress.bytes(chunk.content);
      if (!channel.write(chunk.data)) {
        await Promise.race([new Promise((resolve) => channel.once('drain', resolve)), closedPromise]);
      }
    }
    if (signal?.aborted) throw new Cancelled();
    if (!closed) channel.end();
    await closedPromise;
    if (signal?.aborted) throw new Cancelled();
  } catch (error) {
    closeQuietly(channel);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (exitCode === null && exitSignal === undefined && !stderr) {
    return { code: null, signal: undefined, stderr: `the connection to ${host} closed before tar finished` };
  }
  return { code: exitCode, signal: exitSignal, stderr };
}

function closeQuietly(channel: ClientChannel): void {
  try {
    channel.close();
  } catch {
    // already closed with the connection
  }
}

interface ArchiveChunk {
  readonly data: Buffer;
  /** File content bytes in `data` (for progress). */
  readonly content: number;
}

interface LoadedFile {
  readonly file: FileState;
  readonly handle?: FileHandle;
  readonly data?: Buffer;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
}

/** Opens (and for small files reads) one file; failures mark the file and yield null. */
async function loadFile(file: FileState): Promise<LoadedFile | null> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file.localPath, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    const common = { file, size: stats.size, mode: stats.mode & 0o777, mtime: Math.max(0, Math.floor(stats.mtimeMs / 1000)) };
    if (stats.size > READ_AHEAD_MAX_SIZE) return { ...common, handle };
    const data = Buffer.allocUnsafe(stats.size);
    let done = 0;
    while (done < stats.size) {
      const { bytesRead } = await handle.read(data, done, stats.size - done, done);
      if (bytesRead === 0) throw new Error('it got shorter while being read');
      done += bytesRead;
    }
    await handle.close();
    return { ...common, data };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    file.failure ??= { code: 'failed', message: `Could not read ${file.localPath}: ${(error as Error).message}` };
    return null;
  }
}

/** The archive as ~256 KiB chunks, small files read ahead in parallel. */
async function* archiveChunks(files: FileState[]): AsyncGenerator<ArchiveChunk> {
  const loads: Array<Promise<LoadedFile | null>> = [];
  let started = 0;
  const startMore = (upTo: number) => {
    while (started < files.length && started < upTo) loads.push(loadFile(files[started++] as FileState));
  };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let pendingContent = 0;
  const take = (): ArchiveChunk => {
    const chunk = { data: Buffer.concat(pending, pendingBytes), content: pendingContent };
    pending = [];
    pendingBytes = 0;
    pendingContent = 0;
    return chunk;
  };
  const add = (data: Buffer, content: number) => {
    pending.push(data);
    pendingBytes += data.length;
    pendingContent += content;
  };

  for (let i = 0; i < files.length; i++) {
    startMore(i + READ_AHEAD_FILES);
    const loaded = await (loads[i] as Promise<LoadedFile | null>);
    loads[i] = Promise.resolve(null); // let the buffer go
    if (!loaded) continue;
    add(tarHeader({ path: loaded.file.rel, size: loaded.size, mode: loaded.mode, mtime: loaded.mtime }), 0);
    loaded.file.streamed = true;
    if (loaded.data) {
      add(loaded.data, loaded.data.length);
      add(Buffer.alloc(padding(loaded.size)), 0);
      if (pendingBytes >= STREAM_CHUNK) yield take();
      continue;
    }
    // A big file: stream it in STREAM_CHUNK pieces. The header promised `size` bytes, so a file
    // that shrinks meanwhile is padded with zeros and marked failed (it is not moved in).
    const handle = loaded.handle as FileHandle;
    try {
      for (let position = 0; position < loaded.size; ) {
        if (pendingBytes > 0) yield take();
        const length = Math.min(STREAM_CHUNK, loaded.size - position);
        const buffer = Buffer.allocUnsafe(length);
        let bytesRead = 0;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, length, position));
        } catch (error) {
          loaded.file.failure ??= { code: 'failed', message: `Could not read ${loaded.file.localPath}: ${(error as Error).message}` };
        }
        if (bytesRead === 0) {
          loaded.file.failure ??= { code: 'failed', message: `${loaded.file.localPath} changed while it was being pushed; push it again.` };
          add(Buffer.alloc(loaded.size - position), 0);
          break;
        }
        add(bytesRead === length ? buffer : buffer.subarray(0, bytesRead), bytesRead);
        position += bytesRead;
      }
      add(Buffer.alloc(padding(loaded.size)), 0);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  add(tarTrailer(), 0);
  yield take();
}

async function ensureDirsOverSftp(session: SftpSession, dirs: readonly string[]): Promise<void> {
  await ensureRemoteDirs(session.sftp, dirs, { host: session.host }).catch(() => undefined);
}

async function moveIntoPlace(
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
      return { remotePath: target, ok: true, remote: stampOf(stats.value) };
    }
    if (stats.ok && stats.value !== null) return conflict(stats.value);
    throw rename.error;
  } catch (error) {
    const err = error instanceof SftpError ? error : null;
    const code: UploadFailureCode = err?.kind === 'permission-denied' ? 'permission-denied' : 'failed';
    return { remotePath: target, ok: false, code, message: `Could not move ${target} into place on ${host}: ${(error as Error).message}` };
  }
}

/**
 * Removes what is left in staging (files not moved in, then every folder deepest first) with
 * pipelined SFTP requests. False when anything unexpected is left (then rm -rf takes over).
 */
async function removeStagingOverSftp(session: SftpSession, staging: string, root: string, files: readonly FileState[]): Promise<boolean> {
  if (!session.alive) return false;
  const inOrder = session.limits.isOpenSSH;
  const leftovers = files.filter((file) => file.streamed && !file.result?.ok);
  const unlinks = leftovers.map((file) => session.unlink(path.posix.join(staging, file.rel)).then(() => true, () => false));
  if (!inOrder) await Promise.all(unlinks);
  const dirs = new Set<string>();
  for (const file of files) {
    if (!file.streamed) continue;
    for (let dir = path.posix.dirname(file.rel); dir !== '.'; dir = path.posix.dirname(dir)) dirs.add(dir);
  }
  const byDepth = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  const removeDirs = async (): Promise<boolean> => {
    let ok = true;
    if (inOrder) {
      // sftp-server runs them in order: children go before their parents, all in one round trip.
      const all = byDepth.map((dir) => session.rmdir(path.posix.join(staging, dir)).then(() => true, () => false));
      ok = (await Promise.all(all)).every(Boolean);
    } else {
      for (const dir of byDepth) ok = (await session.rmdir(path.posix.join(staging, dir)).then(() => true, () => false)) && ok;
    }
    const stagingGone = await session.rmdir(staging).then(() => true, () => false);
    // Only when empty: other Labdesk state may live there.
    await session.rmdir(path.posix.join(root, '.labdesk')).catch(() => undefined);
    return ok && stagingGone;
  };
  const dirsRemoved = removeDirs();
  const unlinked = (await Promise.all(unlinks)).every(Boolean);
  return (await dirsRemoved) && unlinked;
}

/** rm -rf the staging folder (and .labdesk if that leaves it empty); best effort. */
async function cleanupStaging(client: Client, staging: string, root: string): Promise<void> {
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
