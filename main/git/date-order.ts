import type { Commit } from './commit-source';

/**
 * Orders commits as `git log --date-order` does: no commit before all of its children, and
 * among the commits whose children are all shown, the newest commit date first (ties: the one
 * that became ready first). Iterative (Kahn's algorithm with a heap): a recursive walk would
 * overflow the stack on a long history.
 */
/** `tips`: every commit with no child in `commits` must be among them (the walk that found the commits started there). */
export function dateOrder(commits: ReadonlyMap<string, Commit>, tips: readonly string[]): Commit[] {
  const children = new Map<string, number>();
  for (const commit of commits.values()) for (const parent of commit.parents) if (commits.has(parent)) children.set(parent, (children.get(parent) ?? 0) + 1);
  const ready = new ReadyHeap();
  let sequence = 0;
  const seen = new Set<string>();
  for (const tip of tips) {
    const commit = commits.get(tip);
    if (commit && !seen.has(tip) && !children.has(tip)) {
      seen.add(tip);
      ready.push(commit, sequence++);
    }
  }
  const ordered: Commit[] = [];
  for (let commit = ready.pop(); commit !== undefined; commit = ready.pop()) {
    ordered.push(commit);
    for (const parent of commit.parents) {
      const left = (children.get(parent) ?? 0) - 1;
      children.set(parent, left);
      const next = commits.get(parent);
      if (left === 0 && next) ready.push(next, sequence++);
    }
  }
  return ordered;
}

/** A max-heap on commit date; equal dates come out in the order they went in. */
class ReadyHeap {
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
