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
    assert.match(snapshot.largeFiles[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
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
