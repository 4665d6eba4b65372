import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompareRow, CopyAcrossReport, FolderCompareResult, SyncPlanSummary } from '../../preload/api';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';

/**
 * Folder compare through the dispatch table: two folders of the project, and the project against
 * its copy on a real sshd, with the sync ignore rules, and a `data/` link on the server to another
 * disk that is compared as a link and never entered.
 */
describe('folder compare, here and against the server', () => {
  let fixture: SyncSession;
  const { call, failure } = sessionHelpers(() => fixture.session);
  const states = (result: FolderCompareResult) => Object.fromEntries(result.rows.map((row) => [row.path, row.state]));

  before(async () => {
    fixture = await startSyncSession({
      prefix: 'labdesk-folder-compare-',
      files: {
        'train.py': 'print("train")\n',
        'configs/base.yaml': 'lr: 0.1\n',
        'configs/big.yaml': 'lr: 0.2\n',
        'old/train.py': 'print("old")\n',
        'old/configs/base.yaml': 'lr: 0.1\n',
        '.gitignore': 'output/\n.labdesk/state/\n',
        'output/run.log': 'ignored\n',
      },
    });
  });
  after(() => fixture.close());

  it('compares two folders of the project', async () => {
    // Same size and content, another time: decided by content.
    await utimes(path.join(fixture.local, 'old/configs/base.yaml'), new Date(), new Date(Date.now() - 3600_000));
    const result = await call<FolderCompareResult>('diff.compareFolders', { path: 'configs', with: { kind: 'local', path: 'old/configs' } });
    assert.deepEqual(states(result), { 'base.yaml': 'same', 'big.yaml': 'new' });
    assert.equal(result.rows.find((row) => row.path === 'base.yaml')?.byContent, true);
    assert.equal(result.hashed, 1);
    assert.equal((await failure('diff.compareFolders', { path: '../x', with: { kind: 'local', path: 'old' } })).code, 'outside-workspace');
    assert.equal((await failure('diff.compareFolders', { path: 'train.py', with: { kind: 'local', path: 'old' } })).code, 'not-a-directory');
  });

  it('compares the project with the server: new, missing, modified by content, a data link left alone, ignored files left out', async () => {
    assert.equal((await failure('diff.compareFolders', { path: '', with: { kind: 'server' } })).code, 'not-connected');
    await call('sync.saveTarget', targetOn(fixture.server, 'lab', fixture.remote));
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
    // On the server: an edit of the same size, a new file, and data/ linking to another disk.
    await writeFile(path.join(fixture.remote, 'configs/base.yaml'), 'lr: 0.9\n');
    await utimes(path.join(fixture.remote, 'configs/base.yaml'), new Date(), new Date(Date.now() + 60_000));
    await writeFile(path.join(fixture.remote, 'notes.txt'), 'server only\n');
    const disk = path.join(fixture.home, 'disk');
    await mkdir(path.join(disk, 'imagenet'), { recursive: true });
    await writeFile(path.join(disk, 'imagenet', 'x.jpg'), 'jpg');
    await symlink(disk, path.join(fixture.remote, 'data'));
    await writeFile(path.join(fixture.local, 'local-only.py'), 'x\n');

    const result = await call<FolderCompareResult>('diff.compareFolders', { path: '', with: { kind: 'server' } });
    const seen = states(result);
    assert.equal(seen['train.py'], 'same');
    assert.equal(seen['configs/base.yaml'], 'modified');
    assert.equal(result.rows.find((row) => row.path === 'configs/base.yaml')?.byContent, true);
    assert.equal(seen['notes.txt'], 'missing');
    assert.equal(seen['local-only.py'], 'new');
    assert.equal(seen.data, 'missing');
    assert.equal(result.rows.find((row) => row.path === 'data')?.right?.kind, 'symlink');
    assert.ok(!Object.keys(seen).some((p) => p.startsWith('data/')), 'the link to the data disk is not entered');
    assert.ok(!Object.keys(seen).some((p) => p.startsWith('output')), 'ignored files are left out');
    assert.match(result.right, /^lab:/);
  });

  const item = (result: FolderCompareResult, rowPath: string) => {
    const row = result.rows.find((candidate) => candidate.path === rowPath) as CompareRow;
    return { path: row.path, ...(row.left && { left: row.left }), ...(row.right && { right: row.right }) };
  };
  const noTemps = async (dir: string) => assert.deepEqual((await readdir(dir, { recursive: true })).filter((name) => name.includes('labdesk-tmp')), [], `no temp file left in ${dir}`);

  it('copies between two folders of the project: a new file, a folder, a modified file; a change made since the compare is not overwritten', async () => {
    await writeFile(path.join(fixture.local, 'configs/big.yaml'), 'lr: 0.25\n');
    await mkdir(path.join(fixture.local, 'configs/sweep'), { recursive: true });
    await writeFile(path.join(fixture.local, 'configs/sweep/a.yaml'), 'lr: 1\n');
    await writeFile(path.join(fixture.local, 'old/configs/base.yaml'), 'lr: 0.3\n');
    let result = await call<FolderCompareResult>('diff.compareFolders', { path: 'configs', with: { kind: 'local', path: 'old/configs' } });
    const report = await call<CopyAcrossReport>('diff.copyAcross', {
      path: 'configs',
      with: { kind: 'local', path: 'old/configs' },
      direction: 'left-to-right',
      items: ['big.yaml', 'sweep', 'sweep/a.yaml', 'base.yaml'].map((p) => item(result, p)),
    });
    assert.deepEqual({ files: report.files, folders: report.folders, skipped: report.skipped }, { files: 3, folders: 1, skipped: [] });
    assert.equal(await readFile(path.join(fixture.local, 'old/configs/base.yaml'), 'utf8'), 'lr: 0.1\n');
    result = await call<FolderCompareResult>('diff.compareFolders', { path: 'configs', with: { kind: 'local', path: 'old/configs' } });
    assert.ok(result.rows.every((row) => row.state === 'same'), 'the copies have the size and time of their source: the same at once');
    await noTemps(path.join(fixture.local, 'old'));

    // Both sides edited after the compare: the copy leaves the edit alone and says why.
    await writeFile(path.join(fixture.local, 'configs/base.yaml'), 'lr: 0.4\n');
    result = await call<FolderCompareResult>('diff.compareFolders', { path: 'configs', with: { kind: 'local', path: 'old/configs' } });
    await writeFile(path.join(fixture.local, 'old/configs/base.yaml'), 'lr: 0.5 edited meanwhile\n');
    const refused = await call<CopyAcrossReport>('diff.copyAcross', { path: 'configs', with: { kind: 'local', path: 'old/configs' }, direction: 'left-to-right', items: [item(result, 'base.yaml')] });
    assert.equal(refused.files, 0);
    assert.match(refused.skipped[0]?.message ?? '', /base\.yaml changed in old\/configs since the compare, so it was not overwritten/);
    assert.equal(await readFile(path.join(fixture.local, 'old/configs/base.yaml'), 'utf8'), 'lr: 0.5 edited meanwhile\n');
    assert.equal((await failure('diff.copyAcross', { path: 'configs', with: { kind: 'local', path: 'old/configs' }, direction: 'left-to-right', items: [{ path: '../train.py' }] })).code, 'outside-workspace');
  });

  it('copies to and from the server with sync\'s rules: atomic, recorded as in sync, never into the data link, never deleting', async () => {
    // From the test before: configs/base.yaml modified on the server, notes.txt only there, local-only.py only here, data a link there.
    let result = await call<FolderCompareResult>('diff.compareFolders', { path: '', with: { kind: 'server' } });
    await writeFile(path.join(fixture.local, 'data-here.txt'), 'x\n');
    const up = await call<CopyAcrossReport>('diff.copyAcross', { path: '', with: { kind: 'server' }, direction: 'left-to-right', items: [item(result, 'local-only.py'), item(result, 'notes.txt'), item(result, 'data')] });
    assert.equal(up.files, 1);
    assert.equal(await readFile(path.join(fixture.remote, 'local-only.py'), 'utf8'), 'x\n');
    assert.deepEqual(
      up.skipped.map((skip) => skip.path),
      ['data', 'notes.txt'],
    );
    assert.match(up.skipped[1]?.message ?? '', /nothing to copy \(copying never deletes it/);
    assert.ok((await lstat(path.join(fixture.remote, 'notes.txt'))).isFile(), 'nothing deleted on the server');
    assert.ok((await lstat(path.join(fixture.remote, 'data'))).isSymbolicLink(), 'the data link is left as it is');

    const down = await call<CopyAcrossReport>('diff.copyAcross', { path: '', with: { kind: 'server' }, direction: 'right-to-left', items: [item(result, 'configs/base.yaml'), item(result, 'notes.txt')] });
    assert.deepEqual({ files: down.files, skipped: down.skipped }, { files: 2, skipped: [] });
    assert.equal(await readFile(path.join(fixture.local, 'configs/base.yaml'), 'utf8'), 'lr: 0.9\n');
    assert.equal(await readFile(path.join(fixture.local, 'notes.txt'), 'utf8'), 'server only\n');
    await noTemps(fixture.local);
    result = await call<FolderCompareResult>('diff.compareFolders', { path: '', with: { kind: 'server' } });
    for (const p of ['configs/base.yaml', 'notes.txt', 'local-only.py']) assert.equal(states(result)[p], 'same', p);
    // Recorded as in sync: the next sync has nothing to push or pull for them, and no conflict.
    const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
    for (const p of ['configs/base.yaml', 'notes.txt', 'local-only.py']) assert.ok(!plan.items.some((planItem) => planItem.path === p), `${p} is not in the next sync's plan: ${JSON.stringify(plan.items)}`);

    // Nothing is written through a link on the server: a folder copied into data/ is refused.
    await mkdir(path.join(fixture.local, 'data'), { recursive: true });
    await writeFile(path.join(fixture.local, 'data/new.txt'), 'x\n');
    const into = await call<CopyAcrossReport>('diff.copyAcross', { path: '', with: { kind: 'server' }, direction: 'left-to-right', items: [{ path: 'data/new.txt', left: { path: 'data/new.txt', kind: 'file', size: 2, mtimeMs: (await lstat(path.join(fixture.local, 'data/new.txt'))).mtimeMs } }] });
    assert.equal(into.files, 0);
    assert.match(into.skipped[0]?.message ?? '', /symbolic link/);
    assert.deepEqual(await readdir(path.join(fixture.home, 'disk')), ['imagenet'], 'the data disk is untouched');
  });
});
