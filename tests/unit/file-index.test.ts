import assert from 'node:assert/strict';
import { closeSync, linkSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { indexFiles } from '../../main/workspace/file-index';
import { TempDirs, writeTree } from '../fixtures/temp-project';

describe('indexFiles', () => {
  const temp = new TempDirs();
  let root: string;
  let outside: string;

  before(async () => {
    const base = await temp.make('labdesk-index-');
    root = path.join(base, 'project');
    outside = path.join(base, 'data-disk');
    await writeTree(outside, { 'big/shard-0.bin': 'x', 'big/shard-1.bin': 'y' });
    await writeTree(root, {
      'README.md': '# project\n',
      'train.py': 'print(1)\n',
      'src/model.py': '',
      'src/utils/io.py': '',
      'configs/base.yaml': '',
      '.gitignore': '*.pyc\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/objects/ab/cdef': '',
      'node_modules/left-pad/index.js': '',
      '__pycache__/train.cpython-312.pyc': '',
      'src/__pycache__/model.cpython-312.pyc': '',
      'vendor/lib/.git/config': '',
      '.venv/bin/python': '',
      'empty-folder': { dir: true },
      // The seed habit: data folders are symlinks to a data disk; never walked into.
      data: { link: outside },
      'latest.ckpt': { link: 'data/big/shard-0.bin' },
      'Zeta.txt': '',
      'alpha.txt': '',
      // A save in flight: Labdesk's own temp file is never offered by quick open.
      'src/.model.py.labdesk-tmp-0a1b2c': '',
    });
  });
  after(() => temp.cleanup());

  it('lists project files as sorted POSIX paths, skipping tool folders and not entering symlinked folders', async () => {
    const index = await indexFiles(root);
    assert.equal(index.truncated, false);
    assert.deepEqual(index.files, [
      '.gitignore',
      'README.md',
      'Zeta.txt',
      'alpha.txt',
      'configs/base.yaml',
      // Symlinks are listed as entries (quick open can show them) but never descended into.
      'data',
      'latest.ckpt',
      'src/model.py',
      'src/utils/io.py',
      'train.py',
    ]);
    assert.deepEqual([...index.files].sort(), index.files, 'sorted');
    assert.ok(index.files.every((file) => !file.includes('\\') && !path.isAbsolute(file)));
  });

  it('reports progress with growing counts', async () => {
    const counts: number[] = [];
    await indexFiles(root, undefined, (count) => counts.push(count));
    assert.ok(counts.length > 0);
    assert.deepEqual([...counts].sort((a, b) => a - b), counts, 'non-decreasing');
  });

  it('an already aborted signal throws before walking', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(indexFiles(root, controller.signal), { name: 'AbortError' });
  });

  it('aborting during the walk throws', async () => {
    const controller = new AbortController();
    await assert.rejects(
      indexFiles(root, controller.signal, () => controller.abort()),
      { name: 'AbortError' },
    );
  });

  it('a missing root gives an empty index rather than a crash', async () => {
    assert.deepEqual(await indexFiles(path.join(root, 'no-such-folder')), { files: [], truncated: false });
  });

  describe('a generated 50,000-file tree', () => {
    let big: string;
    before(async () => {
      big = await temp.make('labdesk-index-50k-');
      const started = performance.now();
      for (let folder = 0; folder < 500; folder++) {
        const dir = path.join(big, `pkg${String(folder).padStart(3, '0')}`);
        mkdirSync(dir);
        // One empty file per folder and 99 hard links to it: each name is a directory entry the
        // walk must list, and linking is ~10x faster than allocating 50,000 inodes on ext4.
        const first = path.join(dir, 'm00.py');
        closeSync(openSync(first, 'w'));
        for (let file = 1; file < 100; file++) linkSync(first, path.join(dir, `m${String(file).padStart(2, '0')}.py`));
      }
      mkdirSync(path.join(big, '.git', 'objects'), { recursive: true });
      for (let file = 0; file < 1000; file++) linkSync(path.join(big, 'pkg000', 'm00.py'), path.join(big, '.git', 'objects', `o${file}`));
      console.log(`  created 50,000 files (+1,000 under .git) in ${(performance.now() - started).toFixed(0)} ms`);
    });

    it('indexes every file, sorted, and none from .git', async () => {
      let progressCalls = 0;
      const started = performance.now();
      const index = await indexFiles(big, undefined, () => progressCalls++);
      const elapsed = performance.now() - started;
      console.log(`  indexFiles on 50,000 files: ${elapsed.toFixed(0)} ms (${progressCalls} progress calls)`);
      assert.equal(index.truncated, false);
      assert.equal(index.files.length, 50_000);
      assert.equal(index.files[0], 'pkg000/m00.py');
      assert.equal(index.files[49_999], 'pkg499/m99.py');
      assert.equal(index.files[12_345], 'pkg123/m45.py');
      assert.ok(index.files.every((file, i) => i === 0 || index.files[i - 1]! < file), 'strictly sorted, no duplicates');
      assert.ok(index.files.every((file) => !file.startsWith('.git/')));
      assert.ok(progressCalls > 1);
    });

    it('can be cancelled part way', async () => {
      const controller = new AbortController();
      let seen = 0;
      await assert.rejects(
        indexFiles(big, controller.signal, (count) => {
          seen = count;
          if (count >= 5_000) controller.abort();
        }),
        { name: 'AbortError' },
      );
      assert.ok(seen >= 5_000 && seen < 50_000, `stopped part way (at ${seen})`);
    });
  });
});
