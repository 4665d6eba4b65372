/**
 * The one wrapper around an ssh2 SFTP channel (sync, explorer and tar push all use it): promise
 * methods for each request, a backlog gate sized to the link, and every failure an SftpError
 * (sftp-error.ts) that names the operation, the remote path and the host.
 *
 * Requests are sent the moment a method is called, so calling several methods without awaiting
 * in between pipelines them on the one channel (OpenSSH's sftp-server answers them in order).
 *
 * A request sent after the channel has closed would never be answered by ssh2 (it silently
 * drops the packet), so every method checks the channel first and fails fast with
 * kind 'connection-lost'. Requests in flight when the connection drops are failed by ssh2
 * itself ("No response from server"); they map to 'connection-lost' too.
 */
import type { Client, FileEntry, FileEntryWithStats, InputAttributes, SFTPWrapper, Stats } from 'ssh2';
import { BacklogGate, windowLimitFor } from './channel-window';
import { DeliveryRate } from './delivery-rate';
import { SFTP_STATUS, SftpError, toSftpError } from './sftp-error';
import { channelIsOpen, coalesceChannelData, connectionSocket, hasExtension, serverLimits, type ServerLimits } from './ssh2-internals';

export { SFTP_STATUS, SftpError, toSftpError, type SftpErrorKind } from './sftp-error';
export { hasExtension, serverLimits, type ServerLimits } from './ssh2-internals';

/**
 * Turns Nagle's algorithm off on the connection's socket. Without it, every small SFTP request
 * that follows an unacknowledged one waits for the server's delayed ACK (~40 ms on Linux): a
 * small save or a WRITE stream then runs at one request per delayed ACK instead of per round trip.
 * ssh2 leaves Nagle on by default; call this once the client is 'ready' (or right after connect()).
 */
export function tuneConnection(client: Client): Client {
  client.setNoDelay(true);
  return client;
}

export interface StatVfs {
  readonly blockSize: number;
  /** Bytes available to an unprivileged user. */
  readonly availableBytes: number;
  readonly availableInodes: number;
  readonly readOnly: boolean;
}

type Callback<T> = (error: Error | null | undefined, value?: T) => void;

const sessions = new WeakMap<SFTPWrapper, SftpSession>();

/** What a request without data costs on the wire, about (header, handle or path, attributes). */
const SMALL_REQUEST_BYTES = 96;
/** The delivery rate assumed before one is measured (25 MB/s: a 20 ms link starts at ~1.1 MiB). */
const INITIAL_BYTES_PER_MS = 25_000;

/**
 * The one wrapper per SFTP channel (cached, so per-call listeners don't pile up on the channel).
 * `host` names the server in error messages; the first caller that passes one sets it.
 */
export function sftpSession(sftp: SFTPWrapper, host?: string): SftpSession {
  let session = sessions.get(sftp);
  if (!session) {
    session = new SftpSession(sftp, host ?? 'the server');
    sessions.set(sftp, session);
  } else if (host !== undefined && session.host === 'the server') {
    session.host = host;
  }
  return session;
}

export class SftpSession {
  private closed = false;
  private corked = false;
  /** The fastest request-to-reply time seen: the round trip plus the server's least work. */
  private fastestReplyMs = Infinity;
  /** Bytes of requests sent and not yet answered: what waits in sshd and sftp-server, plus the wire. */
  private unanswered = 0;
  /** How fast the server has been answering: sizes the wire's share of the backlog (delivery-rate.ts). */
  private readonly delivered = new DeliveryRate(INITIAL_BYTES_PER_MS);
  /** Holds requests back while that backlog is over the limit for this link (channel-window.ts). */
  private readonly gate = new BacklogGate(
    () => this.unanswered,
    () => this.backlogLimit,
  );

  constructor(
    readonly sftp: SFTPWrapper,
    public host: string,
  ) {
    const stopCoalescing = coalesceChannelData(sftp);
    const markClosed = () => {
      this.closed = true;
      this.gate.close();
      stopCoalescing();
    };
    sftp.once('end', markClosed);
    sftp.once('close', markClosed);
    // An 'error' without a listener would crash the process; ssh2 closes the channel after it.
    sftp.on('error', markClosed);
  }

  /** False once the channel (or the whole connection) has closed: requests would go nowhere. */
  get alive(): boolean {
    if (this.closed) return false;
    return channelIsOpen(this.sftp);
  }

  get limits(): ServerLimits {
    return serverLimits(this.sftp);
  }

  hasExtension(name: string): boolean {
    return hasExtension(this.sftp, name);
  }

  /**
   * Every SFTP request is its own SSH packet and, with Nagle off, its own socket write and TCP
   * segment. Corking the socket until the current burst of synchronous sends (and the promise
   * continuations that queue more) is over turns 64 files × 6 requests into a few large writes:
   * less CPU for ssh2, the kernel and sshd. process.nextTick runs after the microtask queue has
   * drained, within the same turn of the event loop, so nothing waits longer than that turn.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = connectionSocket(this.sftp);
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  /** Bytes of requests sent and not yet answered (held under backlogLimit). */
  get backlogBytes(): number {
    return this.unanswered;
  }

  /**
   * The backlog allowed now: windowLimitFor the round trip at the server's recent delivery rate.
   * Its fixed part (MIN_WINDOW_IN_USE) is the headroom that lets a binding limit grow: each
   * round trip may deliver that much more than the last.
   */
  get backlogLimit(): number {
    return windowLimitFor(this.fastestReplyMs, this.delivered.bytesPerMs(performance.now()));
  }

  /** Requests waiting for the backlog to shrink. */
  get queuedRequests(): number {
    return this.gate.queued;
  }

  /** The shortest reply time seen on this channel, in ms (Infinity before the first reply). */
  get roundTripMs(): number {
    return this.fastestReplyMs;
  }

  /** `bytes`: about what the request puts on the wire (its data, for a WRITE). */
  private call<T>(operation: string, remotePath: string, send: (cb: Callback<T>) => void, bytes = SMALL_REQUEST_BYTES): Promise<T> {
    if (!this.alive) {
      return Promise.reject(new SftpError('connection-lost', undefined, operation, remotePath, this.host, ''));
    }
    return new Promise<T>((resolve, reject) => {
      this.gate.whenOpen(() => {
        // Queued behind a backlog: the channel may have closed meanwhile.
        if (!this.alive) return reject(new SftpError('connection-lost', undefined, operation, remotePath, this.host, ''));
        this.corkUntilNextTick();
        const sent = performance.now();
        this.unanswered += bytes;
        try {
          send((error, value) => {
            this.unanswered -= bytes;
            const now = performance.now();
            this.delivered.add(bytes, now);
            const took = now - sent;
            if (took < this.fastestReplyMs) this.fastestReplyMs = took;
            if (error) reject(toSftpError(error, operation, remotePath, this.host));
            else resolve(value as T);
            // A reply means sshd took the request off its backlog.
            this.gate.release();
          });
        } catch (error) {
          // ssh2 throws synchronously for a missing extension or bad arguments.
          this.unanswered -= bytes;
          reject(toSftpError(error, operation, remotePath, this.host));
        }
      });
    });
  }

  open(remotePath: string, flags: 'r' | 'w' | 'wx' | 'r+' | 'a', attrs?: InputAttributes): Promise<Buffer> {
    return this.call<Buffer>(flags === 'r' ? 'open' : 'create', remotePath, (cb) =>
      attrs ? this.sftp.open(remotePath, flags, attrs, cb) : this.sftp.open(remotePath, flags, cb),
    );
  }

  /** Writes `length` bytes of `data` at `position`. The bytes are copied (by ssh2, or here when the request waits), so `data` may be reused at once. */
  write(handle: Buffer, data: Buffer, offset: number, length: number, position: number, remotePath: string): Promise<void> {
    // A WRITE held back behind a backlog is sent later: keep its own copy of the bytes.
    const bytes = this.gate.openNow() ? data : Buffer.from(data.subarray(offset, offset + length));
    const from = bytes === data ? offset : 0;
    return this.call<void>('write to', remotePath, (cb) => this.sftp.write(handle, bytes, from, length, position, cb), SMALL_REQUEST_BYTES + length);
  }

  fsetstat(handle: Buffer, attrs: InputAttributes, remotePath: string): Promise<void> {
    return this.call<void>('set the mode and time of', remotePath, (cb) => this.sftp.fsetstat(handle, attrs, cb));
  }

  /** atime and mtime in whole seconds (SFTPv3 carries 32-bit seconds). */
  futimes(handle: Buffer, atime: number, mtime: number, remotePath: string): Promise<void> {
    return this.call<void>('set the time of', remotePath, (cb) => this.sftp.futimes(handle, atime, mtime, cb));
  }

  fstat(handle: Buffer, remotePath: string): Promise<Stats> {
    return this.call<Stats>('stat', remotePath, (cb) => this.sftp.fstat(handle, cb));
  }

  close(handle: Buffer, remotePath: string): Promise<void> {
    return this.call<void>('close', remotePath, (cb) => this.sftp.close(handle, cb));
  }

  /**
   * Reads up to `length` bytes (at most maxReadLen, so ssh2 sends one READ: its own follow-up
   * requests would bypass the fail-fast check) at `position`; 0 at end of file.
   */
  read(handle: Buffer, buffer: Buffer, offset: number, length: number, position: number, remotePath: string): Promise<number> {
    const size = Math.min(length, this.limits.maxReadLen);
    return this.call<number>('read', remotePath, (cb) =>
      this.sftp.read(handle, buffer, offset, size, position, (error, bytesRead) => {
        if (error && (error as { code?: unknown }).code === SFTP_STATUS.EOF) return cb(null, 0);
        cb(error, bytesRead);
      }),
    ).catch((error: unknown) => {
      if (error instanceof SftpError && error.kind === 'eof') return 0;
      throw error;
    });
  }

  opendir(remotePath: string): Promise<Buffer> {
    return this.call<Buffer>('list', remotePath, (cb) => this.sftp.opendir(remotePath, cb));
  }

  /**
   * One READDIR on an open folder handle (OpenSSH sends up to 100 entries), without `.` and
   * `..`; null at the end. Entries carry lstat attributes: links are not followed.
   */
  readdirHandle(handle: Buffer, remotePath: string): Promise<FileEntry[] | null> {
    return this.call<FileEntry[] | null>('list', remotePath, (cb) =>
      this.sftp.readdir(handle, (error, list) => {
        if (error && (error as { code?: unknown }).code === SFTP_STATUS.EOF) return cb(null, null);
        cb(error, list);
      }),
    );
  }

  /**
   * A whole folder listing: OPENDIR, READDIR until EOF, CLOSE, each request fail-fast. On
   * OpenSSH two READDIRs stay in flight: most folders fit in one batch, and the EOF then arrives
   * in the same round trip instead of the next one (it answers requests in order).
   */
  async readdir(remotePath: string): Promise<FileEntry[]> {
    const handle = await this.opendir(remotePath);
    const entries: FileEntry[] = [];
    const next = () => {
      const batch = this.readdirHandle(handle, remotePath);
      batch.catch(() => undefined); // the one after EOF is never awaited
      return batch;
    };
    // Other servers may run requests out of order: one at a time there, or an EOF could overtake a batch.
    const inFlight = this.limits.isOpenSSH ? [next(), next()] : [next()];
    try {
      for (let batch = await inFlight.shift(); batch; batch = await inFlight.shift()) {
        for (const entry of batch) entries.push(entry);
        inFlight.push(next());
      }
    } finally {
      // Not awaited: requests on the channel run in order, and nobody needs the answer.
      void this.close(handle, remotePath).catch(() => undefined);
    }
    return entries;
  }

  lstat(remotePath: string): Promise<Stats> {
    return this.call<Stats>('stat', remotePath, (cb) => this.sftp.lstat(remotePath, cb));
  }

  /** lstat, but a missing path is `null` instead of an error. */
  async lstatOrNull(remotePath: string): Promise<Stats | null> {
    try {
      return await this.lstat(remotePath);
    } catch (error) {
      if (error instanceof SftpError && error.kind === 'no-such-file') return null;
      throw error;
    }
  }

  stat(remotePath: string): Promise<Stats> {
    return this.call<Stats>('stat', remotePath, (cb) => this.sftp.stat(remotePath, cb));
  }

  mkdir(remotePath: string, attrs?: InputAttributes): Promise<void> {
    return this.call<void>('create the folder', remotePath, (cb) =>
      attrs ? this.sftp.mkdir(remotePath, attrs, cb) : this.sftp.mkdir(remotePath, cb),
    );
  }

  unlink(remotePath: string): Promise<void> {
    return this.call<void>('delete', remotePath, (cb) => this.sftp.unlink(remotePath, cb));
  }

  rmdir(remotePath: string): Promise<void> {
    return this.call<void>('delete the folder', remotePath, (cb) => this.sftp.rmdir(remotePath, cb));
  }

  readlink(remotePath: string): Promise<string> {
    return this.call<string>('read the link', remotePath, (cb) => this.sftp.readlink(remotePath, cb));
  }

  /** Creates `linkPath` pointing at `target` (ssh2 swaps the arguments for OpenSSH's reversed SYMLINK). */
  symlink(target: string, linkPath: string): Promise<void> {
    return this.call<void>('create the link', linkPath, (cb) => this.sftp.symlink(target, linkPath, cb));
  }

  /**
   * Plain SSH_FXP_RENAME. The SFTPv3 draft says it fails when `to` exists; OpenSSH implements it
   * as link()+unlink(), so it is an atomic "rename unless the target exists" (FAILURE if it does).
   */
  rename(from: string, to: string): Promise<void> {
    return this.call<void>('rename', `${from} to ${to}`, (cb) => this.sftp.rename(from, to, cb));
  }

  /** posix-rename@openssh.com: rename(2), atomically replacing `to`. */
  posixRename(from: string, to: string): Promise<void> {
    return this.call<void>('rename', `${from} to ${to}`, (cb) => this.sftp.ext_openssh_rename(from, to, cb));
  }

  /** fsync@openssh.com: flushes the file to disk on the server. */
  fsync(handle: Buffer, remotePath: string): Promise<void> {
    return this.call<void>('flush', remotePath, (cb) => this.sftp.ext_openssh_fsync(handle, cb));
  }

  /** The server's canonical absolute path (links resolved); `.` is the login's home folder. */
  realpath(remotePath: string): Promise<string> {
    return this.call<string>('resolve', remotePath, (cb) => this.sftp.realpath(remotePath, cb));
  }

  /**
   * A folder's entries (lstat attributes), without `.` and `..`, stopping once more than `limit`
   * arrived: a folder of a million files costs a few round trips, not the whole list.
   */
  async readdirLimited(remotePath: string, limit: number): Promise<{ entries: FileEntryWithStats[]; truncated: boolean }> {
    const handle = await this.opendir(remotePath);
    const entries: FileEntryWithStats[] = [];
    try {
      for (let batch = await this.readdirHandle(handle, remotePath); batch; batch = await this.readdirHandle(handle, remotePath)) {
        for (const entry of batch) if (entry.filename !== '.' && entry.filename !== '..') entries.push(entry as FileEntryWithStats);
        if (entries.length > limit) return { entries: entries.slice(0, limit), truncated: true };
      }
    } finally {
      await this.close(handle, remotePath).catch(() => undefined);
    }
    return { entries, truncated: false };
  }

  async statvfs(remotePath: string): Promise<StatVfs> {
    const raw = await this.call<Record<string, number>>('check the free space of', remotePath, (cb) =>
      this.sftp.ext_openssh_statvfs(remotePath, cb),
    );
    const frsize = raw.f_frsize || raw.f_bsize || 0;
    return {
      blockSize: frsize,
      availableBytes: (raw.f_bavail ?? 0) * frsize,
      availableInodes: raw.f_favail ?? 0,
      // SSH2_FXE_STATVFS_ST_RDONLY
      readOnly: ((raw.f_flag ?? 0) & 1) === 1,
    };
  }
}
