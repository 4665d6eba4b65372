import type { CommitShape } from '../commit-source';
import { OidIds } from './oid-ids';

/**
 * Commits read ahead of the rows settled, so a child that comes a little after its parent in
 * git's walk still goes above it before either is shown. Where clock skew puts a child after its
 * parent in git/git's history (162 times), it comes at most 59 commits later; reading 2,000 ahead
 * costs ~20 ms without a commit-graph file.
 */
export const LOOKAHEAD = 2000;

/**
 * Turns git's walk (`git log` with no ordering option: newest commit date first among the commits
 * met so far, streamed from the first line) into the graph's order, as it streams.
 *
 * The walk is not always topological: where a commit is dated before its parent (a wrong clock),
 * the child can come after the parent. The graph's order is therefore the walk repaired: each
 * commit at the place it has in the walk, except that no commit goes before all its children
 * (Kahn's algorithm, the earliest in the walk first). Where the walk is topological, that is the
 * walk itself. A commit settles once LOOKAHEAD more commits are read without a child of it
 * turning up, so the first screen is laid out after ~2,500 commits instead of the whole history
 * (git's own --date-order and --graph read everything first unless a commit-graph file exists).
 *
 * No streaming order can promise more: a child dated earlier than the whole first screen can come
 * at the very end of the walk. If one comes after its parent settled, settling stops, and `end()`
 * gives the whole order again with the first row that changed.
 */
export class SettledOrder<T extends CommitShape> {
  /** The walk as read, by position. */
  private readonly read: T[] = [];
  /** The commits settled, in the graph's order. */
  private readonly settledAt: T[] = [];
  private readonly ready = new MinHeap();
  /** A child came after its parent had settled: the order settled so far is wrong from somewhere. */
  private late = false;
  // Per commit, by its id in the shared OidIds table: typed arrays instead of maps of objects,
  // since 85k commits pass through here as fast as git walks.
  /** Its position in the walk, or -1 while only named as a parent. */
  private readAt = new Int32Array(1024).fill(-1);
  /** Children read and not yet settled. */
  private waiting = new Int32Array(1024);
  private isSettled = new Uint8Array(1024);
  /** By position: the commit's id, and its parents' ids in `parentIds[parentStart[p] .. parentStart[p + 1])`. */
  private idAt = new Int32Array(1024);
  private parentStart = new Int32Array(1025);
  private parentIds = new Int32Array(2048);
  private parentCount = 0;

  constructor(
    private readonly lookahead = LOOKAHEAD,
    private readonly ids = new OidIds(),
  ) {}

  /** Reads the next commits of the walk; returns those that settled, in the graph's order. */
  push(commits: readonly T[]): T[] {
    for (const commit of commits) this.readOne(commit);
    return this.late ? [] : this.settle(this.read.length - this.lookahead);
  }

  /**
   * The walk is over. Normally the rest of the rows, in order. After a late child: the whole
   * order, and the first row in it that differs from what was settled.
   */
  end(): { rest: T[] } | { all: T[]; changedFrom: number } {
    if (!this.late) return { rest: this.settle(Infinity) };
    const all = kahnByPosition(this.read, this.ids);
    let changedFrom = 0;
    while (changedFrom < this.settledAt.length && this.settledAt[changedFrom] === all[changedFrom]) changedFrom++;
    return { all, changedFrom };
  }

  /** The id's slots exist (ids may come from the parser, given out in any order). */
  private room(id: number): number {
    if (id >= this.readAt.length) {
      const size = Math.max(id + 1, this.readAt.length * 2);
      this.readAt = grow(this.readAt, size, -1);
      this.waiting = grow(this.waiting, size);
      this.isSettled = grow(this.isSettled, size);
    }
    return id;
  }

  private readOne(commit: T): void {
    const id = this.room(commit.id ?? this.ids.idOf(commit.oid));
    if (this.readAt[id] !== -1) return; // met twice
    const at = this.read.length;
    this.read.push(commit);
    this.readAt[id] = at;
    if (at + 1 >= this.idAt.length) {
      this.idAt = grow(this.idAt, this.idAt.length * 2);
      this.parentStart = grow(this.parentStart, this.parentStart.length * 2);
    }
    this.idAt[at] = id;
    const { parents, parentIds } = commit;
    for (let k = 0; k < parents.length; k++) {
      const parentId = this.room(parentIds?.[k] ?? this.ids.idOf(parents[k] as string));
      if (this.isSettled[parentId] === 1) this.late = true;
      this.waiting[parentId] = (this.waiting[parentId] as number) + 1;
      if (this.parentCount >= this.parentIds.length) this.parentIds = grow(this.parentIds, this.parentIds.length * 2);
      this.parentIds[this.parentCount++] = parentId;
    }
    this.parentStart[at + 1] = this.parentCount;
    if (this.waiting[id] === 0) this.ready.push(at);
  }

  /** Settles, earliest in the walk first, each commit whose children are all settled and that was read before `before`. */
  private settle(before: number): T[] {
    const out: T[] = [];
    while (this.ready.size > 0 && (this.ready.peek() as number) < before) {
      const at = this.ready.pop() as number;
      const id = this.idAt[at] as number;
      // Pushed when it had no children waiting, and a child turned up since (or pushed twice).
      if (this.waiting[id] !== 0 || this.isSettled[id] === 1) continue;
      this.isSettled[id] = 1;
      const commit = this.read[at] as T;
      this.settledAt.push(commit);
      out.push(commit);
      for (let k = this.parentStart[at] as number; k < (this.parentStart[at + 1] as number); k++) {
        const parentId = this.parentIds[k] as number;
        const left = (this.waiting[parentId] as number) - 1;
        this.waiting[parentId] = left;
        const parentAt = this.readAt[parentId] as number;
        if (left === 0 && parentAt !== -1) this.ready.push(parentAt);
      }
    }
    return out;
  }
}

function grow<A extends Int32Array | Uint8Array>(array: A, size: number, fill = 0): A {
  const bigger = new (array.constructor as new (length: number) => A)(size);
  if (fill !== 0) bigger.fill(fill);
  bigger.set(array);
  return bigger;
}

/** The graph's order of a whole walk at once (what `SettledOrder` streams): Kahn's algorithm, the earliest in the walk first. */
export function kahnByPosition<T extends CommitShape>(walk: readonly T[], ids?: OidIds): T[] {
  const order = new SettledOrder<T>(0, ids);
  const settled = order.push(walk);
  const end = order.end();
  return 'rest' in end ? [...settled, ...end.rest] : end.all;
}

/** A binary min-heap of walk positions. */
class MinHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(value: number): void {
    const { items } = this;
    items.push(value);
    for (let at = items.length - 1; at > 0; ) {
      const up = (at - 1) >> 1;
      if ((items[up] as number) <= value) break;
      items[at] = items[up] as number;
      items[up] = value;
      at = up;
    }
  }

  pop(): number | undefined {
    const { items } = this;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    items[0] = last;
    for (let at = 0; ; ) {
      const left = 2 * at + 1;
      const right = left + 1;
      let best = at;
      if (left < items.length && (items[left] as number) < (items[best] as number)) best = left;
      if (right < items.length && (items[right] as number) < (items[best] as number)) best = right;
      if (best === at) break;
      [items[at], items[best]] = [items[best] as number, items[at] as number];
      at = best;
    }
    return top;
  }
}

/** A whole history read from a commit source, in the graph's order. */
export async function readInGraphOrder<T extends CommitShape>(walk: AsyncIterable<readonly T[]>): Promise<T[]> {
  const read: T[] = [];
  for await (const batch of walk) read.push(...batch);
  return kahnByPosition(read);
}
