import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CompareEntry, CompareRow } from '../../preload/api';
import { planCopy } from '../../renderer/src/git/copy-items';

const file = (path: string, size = 1): CompareEntry => ({ path, kind: 'file', size, mtimeMs: 1 });
const dir = (path: string): CompareEntry => ({ path, kind: 'dir', size: 0, mtimeMs: 1 });
const link = (path: string): CompareEntry => ({ path, kind: 'symlink', size: 0, mtimeMs: 1, linkTarget: '/disk' });

const rows: CompareRow[] = [
  { path: 'configs', state: 'same', left: dir('configs'), right: dir('configs') },
  { path: 'configs/a.yaml', state: 'modified', left: file('configs/a.yaml', 2), right: file('configs/a.yaml', 3) },
  { path: 'configs/b.yaml', state: 'same', left: file('configs/b.yaml'), right: file('configs/b.yaml') },
  { path: 'configs/new', state: 'new', left: dir('configs/new') },
  { path: 'configs/new/c.yaml', state: 'new', left: file('configs/new/c.yaml') },
  { path: 'data', state: 'missing', right: link('data') },
  { path: 'notes.txt', state: 'missing', right: file('notes.txt') },
  { path: 'same', state: 'same', left: dir('same'), right: dir('same') },
];
const row = (path: string) => rows.find((candidate) => candidate.path === path) as CompareRow;
const paths = (plan: ReturnType<typeof planCopy>) => plan?.items.map((item) => item.path);

describe('planCopy: what a folder compare row copies', () => {
  it('a modified file: itself, replacing one', () => {
    assert.deepEqual(planCopy(rows, row('configs/a.yaml'), 'left-to-right'), { items: [{ path: 'configs/a.yaml', left: file('configs/a.yaml', 2), right: file('configs/a.yaml', 3) }], replacing: 1 });
  });
  it('a folder that is the same on both sides: only what differs under it', () => {
    assert.deepEqual(paths(planCopy(rows, row('configs'), 'left-to-right')), ['configs/a.yaml', 'configs/new', 'configs/new/c.yaml']);
    assert.equal(planCopy(rows, row('configs'), 'left-to-right')?.replacing, 1);
  });
  it('a new folder: itself and its files, replacing nothing', () => {
    assert.deepEqual(planCopy(rows, row('configs/new'), 'left-to-right'), { items: [{ path: 'configs/new', left: dir('configs/new') }, { path: 'configs/new/c.yaml', left: file('configs/new/c.yaml') }], replacing: 0 });
  });
  it('nothing to copy: a missing source, a link, a folder with nothing different', () => {
    assert.equal(planCopy(rows, row('notes.txt'), 'left-to-right'), null, 'copying never deletes');
    assert.equal(planCopy(rows, row('data'), 'right-to-left'), null, 'links are left alone');
    assert.equal(planCopy(rows, row('same'), 'left-to-right'), null);
    assert.deepEqual(paths(planCopy(rows, row('notes.txt'), 'right-to-left')), ['notes.txt']);
  });
});
