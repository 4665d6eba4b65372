/**
 * Saving when the disk is full or read-only: the error names the file, the original content is
 * intact and no temp file is left behind. Uses real small tmpfs mounts when running as root (CI).
 * Where mounts are refused (a container without CAP_SYS_ADMIN, or not root), the folder that may
 * not be written is made with lockFolder: chmod 0555, or as root, who ignores modes, chattr +i.
 * The full disk needs a mount and is skipped with the reason without one.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { Workspace } from '../../main/workspace/workspace';
import { lockFolder } from '../fixtures/lock-folder';
import { TempDirs, findTempFiles, isRoot, remountReadOnly, tryMountTmpfs, unmount, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();
const mounted: string[] = [];
const undo: (() => void)[] = [];

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
  for (const step of undo.reverse()) step();
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

type Unwritable = 'read-only mount' | 'chmod 0555' | 'chattr +i';

/** `tree` in a folder that may not be written: on a read-only tmpfs if mounts work, else locked with lockFolder. */
async function unwritableProject(tree: Record<string, string>): Promise<{ root: string; kind: Unwritable } | { skip: string }> {
  let mountProblem = probe;
  if (mountProblem === null) {
    const disk = await tmpfs('1m');
    if ('reason' in disk) throw new Error(disk.reason);
    const root = path.join(disk.dir, 'project');
    await writeTree(root, tree);
    mountProblem = remountReadOnly(disk.dir);
    if (mountProblem === null) return { root, kind: 'read-only mount' };
  }
  const root = path.join(await temp.make('labdesk-faults-'), 'project');
  await writeTree(root, tree);
  const reason = lockFolder(root, undo);
  if (reason) return { skip: `no read-only mount (${mountProblem}) and the folder could not be locked (${reason})` };
  return { root, kind: isRoot ? 'chattr +i' : 'chmod 0555' };
}

describe('saving where writing is not allowed', () => {
  it('reports permission-denied naming the file; nothing on disk changes', async (t) => {
    const made = await unwritableProject({ 'notes.md': 'original\n', 'dir/a.txt': 'a' });
    if ('skip' in made) {
      t.skip(made.skip);
      return;
    }
    const { root, kind } = made;
    t.diagnostic(`using a ${kind}`);
    const workspace = await Workspace.open(root, noTrash);
    // The kernel's answer differs by mechanism (EROFS, EACCES, EPERM for an immutable folder);
    // each must become permission-denied with its own words.
    const denied = { 'read-only mount': 'the disk is read-only', 'chmod 0555': 'permission denied', 'chattr +i': 'operation not permitted' }[kind];

    await assertApiError(workspace.write('notes.md', 'edited\n'), 'permission-denied', `Could not save notes.md: ${denied}.`);
    await assertApiError(workspace.write('new.md', 'x'), 'permission-denied', 'new.md');
    await assertApiError(workspace.createFile('other.md'), 'permission-denied', 'other.md');
    await assertApiError(workspace.createFolder('newdir'), 'permission-denied', 'newdir');
    await assertApiError(workspace.rename('notes.md', 'renamed.md'), 'permission-denied', 'notes.md');

    assert.equal(await readFile(path.join(root, 'notes.md'), 'utf8'), 'original\n');
    assert.deepEqual((await readdir(root)).sort(), ['dir', 'notes.md']);
    assert.deepEqual(await findTempFiles(root), []);
    // Reading still works where writing is refused.
    const content = await workspace.read('notes.md');
    assert.equal(content.kind === 'text' && content.text, 'original\n');
  });
});
