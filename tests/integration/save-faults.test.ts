/**
 * Saving when the disk is full or read-only: the error names the file, the original content is
 * intact and no temp file is left behind. Uses real small tmpfs mounts when running as root (CI),
 * chmod when not root, and skips with the reason when neither works.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { Workspace } from '../../main/workspace/workspace';
import { TempDirs, findTempFiles, isRoot, remountReadOnly, tryMountTmpfs, unmount, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();
const mounted: string[] = [];
const chmodded: string[] = [];

const noTrash = async () => {
  throw new Error('delete is not used in these tests');
};

async function assertApiError(promise: Promise<unknown>, code: string, messageIncludes: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.ok(error.message.includes(messageIncludes), `"${error.message}" mentions "${messageIncludes}"`);
    return true;
  });
}

/** A mounted tmpfs folder, or the reason there is none. */
async function tmpfs(size: string): Promise<{ dir: string } | { reason: string }> {
  const dir = path.join(await temp.make('labdesk-faults-'), 'disk');
  await mkdir(dir);
  const reason = tryMountTmpfs(dir, size);
  if (reason) return { reason };
  mounted.push(dir);
  return { dir };
}

let probe: string | null = null;
before(async () => {
  const result = await tmpfs('64k');
  probe = 'reason' in result ? result.reason : null;
  console.log(probe === null ? '  tmpfs mounts work here: disk-full and read-only tests use real mounts' : `  tmpfs mounts unavailable: ${probe}`);
});

after(async () => {
  for (const dir of chmodded) await chmod(dir, 0o755).catch(() => undefined);
  for (const dir of mounted.reverse()) unmount(dir);
  await temp.cleanup();
});

describe('saving on a full disk', () => {
  it('reports disk-full naming the file; the original is intact and no temp file is left', async (t) => {
    if (probe !== null) {
      t.skip(`cannot make a full disk without a tmpfs mount (${probe})`);
      return;
    }
    const disk = await tmpfs('256k');
    if ('reason' in disk) throw new Error(disk.reason);
    const root = path.join(disk.dir, 'project');
    await writeTree(root, { 'notes.md': 'original notes\n', 'src/train.py': 'print("hi")\n' });
    const workspace = await Workspace.open(root, noTrash);
    const big = 'x'.repeat(512 * 1024);

    await assertApiError(workspace.write('notes.md', big), 'disk-full', 'Could not save notes.md: the disk is full.');
    assert.equal(await readFile(path.join(root, 'notes.md'), 'utf8'), 'original notes\n');
    assert.deepEqual(await findTempFiles(root), []);

    // With expectedMtimeMs (the editor's normal save) the outcome is the same.
    const opened = await workspace.read('src/train.py');
    await assertApiError(workspace.write('src/train.py', big, opened.mtimeMs), 'disk-full', 'src/train.py');
    assert.equal(await readFile(path.join(root, 'src', 'train.py'), 'utf8'), 'print("hi")\n');

    // A new file that does not fit is not created at all (not even empty).
    await assertApiError(workspace.write('src/new.py', big), 'disk-full', 'src/new.py');
    assert.deepEqual((await readdir(path.join(root, 'src'))).sort(), ['train.py']);
    assert.deepEqual(await findTempFiles(root), []);

    // The failed saves freed their space: a save that fits still works afterwards.
    const result = await workspace.write('notes.md', 'smaller edit\n', (await workspace.read('notes.md')).mtimeMs);
    assert.equal(result.size, 13);
    assert.equal(await readFile(path.join(root, 'notes.md'), 'utf8'), 'smaller edit\n');
  });
});

describe('saving where writing is not allowed', () => {
  it('reports permission-denied naming the file; nothing on disk changes', async (t) => {
    let root: string;
    let kind: 'read-only mount' | 'chmod 0555';
    if (probe === null) {
      const disk = await tmpfs('1m');
      if ('reason' in disk) throw new Error(disk.reason);
      root = path.join(disk.dir, 'project');
      await writeTree(root, { 'notes.md': 'original\n', 'dir/a.txt': 'a' });
      const reason = remountReadOnly(disk.dir);
      if (reason) {
        t.skip(`cannot make a read-only disk: ${reason}`);
        return;
      }
      kind = 'read-only mount';
    } else if (!isRoot) {
      root = path.join(await temp.make('labdesk-faults-'), 'project');
      await writeTree(root, { 'notes.md': 'original\n', 'dir/a.txt': 'a' });
      await chmod(root, 0o555);
      chmodded.push(root);
      kind = 'chmod 0555';
    } else {
      t.skip(`running as root (chmod is ignored) and tmpfs mounts are not allowed (${probe})`);
      return;
    }
    t.diagnostic(`using a ${kind}`);
    const workspace = await Workspace.open(root, noTrash);
    const denied = kind === 'read-only mount' ? 'the disk is read-only' : 'permission denied';

    await assertApiError(workspace.write('notes.md', 'edited\n'), 'permission-denied', `Could not save notes.md: ${denied}.`);
    await assertApiError(workspace.write('new.md', 'x'), 'permission-denied', 'new.md');
    await assertApiError(workspace.createFile('other.md'), 'permission-denied', 'other.md');
    await assertApiError(workspace.createFolder('newdir'), 'permission-denied', 'newdir');
    await assertApiError(workspace.rename('notes.md', 'renamed.md'), 'permission-denied', 'notes.md');

    assert.equal(await readFile(path.join(root, 'notes.md'), 'utf8'), 'original\n');
    assert.deepEqual((await readdir(root)).sort(), ['dir', 'notes.md']);
    assert.deepEqual(await findTempFiles(root), []);
    // Reading still works on a read-only disk.
    const content = await workspace.read('notes.md');
    assert.equal(content.kind === 'text' && content.text, 'original\n');
  });
});
