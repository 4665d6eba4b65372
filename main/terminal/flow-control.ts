/**
 * Flow control between a terminal's channel and the window that draws it (xterm.js's guide:
 * write() buffers without limit and parses 5–35 MB/s). Main counts what it sent, the window
 * acknowledges what it has drawn; past HIGH characters not yet drawn the channel is paused (ssh
 * stops opening its window, so the server's `cat` blocks), below LOW it resumes. Memory is
 * bounded by HIGH plus one batch, whatever the command prints.
 */
export const HIGH_WATERMARK = 1024 * 1024;
export const LOW_WATERMARK = 256 * 1024;

export class FlowControl {
  private unacknowledged = 0;
  private paused = false;

  /** Characters sent to the window. */
  sent(chars: number): void {
    this.unacknowledged += chars;
  }

  /** Whether the channel should pause now (the window is too far behind). */
  isBehind(): boolean {
    if (this.unacknowledged > HIGH_WATERMARK) this.paused = true;
    return this.paused;
  }

  /** The window drew `chars` more; true when a paused channel should resume. */
  drawn(chars: number): boolean {
    this.unacknowledged = Math.max(0, this.unacknowledged - chars);
    if (this.paused && this.unacknowledged < LOW_WATERMARK) {
      this.paused = false;
      return true;
    }
    return false;
  }

  /** A new channel (after a reattach): what the old one sent is no longer owed. */
  reset(): void {
    this.unacknowledged = 0;
    this.paused = false;
  }
}
