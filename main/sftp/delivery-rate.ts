/**
 * How fast a server has been working through what we send: bytes of requests answered per
 * millisecond, the highest rate over the last second.
 *
 * Why: the SFTP backlog limit (channel-window.ts) must cover what is on the wire (rate × round
 * trip) but not much more, or sshd piles the rest up in a buffer it grows by copying (see
 * channel-window.ts). Sizing the wire's share with an assumed link speed lets the first burst of
 * a big small-file push on a long link fill OpenSSH's whole channel window, and sshd then spends
 * its time copying that buffer while sftp-server and the client wait. Sized with the rate the
 * server actually answers at (plus windowLimitFor's fixed headroom, which lets a binding limit
 * grow each round trip), the backlog stays what the wire holds, and a big file, answered fast,
 * still fills the window.
 *
 * A max over a second (as BBR keeps a max-filtered bandwidth) rather than an average: a pause in
 * what the caller has to send must not shrink the limit.
 */

/** Rate measured over this span; shorter spans swing with every batch of replies. */
const WINDOW_MS = 100;
/** Peaks are kept this long. */
const HORIZON_MS = 1000;
/** At most one sample per this many ms, so bookkeeping stays small however many replies arrive. */
const SAMPLE_MS = 5;

export class DeliveryRate {
  private total = 0;
  /** Cumulative bytes at (thinned) points in time, oldest first, covering about WINDOW_MS. */
  private readonly samples: Array<{ at: number; total: number }> = [];
  /**
   * Rates measured in the last HORIZON_MS that no later rate beats: oldest first, so rates fall
   * from front to back and the front is the max (a sliding-window maximum). The gate asks for
   * the rate on every send it considers, so this must not be a scan.
   */
  private readonly peaks: Array<{ at: number; rate: number }> = [];

  /** `initialBytesPerMs`: the rate assumed until a WINDOW_MS span has been measured. */
  constructor(private readonly initialBytesPerMs: number) {}

  /** `bytes` were answered at `now` (performance.now() milliseconds). */
  add(bytes: number, now: number): void {
    this.total += bytes;
    const last = this.samples.at(-1);
    if (last && now - last.at < SAMPLE_MS) return; // counted in the next sample's total
    this.samples.push({ at: now, total: this.total });
    // Keep one sample at or before now - WINDOW_MS: the span the rate is measured over.
    while (this.samples.length > 2 && (this.samples[1] as { at: number }).at <= now - WINDOW_MS) this.samples.shift();
    const first = this.samples[0] as { at: number; total: number };
    const span = now - first.at;
    if (span >= WINDOW_MS) {
      const rate = (this.total - first.total) / span;
      // An older rate that is not higher can never be the max again.
      while (this.peaks.length > 0 && (this.peaks.at(-1) as { rate: number }).rate <= rate) this.peaks.pop();
      this.peaks.push({ at: now, rate });
    }
    this.dropOld(now);
  }

  /** The highest rate of the last second, or the initial one if none was measured in it. */
  bytesPerMs(now: number): number {
    this.dropOld(now);
    const best = this.peaks[0]?.rate ?? 0;
    return best > 0 ? best : this.initialBytesPerMs;
  }

  private dropOld(now: number): void {
    while (this.peaks.length > 0 && (this.peaks[0] as { at: number }).at < now - HORIZON_MS) this.peaks.shift();
  }
}
