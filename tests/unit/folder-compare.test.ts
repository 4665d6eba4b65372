import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompareEntry } from '../../preload/api';
import { compareListings, settleWithHashes } from '../../main/diff/folder-compare';

const file = (path: string, size: number, mtimeMs: number): CompareEntry => ({ path, kind: 'file', size, mtimeMs });
const dir = (path: string): CompareEntry => ({ path, kind: 'dir', size: 0, mtimeMs: 0 });
const link = (path: string, linkTarget: string): CompareEntry => ({ path, kind: 'symlink', size: 0, mtimeMs: 0, linkTarget });

describe('folder compare (pure): the quick pass, then hashes only where needed', () => {
  const left = [dir('configs'), file('configs/a.yaml', 10, 1000), file('same.py', 5, 50_000), file('grown.py', 5, 1000), file('touched.py', 5, 1000), file('edited.py', 5, 1000), file('only-here.txt', 1, 0), link('model', 'ckpt/v1'), file('data', 3, 0)];
  const right = [dir('configs'), file('configs/a.yaml', 10, 1500), file('same.py', 5, 50_900), file('grown.py', 9, 1000), file('touched.py', 5, 90_000), file('edited.py', 5, 90_000), file('only-there.txt', 1, 0), link('model', 'ckpt/v2'), link('data', '/mnt/disk/data')];
  const quick = compareListings(left, right);
  const state = (rows: typeof quick.rows) => Object.fromEntries(rows.map((row) => [row.path, row.state]));

  it('decides on kind, size, time and link text; same size with other times waits for hashes', () => {
    assert.deepEqual(state(quick.rows), {
      configs: 'same',
      'configs/a.yaml': 'same', // within a second: a server keeps whole seconds
      'same.py': 'same',
      'grown.py': 'modified',
      'touched.py': 'modified',
      'edited.py': 'modified',
      'only-here.txt': 'new',
      'only-there.txt': 'missing',
      model: 'modified',
      data: 'type-changed',
    });
    assert.deepEqual(quick.needHash, ['edited.py', 'touched.py']);
    assert.deepEqual(quick.rows.map((row) => row.path), [...quick.rows.map((row) => row.path)].sort(), 'in path order');
  });

  it('the hashes settle them: the same content is the same file, whatever its time', () => {
    const settled = settleWithHashes(quick.rows, new Map([['touched.py', 'h1'], ['edited.py', 'h2']]), new Map([['touched.py', 'h1'], ['edited.py', 'h3']]));
    assert.equal(state(settled)['touched.py'], 'same');
    assert.equal(state(settled)['edited.py'], 'modified');
    assert.ok(settled.every((row) => !row.pending));
    assert.equal(settled.find((row) => row.path === 'touched.py')?.byContent, true);
    // A file that could not be hashed on one side is not called the same.
    assert.equal(state(settleWithHashes(quick.rows, new Map([['touched.py', 'h1']]), new Map()))['touched.py'], 'modified');
  });
});
