/**
 * Bulk first push over an exec channel: one tar stream instead of thousands of SFTP requests.
 *
 *   1. exec `printf READY; <read one go byte>; mkdir -p <staging> [<target folders>];
 *      tar -xpf - -C <staging>` where staging is `<remoteRoot>/.labdesk/incoming-<random>`
 *      (same file system as the targets, so moving in is a rename), and stream a ustar/pax
 *      archive of the files into it. With `claim` (the engine), the SFTP pipeline works while
 *      the login shell starts, and tar takes the files nobody has started once READY arrives;
 *      without it, the archive follows READY. Before READY the shell grows its stdin pipe.
 *      After tar, `find -printf` in the same exec lists the staging folder: each file's remote
 *      stamp (size, mtime, mode), which the move below keeps, with no LSTAT per file.
 *   2. Move each file into place over SFTP with a plain RENAME, which OpenSSH implements as
 *      link()+unlink(): atomic and refusing to replace an existing file. A target that exists is
 *      reported as 'conflict' and left untouched; nothing existing is ever overwritten. A cut
 *      connection leaves complete or partial files only inside the staging folder.
 *   3. Remove the staging folder (over SFTP; rm -rf over exec if anything unexpected is left).
 *      A cut connection can leave it behind: the engine's sweep (remote-ops.ts) removes stale
 *      ones.
 *
 * Modes (permission bits) and mtimes (whole seconds) travel in the tar headers; `tar -p`
 * applies the modes exactly instead of through the umask. Only regular files are pushed: pass
 * symlinks to the SFTP path. Requires a POSIX shell and tar on the server.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, lstat, open } from 'node:fs/promises';
import path from 'node:path';
import type { Client, SFTPWrapper, Stats } from 'ssh2';
import { openSftp, shellCommand } from '../../ssh';
import type { NewRemoteDir } from '../remote/remote-ops';
import { parseFindOutput } from '../remote/remote-scan';
import { BacklogGate, type ChannelLike, channelWindowInUse, clientProtocol, SftpError, sftpSession, type SftpSession, windowLimitFor } from '../../sftp';
import { readWholeFile } from '../local/local-reader';
import type { RemoteStamp } from '../sync-types';
import { timedPhase, timingMark } from '../sync-timing';
import { padding, tarHeader, tarTrailer } from './transfer-tar';
import { type ExtractOutcome, newStagingPath, TarShell, tarShellCommand } from './tar-shell';
import { ensureRemoteDirs, Progress, stampOf, type UploadFailureCode, type UploadProgress, type UploadResult } from '../transfer/transfer';

export interface TarPushOptions {
  /** Names the server in messages. */
  readonly host?: string;
  /** The SFTP channel for the moves; one is opened (and closed again) on `client` when missing. */
  readonly sftp?: SFTPWrapper;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly progressIntervalMs?: number;
  /** Return the sha256 of each file's bytes as streamed (default false). Costs no extra read. */
  readonly hash?: boolean;
  /**
   * `mkdir -p` the target folders in the same exec (default true). The sync engine creates them
   * itself (checking that none is a link) and passes false, so tar-push creates nothing outside
   * its staging folder.
   */
  readonly createParents?: boolean;
  /**
   * Shares the push with another transfer (the engine's SFTP pipeline). When set, nothing is
   * streamed until the server's shell has started and tar is reading (the login shell may take
   * seconds, during which the other transfer works), then each file is asked for just before it
   * is read: false means the other transfer has it (its result here is 'cancelled').
   */
  readonly claim?: (index: number) => boolean;
  /** Called once tar on the server is reading the stream (only with `claim`). */
  readonly onStreaming?: () => void;
  /**
   * Folders (relative to the root) that do not exist on the server and that the caller has not
   * created (ignored with `claim`: the other transfer needs them in place). They travel in the
   * archive with their modes, and each topmost one is moved into place with one RENAME, with
   * everything tar put in it: a fresh tree is a few dozen RENAMEs instead of one per file. A
   * RENAME that is refused (the folder appeared on the server meanwhile) moves nothing: the
   * files in it fail with 'failed', for the caller to create the folder its own way and send
   * them again.
   */
  readonly newDirs?: readonly NewRemoteDir[];
  /** Called with each of `newDirs` once it is in place on the server. */
  readonly onDirPlaced?: (rel: string) => void;
  /**
   * A shell started earlier for this push (startTarShell: same root, no target folders to
   * make). Used instead of a new exec; declined if the push ends up not needing it.
   */
  readonly shell?: TarShell;
  /**
   * What the caller's scan saw of each file (aligned with `relativePaths`): small files are then
   * read in one call, with no FileHandle and no stat of their own (per file, that is most of
   * the client's CPU in a push of thousands of small files).
   */
  readonly localStats?: ReadonlyArray<LocalStat | undefined>;
}

export interface LocalStat {
  readonly size: number;
  /** st_mode; the permission bits go in the header. */
  readonly mode: number;
  readonly mtimeMs: number;
}

/**
 * Files read ahead of the stream, refilled half at a time: the reader thread then gets its
 * requests in batches of 64 (local-reader.ts), not one per file the stream takes. Measured at
 * 20 ms RTT, 5,000 files: the stream waited 0.6–0.8 s for the archive's next chunk with 32 files
 * topped up one by one, 0.4–0.55 s with this (and used less CPU). Capped in bytes as well.
 */
const READ_AHEAD_FILES = 128;
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
/** Files up to this size are read whole ahead of the stream; bigger ones are streamed in chunks. */
const READ_AHEAD_MAX_SIZE = 1024 * 1024;
const STREAM_CHUNK = 256 * 1024;
// RENAME + LSTAT pairs in flight: enough that sftp-server never waits for the next request across a
// 20 ms round trip (256 left it idle between windows in the 5,000-file bench).
const MOVES_IN_FLIGHT = 1024;
/** Longest exec command we build with the folder list inline; beyond it folders go over SFTP. */
const MAX_COMMAND_BYTES = 128 * 1024;
/** rm -rf runs through the login shell, whose rc files may take seconds on a busy server. */
const CLEANUP_TIMEOUT_MS = 30_000;

interface FileState {
  /** Position in `relativePaths`. */
  readonly index: number;
  readonly rel: string;
  readonly localPath: string;
  readonly remotePath: string;
  size: number;
  /** Size, mode and mtime as last seen locally (the caller's scan, or the lstat here). */
  known?: LocalStat;
  /** In the archive, so it is somewhere under the staging folder until moved. */
  streamed?: boolean;
  /** Set when the file can't be pushed; it is then neither streamed nor moved. */
  failure?: { code: UploadFailureCode; message: string };
  result?: UploadResult;
  /** Its stamp in the staging folder, from the `find` after tar (a RENAME keeps it). */
  staged?: RemoteStamp;
  /** sha256 of the content streamed (only when asked for). */
  hash?: string;
  /** The topmost of `newDirs` it is in: it goes into place with that folder, not by itself. */
  folder?: string;
  /** No longer in the staging folder (moved in with its folder, or removed from it). */
  gone?: boolean;
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
  const files: FileState[] = relativePaths.map((rel, index) => ({
    index,
    rel,
    localPath: path.join(localRoot, ...rel.split('/')),
    remotePath: path.posix.join(root, rel),
    size: 0,
    ...(options.localStats?.[index] && { known: options.localStats[index] }),
  }));
  const reportFail = (file: FileState, code: UploadFailureCode, message: string) => {
    file.failure ??= { code, message };
  };

  const unknown: FileState[] = [];
  for (const file of files) {
    if (!validRelative(file.rel) || file.rel.split('/')[0] === '.labdesk') {
      reportFail(file, 'failed', `Not pushed: ${JSON.stringify(file.rel)} is not a relative path inside the project.`);
    } else if (file.known) {
      // The caller's scan saw it as a regular file: a file that has changed since fails when it
      // is read. (An lstat per file here cost ~0.25 s for 5,000 files before the exec went out.)
      file.size = file.known.size;
    } else if (!options.claim) {
      // Shared with another transfer, the files this push gets are opened (and checked) as they are read.
      unknown.push(file);
    }
  }
  await Promise.all(
    unknown.map(async (file) => {
      const stats = await lstat(file.localPath).catch((error: Error) => error);
      if (stats instanceof Error) return reportFail(file, 'failed', `Could not read ${file.localPath}: ${stats.message}`);
      if (!stats.isFile()) return reportFail(file, 'failed', `Not pushed: ${file.localPath} is not a regular file (tar push sends regular files only).`);
      file.size = stats.size;
      file.known = stats;
    }),
  );

  const progress = new Progress(files.length, files.reduce((sum, f) => sum + f.size, 0), options.onProgress, options.progressIntervalMs ?? 100);
  const finish = () => {
    progress.emit();
    return files.map((file) => file.result ?? fail(file, file.failure?.code ?? 'failed', file.failure?.message ?? 'Not pushed.'));
  };
  const pushable = files.filter((file) => !file.failure);
  // A shell started earlier for this push is taken over (one for another root is declined).
  const given = options.shell?.root === root && !options.shell.answered ? options.shell : undefined;
  if (given) given.adopted = true;
  else options.shell?.release();
  if (pushable.length === 0) {
    given?.decline();
    return finish();
  }

  const staging = given?.staging ?? newStagingPath(root);
  const newDirs = options.claim ? [] : [...(options.newDirs ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1));
  const newDirNames = new Set(newDirs.map((dir) => dir.path));
  for (const file of pushable) file.folder = topmostNewFolder(file.rel, newDirNames);
  // Target folders to make: only those of files that are not moved in with a new folder.
  const dirs = leafDirs(pushable.filter((file) => !file.folder).map((file) => path.posix.dirname(file.remotePath)));
  const createParents = options.createParents ?? true;
  const makeDirs = createParents && dirs.length > 0 ? `${shellCommand(['mkdir', '-p', '--', ...dirs])} 2>/dev/null; ` : '';
  // A shell started earlier runs a command without them: they are made over SFTP then.
  const inlineDirs = !given && makeDirs.length <= MAX_COMMAND_BYTES;
  const shell = given ?? new TarShell(client, tarShellCommand(root, staging, inlineDirs ? makeDirs : ''), root, staging);
  // The SFTP channel for the moves opens while the archive streams (it takes a few round trips).
  const ownSftp = options.sftp ? undefined : openSftp(client).then((sftp) => sftp, (error: Error) => error);
  try {
    // 1. Stream the archive.
    let extract: ExtractOutcome;
    try {
      extract = await streamArchive(shell, client, pushable, newDirs, progress, options);
    } catch (error) {
      const cancelled = error instanceof Cancelled;
      for (const file of pushable) {
        if (cancelled) reportFail(file, 'cancelled', `Push of ${file.remotePath} to ${host} was cancelled; nothing was written outside the staging folder.`);
        else reportFail(file, 'failed', `Could not push ${file.remotePath} to ${host}: ${(error as Error).message}`);
      }
      // Never told to go on (closed before READY, or answered N): it created no staging folder.
      if (shell.wentAhead) await cleanupStaging(client, staging, root);
      return finish();
    }
    if (extract.code !== 0) {
      const { code, message } = classifyTarFailure(extract, host, staging);
      for (const file of pushable) reportFail(file, code, `Could not push ${file.remotePath}: ${message}`);
      await cleanupStaging(client, staging, root);
      return finish();
    }

    // 2. Move into place, never over an existing file. The stamps come from the `find` that
    //    listed the staging folder in the same exec (a RENAME keeps size, mtime and mode), so a
    //    move is one RENAME; without them, an LSTAT follows each RENAME.
    const listed = parseFindOutput(extract.stdout);
    if (listed?.root === 'dir') {
      const stamps = new Map(listed.entries.filter((entry) => entry.kind === 'file').map((entry) => [entry.path, entry]));
      for (const file of pushable) {
        const entry = file.streamed ? stamps.get(file.rel) : undefined;
        if (entry) file.staged = { size: entry.size, mtime: entry.mtime, mode: entry.mode };
      }
    }
    const sftp = options.sftp ?? (await ownSftp);
    if (!sftp || sftp instanceof Error) {
      const why = sftp instanceof Error ? sftp.message : 'no SFTP channel';
      for (const file of pushable) reportFail(file, 'failed', `Could not move ${file.remotePath} into place on ${host}: ${why}.`);
      await cleanupStaging(client, staging, root);
      return finish();
    }
    const session = sftpSession(sftp, host);
    if (createParents && !inlineDirs) await ensureDirsOverSftp(session, dirs);
    const moved = new Set<string>();
    await timedPhase('tar-moves', () =>
      Promise.all([
        moveFoldersIntoPlace(session, pushable, newDirs, { staging, root, progress, host, moved, ...(options.signal && { signal: options.signal }), ...(options.onDirPlaced && { onDirPlaced: options.onDirPlaced }) }),
        moveIntoPlace(session, pushable.filter((file) => !file.failure && !file.folder), staging, progress, options.signal, host),
      ]),
    );
    // 3. Every exec pays a login-shell start (rc files with conda/pyenv init take ~0.5 s), so
    //    the staging folder, whose content is known, is removed over SFTP; rm -rf if that fails.
    if (!(await removeStagingOverSftp(session, staging, root, stagingContent(pushable, newDirs, moved)))) await cleanupStaging(client, staging, root);
    timingMark('tar: staging removed', () => `${pushable.filter((f) => f.streamed).length} files streamed`);
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
  shell: TarShell,
  client: Client,
  files: FileState[],
  folders: readonly NewRemoteDir[],
  progress: Progress,
  options: TarPushOptions,
): Promise<ExtractOutcome> {
  const { signal } = options;
  const host = options.host ?? 'the server';
  if (signal?.aborted) {
    shell.decline();
    throw new Cancelled();
  }
  const channel = await shell.channel;
  // Cancelled before the go byte: N, and the shell exits by itself; after it, close.
  const onAbort = () => shell.decline();
  signal?.addEventListener('abort', onAbort, { once: true });

  // Keep sshd's backlog small on a fast link (channel-window.ts); the SFTP channel's fastest
  // reply tells how long the link is.
  const roundTripMs = () => (options.sftp ? sftpSession(options.sftp).roundTripMs : Infinity);
  const window = channelWindowInUse(channel as unknown as ChannelLike, clientProtocol(client), () => backlog.release());
  const backlog = new BacklogGate(() => window?.inUse() ?? 0, () => windowLimitFor(roundTripMs()));
  void shell.closed.then(() => {
    backlog.close();
    window?.stop();
  });

  const gate = options.claim ? { ready: shell.ready, claim: options.claim, onStreaming: options.onStreaming } : undefined;
  const chunks = archiveChunks(files, folders, options.hash ?? false, gate);
  try {
    // Nothing goes before READY: until the shell is past its rc files nobody reads the pipe, and
    // a window's worth of data would wait in sshd's buffer (tar-shell.ts GROW_STDIN_PIPE).
    // (Building the archive's start meanwhile was slower: on 2 cores it took CPU from the
    // shell's start, READY 1.0–1.15 s instead of 0.65–0.7, and the stream was no faster.) The go
    // byte goes with the first chunk: a push cancelled while the shell is still in its rc files
    // answers N instead.
    if (!gate) await shell.ready;
    for await (const chunk of chunks) {
      if (signal?.aborted) throw new Cancelled();
      if (shell.isClosed) break;
      progress.bytes(chunk.content);
      shell.go();
      await backlog.wait();
      if (shell.isClosed) break;
      if (!channel.write(chunk.data)) {
        await Promise.race([new Promise((resolve) => channel.once('drain', resolve)), shell.closed]);
      }
    }
    if (signal?.aborted) throw new Cancelled();
    if (!shell.isClosed) channel.end();
    timingMark('tar: archive sent');
    await shell.closed;
    timingMark('tar: tar + find done');
    if (signal?.aborted) throw new Cancelled();
  } catch (error) {
    // Answered N: it exits by itself. Otherwise tar may be running: close the channel.
    if (!shell.answered || shell.wentAhead) shell.close();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stopped early (closed, cancelled): the generator closes the file it was reading.
    await chunks.return(undefined).catch(() => undefined);
  }
  return shell.outcome(host);
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
  /** sha256 of `data`, when the reader thread computed it. */
  readonly hash?: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
}

/** Opens (and for small files reads) one file; failures mark the file and yield null. */
async function loadFile(file: FileState): Promise<LoadedFile | null> {
  const known = file.known;
  if (known && known.size <= READ_AHEAD_MAX_SIZE) {
    // The header is built from what was read, so a file that changed since the scan is still a
    // consistent entry (the caller compares stamps afterwards and sends it again if so).
    const read = await readWholeFile(file.localPath).catch((error: Error) => error);
    if (read instanceof Error) {
      file.failure ??= { code: 'failed', message: `Could not read ${file.localPath}: ${read.message}` };
      return null;
    }
    return { file, size: read.data.length, mode: known.mode & 0o777, mtime: Math.max(0, Math.floor(known.mtimeMs / 1000)), data: read.data, hash: read.hash };
  }
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
async function* archiveChunks(
  files: FileState[],
  folders: readonly NewRemoteDir[],
  hash: boolean,
  gate?: { ready: Promise<boolean>; claim: (index: number) => boolean; onStreaming: (() => void) | undefined },
): AsyncGenerator<ArchiveChunk> {
  const loads: Array<Promise<LoadedFile | null>> = [];
  let started = 0;
  let bytesAhead = 0;
  const heldAhead = (file: FileState) => (file.size <= READ_AHEAD_MAX_SIZE ? file.size : 0);
  /** Starts files up to index `upTo` (exclusive) within the byte cap, and always up to `needed`. */
  const startMore = (upTo: number, needed: number) => {
    while (started < files.length && started < upTo && (started <= needed || bytesAhead < READ_AHEAD_BYTES)) {
      const file = files[started++] as FileState;
      bytesAhead += heldAhead(file);
      if (gate && !gate.claim(file.index)) {
        file.failure ??= { code: 'cancelled', message: `${file.remotePath} was left to another transfer.` };
        loads.push(Promise.resolve(null));
      } else {
        loads.push(loadFile(file));
      }
    }
  };
  if (gate) {
    // Claim nothing until tar is reading: the other transfer keeps every file until then.
    if (!(await gate.ready)) {
      yield { data: tarTrailer(), content: 0 };
      return;
    }
    gate.onStreaming?.();
  }
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
  // Folders first (parents sort before their children), so each is made with its own mode.
  const now = Math.floor(Date.now() / 1000);
  for (const folder of folders) add(tarHeader({ path: folder.path, size: 0, mode: folder.mode & 0o7777, mtime: now, kind: 'dir' }), 0);

  for (let i = 0; i < files.length; i++) {
    if (started - i <= READ_AHEAD_FILES / 2) startMore(i + READ_AHEAD_FILES, i);
    const loaded = await (loads[i] as Promise<LoadedFile | null>);
    loads[i] = Promise.resolve(null); // let the buffer go
    bytesAhead -= heldAhead(files[i] as FileState);
    if (!loaded) continue;
    add(tarHeader({ path: loaded.file.rel, size: loaded.size, mode: loaded.mode, mtime: loaded.mtime }), 0);
    loaded.file.streamed = true;
    const digest = hash ? createHash('sha256') : undefined;
    if (loaded.data) {
      if (digest) loaded.file.hash = loaded.hash ?? digest.update(loaded.data).digest('hex');
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
        const data = bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
        digest?.update(data);
        add(data, bytesRead);
        position += bytesRead;
      }
      if (digest && !loaded.file.failure) loaded.file.hash = digest.digest('hex');
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

/** The folders above a relative path, nearest first ('a/b/c' → 'a/b', 'a'). */
function* foldersAbove(rel: string): Generator<string> {
  for (let dir = path.posix.dirname(rel); dir !== '.'; dir = path.posix.dirname(dir)) yield dir;
}

/** The highest folder above `rel` that is in `folders` (every folder below a new one is new too). */
function topmostNewFolder(rel: string, folders: ReadonlySet<string>): string | undefined {
  let top: string | undefined;
  for (const dir of foldersAbove(rel)) if (folders.has(dir)) top = dir;
  return top;
}

interface FolderMoveContext {
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
async function moveFoldersIntoPlace(session: SftpSession, files: readonly FileState[], newDirs: readonly NewRemoteDir[], ctx: FolderMoveContext): Promise<void> {
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

function stagingContent(files: readonly FileState[], newDirs: readonly NewRemoteDir[], moved: ReadonlySet<string>): StagingContent {
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
async function removeStagingOverSftp(session: SftpSession, staging: string, root: string, content: StagingContent): Promise<boolean> {
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
