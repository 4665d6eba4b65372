import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kahnByPosition, SettledOrder } from '../../main/git/graph/settled-order';

interface Shape {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly kind: 'commit';
}

/** `a>b,c` is commit a with parents b and c; the list is the walk. */
function walk(spec: string): Shape[] {
  return spec.split(' ').map((item) => {
    const [oid = '', parents = ''] = item.split('>');
    return { oid, parents: parents === '' ? [] : parents.split(','), kind: 'commit' };
  });
}

const oids = (commits: readonly Shape[]) => commits.map((commit) => commit.oid).join(' ');

/** Streams the walk in batches of `batch` and collects what settles. */
function stream(commits: readonly Shape[], lookahead: number, batch = 1): { settledBeforeEnd: Shape[]; end: ReturnType<SettledOrder<Shape>['end']> } {
  const order = new SettledOrder<Shape>(lookahead);
  const settledBeforeEnd: Shape[] = [];
  for (let at = 0; at < commits.length; at += batch) settledBeforeEnd.push(...order.push(commits.slice(at, at + batch)));
  return { settledBeforeEnd, end: order.end() };
}

function assertTopological(commits: readonly Shape[]): void {
  const row = new Map(commits.map((commit, index) => [commit.oid, index]));
  assert.equal(row.size, commits.length, 'each commit once');
  for (const [index, commit] of commits.entries()) for (const parent of commit.parents) if (row.has(parent)) assert.ok((row.get(parent) as number) > index, `${parent} is below its child ${commit.oid}`);
}

describe('SettledOrder: git\'s walk made topological as it streams', () => {
  const cases: Array<{ name: string; walk: string; order: string }> = [
    { name: 'a topological walk is kept as it is', walk: 'm>a,b a>r b>r r', order: 'm a b r' },
    { name: 'a child after its parent goes above it', walk: 'a>r r b>r', order: 'a b r' },
    { name: 'a late child moves its parent and the parent\'s ancestors down, the rest keeps its place', walk: 'x>p p>q y q z>p', order: 'x y z p q' },
    { name: 'a late child of a late child', walk: 'a>r r c>b b>r', order: 'a c b r' },
    { name: 'parents outside the history (a shallow boundary) are ignored', walk: 'a>b b>gone', order: 'a b' },
    { name: 'an oid met twice counts once', walk: 'a>b b a>b', order: 'a b' },
  ];
  for (const { name, walk: spec, order } of cases) {
    it(name, () => {
      assert.equal(oids(kahnByPosition(walk(spec))), order);
      const { settledBeforeEnd, end } = stream(walk(spec), 10);
      assert.deepEqual(settledBeforeEnd, [], 'nothing settles until the look-ahead is read (or the walk ends)');
      assert.ok('rest' in end);
      assert.equal(oids(end.rest), order);
    });
  }

  it('settles a commit once the look-ahead is read past it, in batches of any size', () => {
    const commits = walk('a>b b>c c>d d>e e>f f');
    for (const batch of [1, 2, 4, 6]) {
      const { settledBeforeEnd, end } = stream(commits, 2, batch);
      assert.ok('rest' in end);
      assert.equal(oids([...settledBeforeEnd, ...end.rest]), 'a b c d e f', `batch ${batch}`);
    }
    const order = new SettledOrder<Shape>(2);
    assert.equal(oids(order.push(commits.slice(0, 3))), 'a', 'a settles once two more are read');
    assert.equal(oids(order.push(commits.slice(3, 4))), 'b');
  });

  it('a child that comes after its parent settled stops settling; the end gives the whole order and the first row that changed', () => {
    // b (dated before r) comes after r had settled.
    const order = new SettledOrder<Shape>(1);
    const settled = walk('a>r r x>y y z>r').flatMap((commit) => order.push([commit]));
    assert.equal(oids(settled), 'a r x');
    assert.deepEqual(order.push(walk('w')), [], 'nothing more settles once the order is known to be wrong');
    const end = order.end();
    assert.ok('all' in end);
    assert.equal(oids(end.all), 'a x y z r w');
    assert.equal(end.changedFrom, 1, 'row 0 (a) stays; r was at row 1');
    assertTopological(end.all);
  });

  it('random histories with skewed walks: every commit once, children first, and streaming settles the same order as the whole', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      // A DAG in topological order (children first), then a walk that swaps neighbours now and then, as skew does.
      const size = 5 + Math.floor(random() * 60);
      const dag: Shape[] = [];
      for (let n = 0; n < size; n++) {
        const later = size - n - 1;
        const parents = later === 0 ? [] : [...new Set(Array.from({ length: random() < 0.2 ? 2 : 1 }, () => `c${n + 1 + Math.floor(random() * Math.min(later, 8))}`))];
        dag.push({ oid: `c${n}`, parents, kind: 'commit' });
      }
      const skewed = [...dag];
      for (let at = 0; at + 1 < skewed.length; at++) if (random() < 0.15) [skewed[at], skewed[at + 1]] = [skewed[at + 1] as Shape, skewed[at] as Shape];
      const whole = kahnByPosition(skewed);
      assertTopological(whole);
      assert.equal(whole.length, size);
      for (const lookahead of [0, 1, 3, 100]) {
        const { settledBeforeEnd, end } = stream(skewed, lookahead, 1 + (round % 5));
        const streamed = 'rest' in end ? [...settledBeforeEnd, ...end.rest] : end.all;
        assert.deepEqual(oids(streamed), oids(whole), `round ${round}, look-ahead ${lookahead}`);
        if ('all' in end) assert.deepEqual(oids(settledBeforeEnd.slice(0, end.changedFrom)), oids(whole.slice(0, end.changedFrom)), 'rows above changedFrom are as settled');
      }
    }
  });
});
