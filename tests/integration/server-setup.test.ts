import assert from 'node:assert/strict';
import { lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ServerCheck, ServerSetupReport, SyncPlanSummary } from '../../preload/api';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';

/**
 * "Set up server" and "Check server" through the dispatch table against a real sshd: the data
 * disk's model/, data/ and output/ made and linked into the remote root, anything already there
 * left as it was and listed, and the next sync leaves the links alone.
 */
describe('server set-up and check (real sshd)', () => {
  let fixture: SyncSession;
  let dataRoot = '';
  const { call, failure } = sessionHelpers(() => fixture.session);

  before(async () => {
    fixture = await startSyncSession({ prefix: 'labdesk-server-setup-', files: { 'train.py': 'print(1)\n', '.gitignore': '.labdesk/state/\n' } });
    dataRoot = path.join(fixture.home, 'datadisk', 'ada');
    await call('sync.saveTarget', targetOn(fixture.server, 'lab', fixture.remote));
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
  });
  after(() => fixture?.close());

  it('without a data disk folder, says to fill it in', async () => {
    const refused = await failure('server.setUp', {});
    assert.equal(refused.code, 'bad-argument');
    assert.match(refused.message, /no data disk folder.*Data disk folder/);
  });

  it('makes model/, data/, output/ on the data disk and links them, leaving an existing data folder and output link as they were', async () => {
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), dataRoot });
    // The researcher already has a data folder in the project on the server, and output linked elsewhere.
    await mkdir(path.join(fixture.remote, 'data'));
    await writeFile(path.join(fixture.remote, 'data', 'train.csv'), 'x,y\n');
    await symlink('/elsewhere/output', path.join(fixture.remote, 'output'));

    const report = await call<ServerSetupReport>('server.setUp', {});
    assert.deepEqual([...report.created].sort(), ['data', 'model', 'output'].map((name) => path.join(dataRoot, name)));
    assert.deepEqual(report.linked, [{ link: path.join(fixture.remote, 'model'), to: path.join(dataRoot, 'model') }]);
    assert.deepEqual(report.found, [
      { path: path.join(fixture.remote, 'data'), what: 'a folder' },
      { path: path.join(fixture.remote, 'output'), what: 'a link to /elsewhere/output' },
    ]);
    assert.deepEqual(report.errors, []);
    assert.equal(await readlink(path.join(fixture.remote, 'model')), path.join(dataRoot, 'model'));
    assert.ok((await lstat(path.join(fixture.remote, 'data'))).isDirectory(), 'the folder is still a folder');
    assert.equal(await readlink(path.join(fixture.remote, 'output')), '/elsewhere/output', 'the link still points where it did');

    // Again: nothing to do, everything found.
    const again = await call<ServerSetupReport>('server.setUp', {});
    assert.deepEqual([again.created, again.linked], [[], []]);
    assert.equal(again.found.find((item) => item.path.endsWith('/model'))?.what, `a link to ${path.join(dataRoot, 'model')}`);

    // The next sync has nothing to say about the links.
    const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: true });
    assert.deepEqual([plan.counts.conflict, plan.counts.delete], [0, 0], JSON.stringify(plan.items));
    assert.deepEqual(plan.items.filter((item) => /^(model|data|output)(\/|$)/.test(item.path)).map((item) => item.path), [], 'the links and the data folder are not touched');
    await call('sync.run', { deleteRemote: true });
    assert.equal(await readlink(path.join(fixture.remote, 'model')), path.join(dataRoot, 'model'));
  });

  it('a data disk folder that cannot be made is reported, and nothing else is changed', async () => {
    const blocked = path.join(fixture.home, 'a-file');
    await writeFile(blocked, 'not a folder\n');
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), dataRoot: path.join(blocked, 'ada') });
    const report = await call<ServerSetupReport>('server.setUp', {});
    assert.equal(report.created.length, 0);
    assert.ok(report.errors.length >= 1, JSON.stringify(report));
    assert.match(report.errors[0]?.message ?? '', /Not a directory|File exists/);
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), dataRoot });
  });

  it('checks the server in one place: ssh, the remote root, tmux, Slurm, nvidia-smi, python and free disk', async () => {
    const check = await call<ServerCheck>('server.check', {});
    const item = (name: string) => check.items.find((candidate) => candidate.name === name);
    assert.equal(item('ssh')?.ok, true);
    assert.match(item('ssh')?.detail ?? '', new RegExp(`logged in as ${fixture.server.username}@`));
    assert.deepEqual([item('remote root')?.ok, item('remote root')?.detail], [true, `${fixture.remote} is writable`]);
    assert.match(item('tmux')?.detail ?? '', /^tmux \d/);
    assert.equal(item('nvidia-smi')?.ok, null, 'no GPU here: not a failure');
    assert.match(item('python')?.detail ?? '', /^Python 3\.\d+/);
    assert.ok(item('slurm'), 'Slurm is reported either way');
    const disk = item(`disk ${fixture.remote}`);
    assert.match(disk?.detail ?? '', /GiB free of [\d.]+ GiB \(\d+% used\) on \//);
    assert.ok(item(`disk ${dataRoot}`), 'the data disk folder too');
  });
});
