/**
 * Keeps what we have sent to the server but it has not yet worked through small when the link
 * is fast, because OpenSSH slows down badly when that backlog is big.
 *
 * Why: OpenSSH keeps such data in sshbufs that grow in 256-byte steps through recallocarray(),
 * which allocates, copies and zeroes the whole buffer each time. A client that fills the 2 MiB
 * channel window makes every arriving packet copy up to 2 MiB: sshd's channel buffer in front
 * of a pipe to tar, and sftp-server's input queue (it reads 16 KiB per poll but handles one
 * request per loop, so thousands of small requests pile up there). Under `perf` the copying is
 * sshd's largest cost in such a push, and it slows both the tar stream and small-file SFTP
 * several-fold on a fast link. A full buffer keeps itself full (a slow sshd drains it slowly),
 * which also makes the push's speed erratic.
 *
 * What: a gate in front of the sender that holds sends back, in order, while the backlog is
 * over a limit. For SFTP the backlog is the bytes of unanswered requests (sftp-session.ts); for
 * the tar stream it is the channel's window in use (sshd acknowledges data once it has written
 * it to tar's pipe). On a long link most of either is data on the wire, which must not be
 * limited (bandwidth × delay), so the limit grows with the round trip: at an assumed 1 Gbit/s
 * for the tar stream (on a long enough link it no longer binds: OpenSSH's window is smaller), at
 * the server's delivery rate for SFTP (delivery-rate.ts: what the wire holds at the rate
 * sftp-server answers).
 *
 * ssh2 has no event for WINDOW_ADJUST: channelWindowInUse (ssh2-internals.ts) wraps the
 * protocol's handler; if ssh2's internals look different, it returns null and nothing waits.
 */

/**
 * Backlog always allowed: above OpenSSH's adjust threshold (3 × 32 KiB, acknowledged late) plus
 * two 255 KiB WRITEs, so one big file still streams. The exact figure matters little: on loopback
 * a few times smaller or larger made no difference.
 */
export const MIN_WINDOW_IN_USE = 640 * 1024;
/** Link speed assumed when sizing the wire's share from the round trip (1 Gbit/s), unless measured. */
const ASSUMED_BYTES_PER_MS = 125_000;

/**
 * The window in use a link with this round trip may keep: the minimum, plus what is on the wire
 * at `bytesPerMs` (the tar stream assumes 1 Gbit/s; SFTP passes its measured delivery rate).
 */
export function windowLimitFor(roundTripMs: number, bytesPerMs = ASSUMED_BYTES_PER_MS): number {
  if (!Number.isFinite(roundTripMs)) return Infinity;
  return MIN_WINDOW_IN_USE + Math.ceil(Math.max(0, roundTripMs) * bytesPerMs);
}

/**
 * Holds sends back while the server's backlog is over a limit, keeping their order. What
 * "backlog" means is the caller's: bytes of SFTP requests not yet answered (sftp-session.ts),
 * or a channel's window in use (channelWindowInUse, for the tar stream).
 */
export class BacklogGate {
  /** Sends held back, in the order they were asked for. */
  private readonly queue: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly backlog: () => number,
    /** Bytes allowed; a function so it can follow a round trip measured later. */
    private readonly limit: () => number,
  ) {}

  private roomNow(): boolean {
    return this.closed || this.backlog() <= this.limit();
  }

  /** Sends waiting for the backlog to shrink. */
  get queued(): number {
    return this.queue.length;
  }

  /** Whether whenOpen would run a send at once (else it is queued, and its data must outlive the call). */
  openNow(): boolean {
    return this.queue.length === 0 && this.roomNow();
  }

  /**
   * Runs `send` now if the backlog is under the limit and nothing is queued, else as soon as
   * it is, after every send queued before it: the order of sends is kept (SFTP requests rely
   * on it).
   */
  whenOpen(send: () => void): void {
    if (this.openNow()) send();
    else this.queue.push(send);
  }

  /** whenOpen as a promise (for a single sender that awaits anyway). */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.whenOpen(resolve));
  }

  /** Runs queued sends while the backlog stays under the limit (call on anything that may have freed it). */
  release(): void {
    while (this.queue.length > 0 && this.roomNow()) this.queue.shift()?.();
  }

  /** The channel closed: nothing will free the backlog; queued sends run (and fail fast). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}
