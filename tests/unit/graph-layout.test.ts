import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphLayout, NODE } from '../../main/git/graph/graph-layout';
import { graphLines } from '../../main/git/graph/graph-text';
import { assertLayoutValid } from '../fixtures/graph-invariants';

type C = { oid: string; parents: string[] };
/** `"m:a b"` → commit m with parents a and b; rows top to bottom. */
const history = (...rows: string[]): C[] =>
  rows.map((row) => {
    const [oid = '', parents = ''] = row.split(':');
    return { oid, parents: parents.split(' ').filter(Boolean) };
  });

function lay(commits: C[]): GraphLayout {
  const layout = new GraphLayout();
  layout.add(commits);
  assertLayoutValid(layout, commits);
  return layout;
}

const lanes = (layout: GraphLayout) => Array.from({ length: layout.rows }, (_, index) => layout.row(index).lane);
const text = (layout: GraphLayout) =>
  Array.from({ length: layout.rows }, (_, index) => {
    const lines = graphLines(layout.row(index));
    return [lines.above, `${lines.node} ${layout.oidAt(index)}`, lines.below].filter((line) => line !== null).join('\n');
  }).join('\n');

describe('graph layout (pure)', () => {
  it('lays out a straight history in one lane with one colour', () => {
    const layout = lay(history('c:b', 'b:a', 'a:'));
    assert.deepEqual(lanes(layout), [0, 0, 0]);
    assert.deepEqual(new Set(Array.from({ length: 3 }, (_, i) => layout.row(i).color)).size, 1);
    assert.equal(layout.width, 1);
  });

  it('a merge opens a lane for its second parent, which ends where that parent is', () => {
    const layout = lay(history('m:b f', 'f:a', 'b:a', 'a:'));
    assert.deepEqual(lanes(layout), [0, 1, 0, 0]);
    // f's lane waits for a; so does b's first parent: f's lane moves into b's, the main line keeps column 0.
    assert.deepEqual(layout.row(2).edges.find((edge) => edge.from === 1), { from: 1, to: 0, color: layout.row(1).color });
    assert.notEqual(layout.row(1).color, layout.row(0).color, 'the merged branch has its own colour');
  });

  it('draws like git log --graph --oneline', () => {
    const layout = lay(history('m:b f', 'f:a', 'b:a', 'a:'));
    assert.equal(text(layout), ['* m', '|\\', '| * f', '* | b', '|/', '* a'].join('\n'));
  });

  it('an octopus merge opens a lane per extra parent, each with its own colour', () => {
    const layout = lay(history('o:m a b c', 'c:m', 'b:m', 'a:m', 'm:'));
    assert.deepEqual(lanes(layout), [0, 3, 2, 1, 0]);
    const colours = new Set(layout.row(0).edges.filter((edge) => edge.from === NODE).map((edge) => edge.color));
    assert.equal(colours.size, 4);
    assert.equal(layout.width, 4);
  });

  it('two branch tips on one parent: the second tip takes a free column and joins the first lane', () => {
    const layout = lay(history('x:p', 'y:p', 'p:'));
    assert.deepEqual(lanes(layout), [0, 1, 0]);
    assert.deepEqual(layout.row(1).edges.filter((edge) => edge.from === NODE).map((edge) => edge.to), [0]);
  });

  it('unrelated roots (an orphan branch) each end their lane; a freed column is reused', () => {
    const layout = lay(history('a2:a1', 'b2:b1', 'a1:', 'b1:', 'c1:'));
    assert.deepEqual(lanes(layout), [0, 1, 0, 1, 0]);
    assert.equal(layout.width, 2);
  });

  it('a parent that never arrives (a shallow boundary or a limit) keeps its lane to the bottom', () => {
    const layout = new GraphLayout();
    layout.add(history('b:a'));
    assert.deepEqual(layout.row(0).edges, [{ from: NODE, to: 0, color: layout.row(0).color }]);
  });

  it('rows laid out from a first batch are the same rows after the rest arrives', () => {
    const commits = history('m:b f', 'g:f', 'f:a', 'b:a', 'a:');
    const whole = lay(commits);
    const streamed = new GraphLayout();
    streamed.add(commits.slice(0, 2));
    const first = [streamed.row(0), streamed.row(1)];
    streamed.add(commits.slice(2));
    assert.deepEqual(first, [whole.row(0), whole.row(1)]);
    assert.deepEqual([streamed.row(0), streamed.row(1)], first);
  });

  it('a commit given twice is laid out once', () => {
    const layout = new GraphLayout();
    layout.add(history('b:a', 'b:a', 'a:'));
    assert.equal(layout.rows, 2);
  });

  it('stays valid on a wide random history', () => {
    // Commits in an order where children come first: each picks parents among older ones.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const count = 2000;
    const commits: C[] = [];
    for (let n = count - 1; n >= 0; n--) {
      const parents = new Set<string>();
      if (n > 0) {
        parents.add(`c${Math.floor(random() * n)}`);
        if (random() < 0.2) parents.add(`c${Math.floor(random() * n)}`);
      }
      commits.push({ oid: `c${n}`, parents: [...parents] });
    }
    const layout = lay(commits);
    assert.ok(layout.width >= 2);
  });
});
