import assert from 'node:assert/strict';
import { mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FolderCompareResult } from '../../preload/api';
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
});
