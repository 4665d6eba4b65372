import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { listAllOnMainThread, listLocalDirs, type Listing } from '../../main/sync/local/local-listing';
import { TempDirs, writeTree } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

/** Entries by name, so the two listings compare regardless of readdir order. */
function byName(listing: Listing | undefined): Record<string, unknown> {
  assert.ok(listing?.entries, `expected entries, got ${JSON.stringify(listing)}`);
  return Object.fromEntries(listing.entries.map((entry) => [entry.name, entry]));
}

describe('listLocalDirs (on the fs thread)', () => {
  const temp = new TempDirs();
  let root: string;

  before(async () => {
    root = await temp.make('labdesk-list-');
    await writeTree(root, { 'a.py': 'print(1)\n', 'sub/b.txt': 'bb', 'été 🚀.md': '' });
    await symlink('sub/b.txt', path.join(root, 'link'));
    await symlink('missing-target', path.join(root, 'dangling'));
    await execFileAsync('mkfifo', [path.join(root, 'pipe')]);
    await utimes(path.join(root, 'a.py'), 1_700_000_000, 1_700_000_000);
  });
  after(() => temp.cleanup());

  it('gives each entry its kind, size, mtime, mode and link target', async () => {
    const [listing] = await listLocalDirs([root], path.sep);
    const entries = byName(listing);
    assert.deepEqual(Object.keys(entries).sort(), ['a.py', 'dangling', 'link', 'pipe', 'sub', 'été 🚀.md']);
    assert.deepEqual(entries['a.py'], { name: 'a.py', direntIsDir: false, kind: 'file', size: 9, mtimeMs: 1_700_000_000_000, mode: (entries['a.py'] as { mode: number }).mode });
    assert.equal(((entries['a.py'] as { mode: number }).mode & 0o170000), 0o100000);
    assert.equal((entries.sub as { kind: string; direntIsDir: boolean }).kind, 'dir');
    assert.equal((entries.sub as { direntIsDir: boolean }).direntIsDir, true);
    assert.equal((entries.link as { linkTarget: string }).linkTarget, 'sub/b.txt');
    assert.equal((entries.dangling as { linkTarget: string }).linkTarget, 'missing-target');
    assert.equal((entries.pipe as { kind: string }).kind, 'fifo');
  });

  it('answers a batch in order, with a folder that cannot be read as an error, not a rejection', async () => {
    const listings = await listLocalDirs([path.join(root, 'sub'), path.join(root, 'nope'), path.join(root, 'a.py')], path.sep);
    assert.deepEqual(Object.keys(byName(listings[0])), ['b.txt']);
    assert.equal(listings[1]?.error?.code, 'ENOENT');
    assert.match(listings[1]?.error?.message ?? '', /nope/);
    assert.equal(listings[2]?.error?.code, 'ENOTDIR');
  });

  it('lists exactly what the main-thread fallback lists', async () => {
    const dirs = [root, path.join(root, 'sub'), path.join(root, 'nope')];
    const [viaThread, viaMain] = await Promise.all([listLocalDirs(dirs, path.sep), listAllOnMainThread(dirs, path.sep)]);
    assert.deepEqual(byName(viaThread[0]), byName(viaMain[0]));
    assert.deepEqual(byName(viaThread[1]), byName(viaMain[1]));
    assert.deepEqual(viaThread[2], viaMain[2]);
  });

  it('does not keep the process alive once idle', async () => {
    // Listing then exiting: a child process that would hang if the worker stayed referenced.
    const script = `import { listLocalDirs } from ${JSON.stringify(path.resolve('main/sync/local/local-listing.ts'))};
      const [listing] = await listLocalDirs([${JSON.stringify(root)}], '/');
      console.log(listing.entries.length);`;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    assert.equal(stdout.trim(), '6');
  });
});
