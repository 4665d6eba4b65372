/**
 * A big file's WRITEs spread over several SFTP channels of one connection.
 *
 * On a long link one channel carries at most its flow-control window per round trip, however
 * fast both ends are: sshd gives each channel 2 MiB, so one channel moves 2 MiB per round trip.
 * Several channels add their windows up, until the link or the CPU is the limit; on loopback,
 * where CPU is the limit from the start, extra channels only cost, so helpers are opened only
 * on long links (push-strategy.ts).
 *
 * The main channel created the temp file (O_EXCL); each helper channel opens the same temp
 * without O_CREAT and takes WRITEs in turn. One loop still reads (and hashes) the file in order
 * and hands each chunk to the lane with the fewest WRITEs in flight. Before the main channel's
 * FSTAT and CLOSE (which must see every byte), the helpers' WRITEs are awaited and their handles
 * closed: requests on different channels are not ordered with each other.
 */
import type { SftpSession } from '../../sftp';
import { settle, type Settled, unwrap } from '../../common';

/** Files at least this big spread their WRITEs over the helper channels, when there are any. */
export const SPLIT_MIN_BYTES = 8 * 1024 * 1024;

/** One channel's handle on the temp file and its WRITEs not yet answered. */
interface Lane {
  readonly session: SftpSession;
  readonly handle: Buffer;
  readonly pending: Set<Promise<Settled<void>>>;
}

export class WriteLanes {
  private readonly lanes: Lane[];
  private readonly joining: Promise<unknown>;
  private finished = false;
  /** The first WRITE that failed, on any lane. */
  private failure: Settled<void> | undefined;
  private wake: (() => void) | undefined;

  /**
   * `helpers` may still be opening: each one joins when it has opened the temp (one round trip),
   * so the first chunks go at once on the main channel. A helper that cannot open it is left out.
   */
  constructor(
    main: SftpSession,
    handle: Buffer,
    private readonly temp: string,
    private readonly perLane: number,
    helpers: Promise<readonly SftpSession[]> | undefined,
  ) {
    this.lanes = [{ session: main, handle, pending: new Set() }];
    this.joining = helpers ? helpers.then((sessions) => Promise.all(sessions.map((session) => this.join(session))), () => undefined) : Promise.resolve();
  }

  private async join(session: SftpSession): Promise<void> {
    if (this.finished || !session.alive) return;
    const handle = await session.open(this.temp, 'r+').catch(() => undefined);
    if (!handle) return;
    if (this.finished) {
      await session.close(handle, this.temp).catch(() => undefined);
      return;
    }
    this.lanes.push({ session, handle, pending: new Set() });
    this.wake?.();
  }

  private get emptiest(): Lane {
    let best = this.lanes[0] as Lane;
    for (const lane of this.lanes) if (lane.pending.size < best.pending.size) best = lane;
    return best;
  }

  /** Sends one WRITE on the lane with the fewest unanswered (ssh2 copies `data` first); `track` wraps its outcome. */
  send(data: Buffer, length: number, position: number, track: (write: Promise<void>) => Promise<Settled<void>>): void {
    const lane = this.emptiest;
    const write = track(lane.session.write(lane.handle, data, 0, length, position, this.temp));
    lane.pending.add(write);
    void write.then((outcome) => {
      lane.pending.delete(write);
      if (!outcome.ok) this.failure ??= outcome;
      this.wake?.();
    });
  }

  /** Returns once some lane has room for another WRITE; throws the first WRITE that failed. */
  async room(wait: <T>(promise: Promise<T>) => Promise<T>): Promise<void> {
    for (;;) {
      if (this.failure) unwrap(this.failure);
      if (this.emptiest.pending.size < this.perLane) return;
      await wait(new Promise<void>((resolve) => (this.wake = resolve)));
      this.wake = undefined;
    }
  }

  /**
   * Waits for every helper WRITE and closes the helpers' handles (throwing the first failure);
   * returns the main channel's WRITEs still in flight, which its later requests stay behind.
   */
  async finish(wait: <T>(promise: Promise<T>) => Promise<T>): Promise<Array<Promise<Settled<void>>>> {
    await wait(this.joining);
    this.finished = true;
    const [main, ...helpers] = this.lanes as [Lane, ...Lane[]];
    this.lanes.length = 1;
    const closing = helpers.map(async (lane) => {
      await Promise.all(lane.pending);
      unwrap(await settle(lane.session.close(lane.handle, this.temp)));
    });
    const closed = await wait(Promise.all(closing.map(settle)));
    if (this.failure) unwrap(this.failure);
    for (const done of closed) unwrap(done);
    return [...main.pending];
  }

  /** After a failure: closes the helpers' handles, best effort (the caller removes the temp). */
  async abandon(): Promise<void> {
    this.finished = true;
    const helpers = this.lanes.splice(1);
    await Promise.all(helpers.map((lane) => lane.session.close(lane.handle, this.temp).catch(() => undefined)));
  }
}
