/**
 * The upload engine: many files in flight on ONE SFTP channel, each written atomically. (With
 * `helpers`, a file of SPLIT_MIN_BYTES or more also spreads its WRITEs over other SFTP channels
 * of the connection, whose flow-control windows then add up on a long link: write-lanes.ts.)
 *
 * Per file (RTT = one network round trip). Up to 512 files overlap (256 holding a remote
 * handle: a file holds one only from OPEN to the CLOSE reply), so 5,000 small files take a few
 * windows of 3 RTTs, not 3 × 5,000 RTTs:
 *
 *   RTT 0  (bulk uploads to OpenSSH) MKDIR of every folder below the items' common ancestor,
 *          parents first, not awaited: requests run in order, so the OPENs behind them find
 *          their folders. Anything still missing is created on demand (OPEN → NO_SUCH_FILE).
 *   RTT 1  OPEN  .<name>.labdesk-tmp-<hex>  'wx' (unique temp in the target's folder)
 *          [+ LSTAT target, for multi-chunk files: a conflict is found before the upload]
 *   RTT 2  WRITE × n (chunk = server maxWriteLen, up to 16 in flight per file)
 *          FSETSTAT mode+mtime → [FSYNC] → FSTAT → CLOSE → LSTAT target (the guard;
 *          skipped for new files on OpenSSH, whose no-clobber RENAME is the guard)
 *          — all sent back-to-back; the same-handle requests are processed in order
 *   RTT 3  if every reply was OK and the target still matches `expectRemote`:
 *          new file:       RENAME temp → target   (no-clobber: OpenSSH does link()+unlink())
 *          existing file:  posix-rename@openssh.com temp → target   (rename(2), atomic)
 *
 * The rename is never pipelined behind the writes: a failed WRITE (disk full) would not stop a
 * RENAME queued behind it, and a truncated temp file would replace the target. Waiting for the
 * replies costs one RTT per file but keeps "the target is the old file or the new one, never a
 * partial one" true for every failure, including a connection cut at any point (only temp names
 * are ever written before the rename). A save is therefore 3 RTTs.
 *
 * The guard leaves a window of about one RTT between the LSTAT and the rename in which a change
 * on the server would be overwritten (Mutagen documents the same race; SFTP has no conditional
 * rename). For new files the no-clobber RENAME closes that window entirely.
 *
 * Without posix-rename (non-OpenSSH servers): new files still use the no-clobber RENAME; an
 * existing target is renamed to a `.labdesk-tmp-…old` backup, the temp renamed into place, and
 * the backup removed. Between those two renames (≈ 1 RTT) the target name is missing; if the
 * connection drops exactly then, the old content survives under the backup name.
 *
 * fsync: default 'auto' = fsync@openssh.com before CLOSE when at most FSYNC_AUTO_MAX_FILES files
 * are uploaded and the file is at most FSYNC_AUTO_MAX_BYTES (the upload-on-save path, where it
 * costs one small disk flush), and not for bulk pushes or big files. sftp-server is
 * single-threaded, so each fsync stalls every request queued behind it: on a virtual disk a bulk
 * push with fsync takes several times as long. Skipping it is safe for bulk pushes:
 * the local file stays the source, and a file lost in a server crash shows up as a changed
 * remote stat (a conflict, not a silent loss) on the next sync.
 *
 * The caller must have called tuneConnection(client) (TCP_NODELAY). Requests are coalesced into
 * few socket writes per event-loop turn by SftpSession (cork/uncork).
 */
import { createHash, type Hash, randomBytes } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { formatBytes, settle, type Settled, TEMP_MARKER, unwrap } from '../../common';
import { readWholeFile } from '../local/local-reader';
import { SftpError, sftpSession, type SftpSession } from '../../sftp';
import type { RemoteStamp } from '../sync-types';
import { SPLIT_MIN_BYTES, WriteLanes } from './write-lanes';

/** Re-exported: callers of uploadFiles must have called it on the connection (TCP_NODELAY). */
export { tuneConnection } from '../../sftp';

/** Files in flight. A file holds a remote handle only from OPEN to CLOSE (RTTs 1–2), not while renaming. */
export const DEFAULT_FILES_IN_FLIGHT = 512;
/**
 * Open remote handles at once (capped by the server's maxOpenHandles). OpenSSH keeps any number
 * (up to its ulimit -n, 1024 by default); other servers get half, as some fail with a bare
 * FAILURE well before their advertised limit.
 */
export const DEFAULT_HANDLES_IN_FLIGHT = 256;
const OTHER_SERVER_HANDLES_IN_FLIGHT = 128;
export const DEFAULT_CHUNKS_IN_FLIGHT = 16;
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
/** 'auto' fsyncs uploads of at most this many files (saves), not bulk pushes… */
export const FSYNC_AUTO_MAX_FILES = 8;
/** …and only files up to this size (flushing a 1 GiB checkpoint would take seconds). */
export const FSYNC_AUTO_MAX_BYTES = 8 * 1024 * 1024;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;
/** Cleanup after a cancel waits at most this long for the server (it may be the thing that hangs). */
const CLEANUP_TIMEOUT_MS = 5_000;
/** Handles left for other users of the channel (the explorer, a download) when capping by maxOpenHandles. */
const SPARE_HANDLES = 4;
const NAME_MAX_BYTES = 255;
const ALL_ONES_32 = 0xffff_ffff;

export interface UploadItem {
  readonly localPath: string;
  /** POSIX path on the server (absolute, or relative to the SFTP home folder). */
  readonly remotePath: string;
  /** Local st_mode; its permission bits (& 0o777) are applied, so an executable stays executable. */
  readonly mode: number;
  readonly mtimeMs: number;
  /** What the remote file must still look like (null: it must not exist). Anything else is a conflict. */
  readonly expectRemote: RemoteStamp | null;
  /** Local size from the scan, for progress totals; stat'ed when missing. */
  readonly size?: number;
}

export type UploadFailureCode = 'conflict' | 'permission-denied' | 'disk-full' | 'failed' | 'cancelled';

export type UploadResult =
  | {
      readonly remotePath: string;
      readonly ok: true;
      readonly remote: RemoteStamp;
      /** sha256 of the bytes sent, when UploadOptions.hash asked for it (read once: hashed while sending). */
      readonly hash?: string;
    }
  | { readonly remotePath: string; readonly ok: false; readonly code: UploadFailureCode; readonly message: string };

export interface UploadProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface UploadOptions {
  /** Names the server in messages ("gpu1", "alice@gpu1:2222"). */
  readonly host?: string;
  /** Files in flight on the channel (default 512). */
  readonly concurrency?: number;
  /** Remote files open at once (default 256 on OpenSSH, else 128), capped by the server's maxOpenHandles. */
  readonly maxOpenHandles?: number;
  /** WRITE requests in flight per multi-chunk file (default 16 × maxWriteLen ≈ 4 MiB). */
  readonly chunksInFlight?: number;
  /** Bytes sent but not yet acknowledged, over all files (default 64 MiB): bounds memory. */
  readonly maxBytesInFlight?: number;
  /** fsync@openssh.com before CLOSE: true, false or 'auto' (default; see the module comment). */
  readonly fsync?: boolean | 'auto';
  /** Use posix-rename@openssh.com when the server has it (default true; false forces the fallback). */
  readonly posixRename?: boolean;
  /** Return the sha256 of each file's bytes as sent (default false). Costs no extra read. */
  readonly hash?: boolean;
  /** Create missing parent folders on the server (default true). */
  readonly createParents?: boolean;
  /** Mode for folders created by createParents (default: the server's default, 0777 & ~umask). */
  readonly dirMode?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UploadProgress) => void;
  /**
   * Asked just before a file starts (index into `items`); false means another transfer sends
   * it (the engine shares a first push with tar-push.ts): the file is left alone, gets no
   * progress and no onResult call, and its result says so ('cancelled').
   */
  readonly claim?: (index: number) => boolean;
  /** Called as each file finishes (index into `items`), so a caller can record it at once. */
  readonly onResult?: (index: number, result: UploadResult) => void;
  /** At most one progress call per interval (default 100 ms), plus a final one. */
  readonly progressIntervalMs?: number;
  /**
   * Other SFTP channels on the same connection (may still be opening): a file of at least
   * SPLIT_MIN_BYTES spreads its WRITEs over them too, so their flow-control windows add up on a
   * long link (write-lanes.ts). The caller opens and closes them.
   */
  readonly helpers?: Promise<readonly SftpSession[]>;
}

class ConflictError extends Error {}
class CancelledError extends Error {}
class LocalFileError extends Error {}
class NotAFolderError extends Error {}

/** `.<name>.labdesk-tmp-<12 hex><suffix>` next to `remotePath` (the local atomic-write convention). */
export function remoteTempPath(remotePath: string, suffix = ''): string {
  const dir = path.posix.dirname(remotePath);
  let name = path.posix.basename(remotePath);
  const extra = 1 + TEMP_MARKER.length + 12 + Buffer.byteLength(suffix);
  if (Buffer.byteLength(name) + extra > NAME_MAX_BYTES) {
    const chars = [...name];
    while (chars.length > 0 && Buffer.byteLength(chars.join('')) + extra > NAME_MAX_BYTES) chars.pop();
    name = chars.join('');
  }
  return path.posix.join(dir, `.${name}${TEMP_MARKER}${randomHex12()}${suffix}`);
}

// randomBytes(6) per file costs tens of µs (a getrandom call each): take them from a pool.
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomHex12(): string {
  if (randomOffset + 6 > randomPool.length) {
    randomPool = randomBytes(6 * 1024);
    randomOffset = 0;
  }
  const hex = randomPool.toString('hex', randomOffset, randomOffset + 6);
  randomOffset += 6;
  return hex;
}

export function stampOf(stats: Stats): RemoteStamp {
  return { size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o7777 };
}

/** The guard: `now` (lstat, null = missing) is what the last sync recorded in `expected`. */
export function matchesExpected(now: Stats | null, expected: RemoteStamp | null): boolean {
  if (expected === null) return now === null;
  return (
    now !== null &&
    now.isFile() &&
    now.size === expected.size &&
    now.mtime === expected.mtime &&
    (now.mode & 0o7777) === (expected.mode & 0o7777)
  );
}

/** Waits for bytes-in-flight room; wakes on release and on abort. */
class ByteBudget {
  private inFlight = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async acquire(bytes: number, signal: AbortSignal | undefined): Promise<void> {
    while (this.inFlight > 0 && this.inFlight + bytes > this.max) {
      if (signal?.aborted) throw new CancelledError('cancelled');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (signal?.aborted) throw new CancelledError('cancelled');
    this.inFlight += bytes;
  }

  release(bytes: number): void {
    this.inFlight -= bytes;
    this.wake();
  }

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * A counting semaphore for remote handles. A released slot goes straight to the oldest waiter
 * (waking all 128 waiters on every release would cost O(n²) wake-ups over a big push).
 */
class Slots {
  private waiters: Array<{ grant: () => void; cancel: () => void }> = [];

  constructor(private free: number) {}

  acquire(signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ grant: resolve, cancel: () => reject(new CancelledError('cancelled')) });
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.free += 1;
  }

  /** On abort: every waiter gives up (holders release their slots as they finish). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.cancel();
  }
}

/** Counts files and bytes and reports them at most every `intervalMs` (shared with tar-push). */
export class Progress {
  filesDone = 0;
  bytesDone = 0;
  private last = 0;

  constructor(
    readonly filesTotal: number,
    readonly bytesTotal: number,
    private readonly report: ((progress: UploadProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}

  bytes(count: number): void {
    this.bytesDone += count;
    this.maybeReport();
  }

  file(): void {
    this.filesDone += 1;
    this.maybeReport();
  }

  private maybeReport(): void {
    if (!this.report) return;
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.emit();
  }

  emit(): void {
    this.report?.({ filesDone: this.filesDone, filesTotal: this.filesTotal, bytesDone: this.bytesDone, bytesTotal: this.bytesTotal });
  }
}

interface Context {
  readonly session: SftpSession;
  readonly host: string;
  readonly chunk: number;
  readonly chunksInFlight: number;
  readonly fsync: (size: number) => boolean;
  readonly posixRename: boolean;
  /** Plain RENAME fails when the target exists (OpenSSH: link()+unlink()). */
  readonly noClobberRename: boolean;
  readonly createParents: boolean;
  readonly hash: boolean;
  readonly dirMode: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly handles: Slots;
  readonly budget: ByteBudget;
  readonly progress: Progress;
  readonly dirs: Map<string, Promise<void>>;
  readonly helpers: Promise<readonly SftpSession[]> | undefined;
}

/** Rejects with CancelledError as soon as `signal` aborts, without waiting for `promise`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new CancelledError('cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('cancelled');
}

/** Waits for `promise` at most `ms`; never rejects. */
async function bestEffort(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Uploads `items` atomically over one SFTP channel. Never throws for a per-file problem: each
 * item gets a result, in the same order. The caller must have called tuneConnection(client).
 */
export async function uploadFiles(sftp: SFTPWrapper, items: readonly UploadItem[], options: UploadOptions = {}): Promise<UploadResult[]> {
  const session = sftpSession(sftp, options.host);
  const host = options.host ?? session.host;
  const limits = session.limits;
  const serverHandles = limits.maxOpenHandles === null ? Infinity : Math.max(1, limits.maxOpenHandles - SPARE_HANDLES);
  const defaultHandles = limits.isOpenSSH ? DEFAULT_HANDLES_IN_FLIGHT : OTHER_SERVER_HANDLES_IN_FLIGHT;
  const handles = Math.max(1, Math.min(options.maxOpenHandles ?? defaultHandles, serverHandles));
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_FILES_IN_FLIGHT, items.length || 1));
  const fsyncOption = options.fsync ?? 'auto';
  const canFsync = session.hasExtension('fsync@openssh.com');
  const fewFiles = items.length <= FSYNC_AUTO_MAX_FILES;

  const sizes = await localSizes(items);
  const ctx: Context = {
    session,
    host,
    chunk: limits.maxWriteLen,
    chunksInFlight: Math.max(1, options.chunksInFlight ?? DEFAULT_CHUNKS_IN_FLIGHT),
    fsync: (size) => canFsync && (fsyncOption === 'auto' ? fewFiles && size <= FSYNC_AUTO_MAX_BYTES : fsyncOption),
    posixRename: (options.posixRename ?? true) && session.hasExtension('posix-rename@openssh.com'),
    noClobberRename: limits.isOpenSSH,
    createParents: options.createParents ?? true,
    hash: options.hash ?? false,
    dirMode: options.dirMode,
    signal: options.signal,
    handles: new Slots(handles),
    budget: new ByteBudget(Math.max(limits.maxWriteLen, options.maxBytesInFlight ?? DEFAULT_MAX_BYTES_IN_FLIGHT)),
    progress: new Progress(items.length, sizes.reduce((sum, size) => sum + size, 0), options.onProgress, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS),
    dirs: new Map(),
    helpers: options.helpers,
  };
  const wakeBudget = () => {
    ctx.budget.wake();
    ctx.handles.wake();
  };
  options.signal?.addEventListener('abort', wakeBudget, { once: true });

  if (ctx.createParents && limits.isOpenSSH && !options.signal?.aborted) sendParentMkdirs(ctx, items);

  const results = new Array<UploadResult>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const item = items[index] as UploadItem;
      if (options.claim && !options.claim(index)) {
        results[index] = { remotePath: item.remotePath, ok: false, code: 'cancelled', message: `${item.remotePath} was left to another transfer.` };
        continue;
      }
      const result = await uploadOne(ctx, item);
      results[index] = result;
      ctx.progress.file();
      options.onResult?.(index, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    options.signal?.removeEventListener('abort', wakeBudget);
  }
  ctx.progress.emit();
  return results;
}

async function localSizes(items: readonly UploadItem[]): Promise<number[]> {
  const sizes = items.map((item) => item.size ?? -1);
  const missing = sizes.flatMap((size, index) => (size < 0 ? [index] : []));
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < missing.length; i = next++) {
      const index = missing[i] as number;
      sizes[index] = await stat((items[index] as UploadItem).localPath).then((s) => s.size, () => 0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, missing.length) }, worker));
  return sizes;
}

interface LocalSource {
  readonly handle: FileHandle;
  readonly size: number;
}

async function openLocal(item: UploadItem): Promise<LocalSource> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(item.localPath, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    return { handle, size: stats.size };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw new LocalFileError(`Could not read ${item.localPath}: ${(error as Error).message}`);
  }
}

async function readExactly(source: LocalSource, buffer: Buffer, length: number, position: number, item: UploadItem): Promise<void> {
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await source.handle.read(buffer, done, length - done, position + done));
    } catch (error) {
      throw new LocalFileError(`Could not read ${item.localPath}: ${(error as Error).message}`);
    }
    if (bytesRead === 0) throw new LocalFileError(`${item.localPath} changed while it was being uploaded (it got shorter); try again.`);
    done += bytesRead;
  }
}

function uploadOne(ctx: Context, item: UploadItem): Promise<UploadResult> {
  return new FileUpload(ctx, item).run();
}

/**
 * One file's upload, round trip by round trip as the module comment describes, and what a
 * failure at any point must clean up: the temp file (also one whose OPEN was still in flight),
 * the remote handle and its slot, the local file.
 */
class FileUpload {
  private readonly temp: string;
  private readonly mode: number;
  private readonly mtime: number;
  private opening: Promise<Buffer> | undefined;
  private handle: Buffer | undefined;
  private tempExists = false;
  private renameSent = false;
  /** Bytes not yet confirmed written (a failure's message says how much was left). */
  private remaining = 0;
  private source: LocalSource | undefined;
  private slotHeld = false;

  constructor(
    private readonly ctx: Context,
    private readonly item: UploadItem,
  ) {
    this.temp = remoteTempPath(item.remotePath);
    this.mode = item.mode & 0o777;
    this.mtime = Math.min(ALL_ONES_32, Math.max(0, Math.floor(item.mtimeMs / 1000)));
  }

  async run(): Promise<UploadResult> {
    const { ctx, item } = this;
    try {
      throwIfAborted(ctx.signal);
      const { preloaded, size } = await this.startReading();
      await ctx.handles.acquire(ctx.signal);
      this.slotHeld = true;
      this.remaining = size;
      await this.openTempFile(preloaded === undefined);
      const hashing: Hashing | undefined = ctx.hash ? {} : undefined;
      const written = await this.sendAndSeal(size, preloaded, hashing);
      // RTT 3: swap it in. From here on a cancel no longer stops the file.
      throwIfAborted(ctx.signal);
      this.renameSent = true;
      await commit(ctx, item, this.temp);
      this.tempExists = false;
      return { remotePath: item.remotePath, ok: true, remote: stampOf(written), ...(hashing && { hash: hashing.known ?? (hashing.digest ?? createHash('sha256')).digest('hex') }) };
    } catch (error) {
      const result = await failureResult(ctx, item, error, { remaining: this.remaining, renameSent: this.renameSent });
      if (ctx.session.alive) await bestEffort(this.removeTemp(), CLEANUP_TIMEOUT_MS);
      return result;
    } finally {
      this.releaseSlot();
      await this.source?.handle.close().catch(() => undefined);
    }
  }

  /**
   * A file the scan says is small is read in one go (no FileHandle: cheaper per file) while the
   * OPEN is on the wire; anything else is opened and, if big, streamed chunk by chunk (no
   * `preloaded` then).
   */
  private async startReading(): Promise<{ preloaded: Promise<Settled<Preloaded>> | undefined; size: number }> {
    const { ctx, item } = this;
    if (item.size !== undefined && item.size <= ctx.chunk) return { preloaded: settle(readWhole(item)), size: item.size };
    this.source = await openLocal(item);
    const { size } = this.source;
    return { preloaded: size <= ctx.chunk ? settle(readSmall(this.source, item)) : undefined, size };
  }

  /** RTT 1: OPEN the temp, and for a big file look at the target now rather than after the upload. */
  private async openTempFile(multiChunk: boolean): Promise<void> {
    const { ctx, item } = this;
    const early = multiChunk ? settle(ctx.session.lstatOrNull(item.remotePath)) : undefined;
    this.opening = openTemp(ctx, this.temp, this.mode);
    this.handle = await abortable(this.opening, ctx.signal);
    this.tempExists = true;
    if (early) this.guard(unwrap(await abortable(early, ctx.signal)));
  }

  /**
   * RTT 2: the data, then mode + mtime, [fsync], fstat, close and the guard, back-to-back.
   * Returns the temp file's stats as written. (A file whose WRITEs went over helper channels
   * too: sendData returns once theirs are answered.)
   */
  private async sendAndSeal(size: number, preloaded: Promise<Settled<Preloaded>> | undefined, hashing: Hashing | undefined): Promise<Stats> {
    const { ctx, item, temp } = this;
    const { session, signal } = ctx;
    const handle = this.handle as Buffer;
    const writes = await sendData(ctx, item, this.source, handle, temp, preloaded, hashing);
    const setstat = settle(session.fsetstat(handle, { mode: this.mode, atime: this.mtime, mtime: this.mtime }, temp));
    const synced = ctx.fsync(size) ? settle(session.fsync(handle, temp)) : undefined;
    const stats = settle(session.fstat(handle, temp));
    const closed = settle(session.close(handle, temp));
    void closed.then(() => this.releaseSlot());
    this.handle = undefined;
    // A new file needs no LSTAT guard on OpenSSH: its RENAME refuses to replace anything.
    const guard = item.expectRemote === null && ctx.noClobberRename ? undefined : settle(session.lstatOrNull(item.remotePath));

    for (const write of writes) unwrap(await abortable(write, signal));
    this.remaining = 0;
    unwrap(await abortable(setstat, signal));
    if (synced) unwrap(await abortable(synced, signal));
    const written = unwrap(await abortable(stats, signal));
    unwrap(await abortable(closed, signal));
    if (guard) this.guard(unwrap(await abortable(guard, signal)));
    return written;
  }

  /** The target must still be what the plan expected; anything else is a conflict. */
  private guard(now: Stats | null): void {
    if (!matchesExpected(now, this.item.expectRemote)) throw new ConflictError(conflictMessage(this.ctx, this.item, now));
  }

  private releaseSlot(): void {
    if (!this.slotHeld) return;
    this.slotHeld = false;
    this.ctx.handles.release();
  }

  /** After a failure: close the handle and remove the temp, including one an OPEN still in flight may create. */
  private async removeTemp(): Promise<void> {
    const { session } = this.ctx;
    if (this.opening !== undefined && !this.tempExists) {
      this.handle = await this.opening.catch(() => undefined);
      this.tempExists = this.handle !== undefined;
    }
    if (this.handle) await session.close(this.handle, this.temp).catch(() => undefined);
    if (this.tempExists) await session.unlink(this.temp).catch(() => undefined);
  }
}

/** A small file read while its OPEN is on the wire; `hash` when the reader thread computed it. */
interface Preloaded {
  readonly data: Buffer;
  readonly hash?: string;
}

/** The sha256 of the bytes sent: computed here as they go (`digest`), or `known` from the reader thread. */
interface Hashing {
  digest?: Hash;
  known?: string;
}

async function readWhole(item: UploadItem): Promise<Preloaded> {
  try {
    return await readWholeFile(item.localPath);
  } catch (error) {
    throw new LocalFileError(`Could not read ${item.localPath}: ${(error as Error).message}`);
  }
}

async function readSmall(source: LocalSource, item: UploadItem): Promise<Preloaded> {
  const buffer = Buffer.allocUnsafe(source.size);
  await readExactly(source, buffer, source.size, 0, item);
  return { data: buffer };
}

/** Sends every WRITE of the file (keeping chunksInFlight in flight) and returns the unsettled tail. */
async function sendData(
  ctx: Context,
  item: UploadItem,
  source: LocalSource | undefined,
  handle: Buffer,
  temp: string,
  preloaded: Promise<Settled<Preloaded>> | undefined,
  hashing: Hashing | undefined,
): Promise<Array<Promise<Settled<void>>>> {
  const { session, signal, budget, progress } = ctx;
  // A WRITE's outcome, counted as progress once answered and giving its bytes back to the budget.
  const track = (write: Promise<void>, length: number) => settle(write.then(() => progress.bytes(length)).finally(() => budget.release(length)));
  if (preloaded) {
    const { data, hash } = unwrap(await preloaded);
    if (hashing && hash !== undefined) hashing.known = hash;
    else if (hashing) (hashing.digest ??= createHash('sha256')).update(data);
    if (data.length === 0) return [];
    await budget.acquire(data.length, signal);
    return [track(session.write(handle, data, 0, data.length, 0, temp), data.length)];
  }
  if (!source) throw new Error('internal: no local file to stream');
  // A big file on a long link also goes through the helper channels (write-lanes.ts).
  const helpers = source.size >= SPLIT_MIN_BYTES ? ctx.helpers : undefined;
  const lanes = new WriteLanes(session, handle, temp, ctx.chunksInFlight, helpers);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(ctx.chunk, source.size));
    for (let position = 0; position < source.size; ) {
      throwIfAborted(signal);
      const length = Math.min(ctx.chunk, source.size - position);
      await budget.acquire(length, signal);
      try {
        await readExactly(source, buffer, length, position, item);
      } catch (error) {
        budget.release(length);
        throw error;
      }
      // ssh2 copies `buffer` into the packet before write() returns, so it is reused at once.
      // Chunks are read in file order, so the hash sees the bytes exactly as they are sent.
      if (hashing) (hashing.digest ??= createHash('sha256')).update(length === buffer.length ? buffer : buffer.subarray(0, length));
      lanes.send(buffer, length, position, (write) => track(write, length));
      position += length;
      await lanes.room((promise) => abortable(promise, signal));
    }
    return await lanes.finish((promise) => abortable(promise, signal));
  } catch (error) {
    await lanes.abandon();
    throw error;
  }
}

async function openTemp(ctx: Context, temp: string, mode: number): Promise<Buffer> {
  try {
    return await ctx.session.open(temp, 'wx', { mode });
  } catch (error) {
    if (!(error instanceof SftpError && error.kind === 'no-such-file' && ctx.createParents)) throw error;
    await ensureRemoteDir(ctx, path.posix.dirname(temp));
    return await ctx.session.open(temp, 'wx', { mode });
  }
}

/** mkdir -p over SFTP, memoised per folder so 64 files in one new folder share one MKDIR. */
function ensureRemoteDir(ctx: { session: SftpSession; dirs: Map<string, Promise<void>>; dirMode?: number | undefined }, dir: string): Promise<void> {
  const known = ctx.dirs.get(dir);
  if (known) return known;
  const { session } = ctx;
  const attrs = ctx.dirMode === undefined ? undefined : { mode: ctx.dirMode };
  const existsAsDir = async (error: unknown) => {
    // FAILURE is how OpenSSH reports EEXIST: fine if it is a folder (or a link to one).
    const stats = await session.stat(dir).catch(() => null);
    if (stats && !stats.isDirectory()) throw new NotAFolderError(`${dir} on ${session.host} is a file, not a folder`);
    if (!stats) throw error;
  };
  const created = (async () => {
    try {
      await session.mkdir(dir, attrs);
    } catch (error) {
      if (!(error instanceof SftpError)) throw error;
      if (error.kind !== 'no-such-file') return existsAsDir(error);
      const parent = path.posix.dirname(dir);
      if (parent === dir) throw error;
      await ensureRemoteDir(ctx, parent);
      await session.mkdir(dir, attrs).catch(existsAsDir);
    }
  })();
  ctx.dirs.set(dir, created);
  return created;
}

/**
 * The items' deepest common ancestor and every folder below it, parents first. Sent as MKDIRs up front
 * without waiting: sftp-server runs requests in order, so the OPENs that follow find their
 * folders, and a first push into a new tree costs no extra round trip. Existing folders answer
 * FAILURE, which is ignored; anything that still fails is handled per file by ensureRemoteDir.
 */
function sendParentMkdirs(ctx: Context, items: readonly UploadItem[]): void {
  if (items.length < 2) return;
  const parents = new Set(items.map((item) => path.posix.dirname(item.remotePath)));
  let common: string | undefined;
  for (const dir of parents) {
    if (common === undefined) common = dir;
    while (common !== dir && !dir.startsWith(common.endsWith('/') ? common : `${common}/`)) {
      const up = path.posix.dirname(common);
      if (up === common) break;
      common = up;
    }
  }
  const wanted = new Set<string>();
  // The common ancestor too (usually the remote root): a first push into a root that doesn't
  // exist yet would otherwise fail every OPEN and fall back to per-folder MKDIR chains.
  if (common !== undefined && common !== '.' && path.posix.dirname(common) !== common) wanted.add(common);
  for (const dir of parents) {
    for (let current = dir; current !== common && !wanted.has(current); current = path.posix.dirname(current)) {
      if (path.posix.dirname(current) === current) break;
      wanted.add(current);
    }
  }
  const attrs = ctx.dirMode === undefined ? undefined : { mode: ctx.dirMode };
  const ordered = [...wanted].sort((a, b) => a.split('/').length - b.split('/').length);
  for (const dir of ordered) void ctx.session.mkdir(dir, attrs).catch(() => undefined);
}

/** Creates remote folders (and their parents) with pipelined MKDIRs; existing folders are fine. */
export async function ensureRemoteDirs(sftp: SFTPWrapper, dirs: readonly string[], options: { host?: string; mode?: number } = {}): Promise<void> {
  const ctx = { session: sftpSession(sftp, options.host), dirs: new Map<string, Promise<void>>(), dirMode: options.mode };
  await Promise.all(dirs.map((dir) => ensureRemoteDir(ctx, dir)));
}

async function commit(ctx: Context, item: UploadItem, temp: string): Promise<void> {
  const { session } = ctx;
  const target = item.remotePath;
  if (item.expectRemote === null) {
    try {
      await session.rename(temp, target);
      return;
    } catch (error) {
      if (!(error instanceof SftpError) || error.kind === 'connection-lost') throw error;
      const now = await session.lstatOrNull(target);
      if (now) throw new ConflictError(conflictMessage(ctx, item, now));
      // The no-clobber rename failed for another reason (a file system without hard links):
      // rename(2) is still safe after the check above, up to the usual one-RTT window.
      if (!ctx.posixRename) throw error;
      await session.posixRename(temp, target);
      return;
    }
  }
  if (ctx.posixRename) {
    await session.posixRename(temp, target);
    return;
  }
  // No posix-rename (not OpenSSH): plain RENAME refuses to replace, so move the old file aside
  // first. Between the two renames (about one RTT) the target name is missing; if the connection
  // drops right there, the old content survives under the backup name (a .labdesk-tmp- name).
  const backup = remoteTempPath(target, '.old');
  try {
    await session.rename(target, backup);
  } catch (error) {
    if (error instanceof SftpError && error.kind === 'no-such-file') {
      throw new ConflictError(conflictMessage(ctx, item, null));
    }
    throw error;
  }
  try {
    await session.rename(temp, target);
  } catch (error) {
    await session.rename(backup, target).catch(() => undefined);
    throw error;
  }
  await session.unlink(backup).catch(() => undefined);
}

function describeStamp(stats: Stats): string {
  const kind = stats.isFile() ? '' : stats.isDirectory() ? 'a folder, ' : stats.isSymbolicLink() ? 'a symlink, ' : 'not a regular file, ';
  return `${kind}${stats.size} bytes, modified ${new Date(stats.mtime * 1000).toISOString()}, mode ${(stats.mode & 0o7777).toString(8)}`;
}

function conflictMessage(ctx: Context, item: UploadItem, now: Stats | null): string {
  const where = `${item.remotePath} on ${ctx.host}`;
  if (item.expectRemote === null) {
    return `${where} already exists on the server (${now ? describeStamp(now) : 'unknown'}); it was left untouched.`;
  }
  if (now === null) return `${where} was deleted on the server since the last sync; nothing was written.`;
  return `${where} changed on the server since the last sync (now ${describeStamp(now)}); it was left untouched.`;
}

async function failureResult(
  ctx: Context,
  item: UploadItem,
  error: unknown,
  state: { remaining: number; renameSent: boolean },
): Promise<UploadResult> {
  const remotePath = item.remotePath;
  const what = `Could not upload ${remotePath} to ${ctx.host}`;
  const unchanged = 'The file on the server was not changed.';
  const fail = (code: UploadFailureCode, message: string): UploadResult => ({ remotePath, ok: false, code, message });
  if (error instanceof ConflictError) return fail('conflict', error.message);
  if (error instanceof CancelledError) return fail('cancelled', `Upload of ${remotePath} to ${ctx.host} was cancelled. ${unchanged}`);
  if (error instanceof LocalFileError) return fail('failed', `${what}: ${error.message}`);
  if (error instanceof NotAFolderError) return fail('failed', `${what}: ${error.message}. ${unchanged}`);
  if (!(error instanceof SftpError)) return fail('failed', `${what}: ${(error as Error)?.message ?? String(error)}`);

  const dir = path.posix.dirname(remotePath);
  const creating = error.operation === 'create' || error.operation === 'create the folder';
  if (error.kind === 'connection-lost') {
    const outcome = state.renameSent
      ? 'the file on the server is either the old or the new version (the rename was in flight).'
      : unchanged;
    return fail('failed', `${what}: the connection was lost. ${outcome}`);
  }
  if (error.kind === 'permission-denied') {
    const why = creating
      ? `permission denied (uploading needs write access to the folder ${dir}, because a temporary file is created next to the target)`
      : `permission denied (${error.operation} ${error.remotePath})`;
    return fail('permission-denied', `${what}: ${why}. ${unchanged}`);
  }
  if (error.kind === 'failure') {
    // OpenSSH reports ENOSPC, EDQUOT, EROFS, EEXIST and EMFILE all as FAILURE: ask the file system.
    const vfs = ctx.session.alive && ctx.session.hasExtension('statvfs@openssh.com')
      ? await bestEffortValue(ctx.session.statvfs(dir))
      : undefined;
    if (vfs?.readOnly) return fail('permission-denied', `${what}: the folder ${dir} is on a read-only file system. ${unchanged}`);
    const full = vfs !== undefined && (vfs.availableBytes < state.remaining + vfs.blockSize || vfs.availableInodes === 0);
    if (full) return fail('disk-full', `${what}: the server's disk is full (${formatBytes(vfs.availableBytes)} left in ${dir} with this upload's temp file). ${unchanged}`);
    if (!creating && !state.renameSent) {
      return fail('disk-full', `${what}: the server refused the write (${vfs ? 'a disk quota may be exceeded' : 'the disk may be full or a quota exceeded'}). ${unchanged}`);
    }
    if (creating) {
      return fail('failed', `${what}: the server could not create ${error.remotePath} (if the disk is not full, it may have run out of open files: lower the files in flight). ${unchanged}`);
    }
  }
  return fail('failed', `${error.message}${state.renameSent ? '' : ` ${unchanged}`}`);
}

async function bestEffortValue<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), CLEANUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

