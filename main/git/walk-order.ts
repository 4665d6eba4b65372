import type { Commit } from './commit-source';

/**
 * The order of git's own walk (`git log` with no ordering option), for isomorphic-git to give the
 * same rows as the system git: the tips sorted newest commit date first (a stable sort, so equal
 * dates keep the order they were given in), then repeatedly the newest commit met so far, whose
 * parents join the commits met (equal dates: the one met first). Where dates are skewed this can
 * put a child after its parent; `SettledOrder` (graph/settled-order.ts) repairs that for both.
 *
 * `tips` in git's order: the local branches, the remote ones (with their HEADs) and the tags, each
 * sorted by full name, then HEAD, then the stashes. `parentsOf` gives every parent git walks
 * (a stash's internal ones too: they are met and left out by the caller, as git's are).
 */
export function walkOrder(commits: ReadonlyMap<string, Commit>, tips: readonly string[], parentsOf: (commit: Commit) => readonly string[] = (commit) => commit.parents): Commit[] {
  const met = new Set<string>();
  const starts: Commit[] = [];
  for (const tip of tips) {
    const commit = commits.get(tip);
    if (commit && !met.has(tip)) {
      met.add(tip);
      starts.push(commit);
    }
  }
  const queue = new WalkQueue();
  let sequence = 0;
  // Array.prototype.sort is stable.
  for (const commit of starts.sort((a, b) => b.committer.time - a.committer.time)) queue.push(commit, sequence++);
  const walked: Commit[] = [];
  for (let commit = queue.pop(); commit !== undefined; commit = queue.pop()) {
    walked.push(commit);
    for (const parent of parentsOf(commit)) {
      const next = commits.get(parent);
      if (!next || met.has(parent)) continue;
      met.add(parent);
      queue.push(next, sequence++);
    }
  }
  return walked;
}

/** A max-heap on commit date; equal dates come out in the order they went in. */
class WalkQueue {
  private readonly items: Array<{ commit: Commit; sequence: number }> = [];

  push(commit: Commit, sequence: number): void {
    const { items } = this;
    items.push({ commit, sequence });
    for (let at = items.length - 1; at > 0; ) {
      const up = (at - 1) >> 1;
      if (!this.before(at, up)) break;
      [items[at], items[up]] = [items[up] as (typeof items)[number], items[at] as (typeof items)[number]];
      at = up;
    }
  }

  pop(): Commit | undefined {
    const { items } = this;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      for (let at = 0; ; ) {
        const left = 2 * at + 1;
        const right = left + 1;
        let best = at;
        if (left < items.length && this.before(left, best)) best = left;
        if (right < items.length && this.before(right, best)) best = right;
        if (best === at) break;
        [items[at], items[best]] = [items[best] as (typeof items)[number], items[at] as (typeof items)[number]];
        at = best;
      }
    }
    return top.commit;
  }

  private before(a: number, b: number): boolean {
    const x = this.items[a] as { commit: Commit; sequence: number };
    const y = this.items[b] as { commit: Commit; sequence: number };
    return x.commit.committer.time !== y.commit.committer.time ? x.commit.committer.time > y.commit.committer.time : x.sequence < y.sequence;
  }
}
