import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { snapshotCode } from '../../main/runs/code-snapshot';
import { ScriptedRepo } from '../fixtures/git-repos';
import { TempDirs } from '../fixtures/temp-project';

const temp = new TempDirs();
after(() => temp.cleanup());

/** A run's code: the commit plus one patch that, applied to a clean checkout, gives back the tree. */
describe('snapshotCode (real repositories)', () => {
  it('tracked edits (staged or not), deletions, untracked text and binary files; not ignored files, journal/ or .labdesk/; large files by hash', async () => {
    const dir = path.join(await temp.make('labdesk-snapshot-'), 'repo');
    const repo = ScriptedRepo.init(dir);
    await mkdir(path.join(dir, 'configs'));
    await writeFile(path.join(dir, 'configs/base.yaml'), 'lr: 0.1\n');
    await writeFile(path.join(dir, 'old.py'), 'print("old")\n');
    await writeFile(path.join(dir, '.gitignore'), 'output/\n');
    repo.git('add', '-A');
    repo.commit('train', { file: 'train.py', content: 'print("train")' });
    const commit = repo.head();

    await writeFile(path.join(dir, 'train.py'), 'print("train, edited")\n');
    await writeFile(path.join(dir, 'configs/base.yaml'), 'lr: 0.3\n');
    repo.git('add', 'configs/base.yaml'); // staged
    await rm(path.join(dir, 'old.py'));
    await writeFile(path.join(dir, 'new model.py'), 'class Net: pass\n'); // untracked, with a space
    await writeFile(path.join(dir, 'weights.bin'), Buffer.from([0, 1, 2, 255, 0, 7]));
    await writeFile(path.join(dir, 'big.npy'), Buffer.alloc(2 * 1024 * 1024, 7));
    await mkdir(path.join(dir, 'output'));
    await writeFile(path.join(dir, 'output/run.log'), 'ignored\n');
    await mkdir(path.join(dir, 'journal'));
    await writeFile(path.join(dir, 'journal/2026-12-07-note.md'), '# note\n');
    await mkdir(path.join(dir, '.labdesk'));
    await writeFile(path.join(dir, '.labdesk/project.json'), '{}\n');
    const indexAfter = await readFile(path.join(dir, '.git', 'index'));

    const snapshot = await snapshotCode(dir);
    assert.equal(snapshot.commit, commit);
    assert.equal(snapshot.branch, 'main');
    assert.equal(snapshot.dirty, true);
    assert.deepEqual(snapshot.untracked, ['new model.py', 'weights.bin']);
    assert.deepEqual(snapshot.largeFiles.map((file) => [file.path, file.size]), [['big.npy', 2 * 1024 * 1024]]);
    assert.equal(snapshot.largeFiles[0]?.sha256, createHash('sha256').update(await readFile(path.join(dir, 'big.npy'))).digest('hex'), 'the large file is recorded by its hash');
    assert.ok(!/output\/run\.log|journal\/|\.labdesk\//.test(snapshot.patch), 'ignored files, the journal and .labdesk/ are not code');
    assert.match(snapshot.patch, /GIT binary patch/);
    assert.deepEqual(await readFile(path.join(dir, '.git', 'index')), indexAfter, 'the user\'s index is untouched');

    // Applied to a clean checkout of the commit, the patch gives back the code.
    const copy = path.join(await temp.make('labdesk-snapshot-apply-'), 'copy');
    execFileSync('git', ['clone', '-q', dir, copy]);
    execFileSync('git', ['checkout', '-q', commit], { cwd: copy });
    execFileSync('git', ['apply', '--binary', '-'], { cwd: copy, input: snapshot.patch });
    for (const file of ['train.py', 'configs/base.yaml', 'new model.py', 'weights.bin']) assert.deepEqual(await readFile(path.join(copy, file)), await readFile(path.join(dir, file)), file);
    await assert.rejects(readFile(path.join(copy, 'old.py')), /ENOENT/, 'the deletion is in the patch');
  });

  it('a clean tree: no patch, not dirty; a branch with no commits yet: everything as new files', async () => {
    const dir = path.join(await temp.make('labdesk-snapshot-clean-'), 'repo');
    const repo = ScriptedRepo.init(dir);
    repo.commit('one', { file: 'a.py' });
    await mkdir(path.join(dir, 'journal'));
    await writeFile(path.join(dir, 'journal/x.md'), 'not code\n');
    const clean = await snapshotCode(dir);
    assert.deepEqual([clean.dirty, clean.patch, clean.untracked], [false, '', []]);

    const fresh = path.join(await temp.make('labdesk-snapshot-unborn-'), 'repo');
    ScriptedRepo.init(fresh);
    await writeFile(path.join(fresh, 'train.py'), 'print(1)\n');
    const unborn = await snapshotCode(fresh);
    assert.deepEqual([unborn.commit, unborn.branch, unborn.dirty, unborn.untracked], [null, 'main', true, ['train.py']]);
    assert.match(unborn.patch, /new file mode 100644/);
  });
});

describe("checkoutRunCode: a branch at the run's commit with its patch applied", () => {
  it('gives back the code the run had (untracked files too); refused while the working tree has changes', async () => {
    const { checkoutRunCode, snapshotCode: snapshot, writeNewRun } = await import('../../main/runs');
    const dir = path.join(await temp.make('labdesk-run-checkout-'), 'repo');
    const repo = ScriptedRepo.init(dir);
    await writeFile(path.join(dir, '.gitignore'), 'journal/runs/\n');
    repo.git('add', '.gitignore');
    repo.commit('train', { file: 'train.py', content: 'print("v1")' });
    const commit = repo.head();
    await writeFile(path.join(dir, 'train.py'), 'print("v1 with warmup")\n');
    await writeFile(path.join(dir, 'extra.py'), 'x = 1\n');
    const code = await snapshot(dir);
    const record = {
      id: 'r-20261207-120000-abcd',
      status: 'succeeded' as const,
      exitCode: 0,
      command: 'python train.py',
      target: 'gpu1',
      host: 'gpu1',
      remoteRoot: '/srv',
      runDir: '/srv/.labdesk/runs/r-20261207-120000-abcd',
      launcher: 'tmux' as const,
      session: null,
      environment: null,
      entry: null,
      code: { commit, branch: 'main', dirty: true, patch: 'code.patch', untracked: code.untracked, largeFiles: [] },
      configs: [],
      environmentFiles: [],
      manifest: 'manifest.json',
      createdAt: '2026-12-07T12:00:00Z',
      startedAt: null,
      endedAt: null,
    };
    await writeNewRun(dir, record, { patch: code.patch, configs: [], environmentFiles: [], manifest: [] });
    await assert.rejects(checkoutRunCode(dir, record), /working tree has changes/);

    // Later, the tree moved on and is clean again.
    repo.git('checkout', '-q', '--', 'train.py');
    await rm(path.join(dir, 'extra.py'));
    repo.commit('v2', { file: 'train.py', content: 'print("v2")' });
    assert.equal(await checkoutRunCode(dir, record), 'run/r-20261207-120000-abcd');
    assert.equal(repo.git('rev-parse', 'HEAD'), commit);
    assert.equal(await readFile(path.join(dir, 'train.py'), 'utf8'), 'print("v1 with warmup")\n');
    assert.equal(await readFile(path.join(dir, 'extra.py'), 'utf8'), 'x = 1\n', 'its untracked file is back');
  });
});
