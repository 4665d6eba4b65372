import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { listTargets, removeTarget, saveTarget, type TargetInput, validateTarget } from '../../main/sync/state/target-store';
import { loadProjectSettings } from '../../main/workspace/project-settings';

const roots: string[] = [];
after(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function project(json?: unknown | string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'labdesk-targets-'));
  roots.push(root);
  if (json !== undefined) {
    await mkdir(path.join(root, '.labdesk'));
    await writeFile(path.join(root, '.labdesk', 'project.json'), typeof json === 'string' ? json : JSON.stringify(json));
  }
  return root;
}

const good = { name: 'gpu1', host: 'gpu1', remoteRoot: '/home/ada/lab' };

describe('target store (.labdesk/project.json targets for the Server view)', () => {
  const bad: [string, Partial<TargetInput>, string, RegExp][] = [
    ['empty name', { name: '' }, 'name', /Give the server a name/],
    ['name with a space', { name: 'my gpu' }, 'name', /letters, digits/],
    ['empty host', { host: '  ' }, 'host', /Enter the host/],
    ['host with spaces', { host: 'gpu 1' }, 'host', /not a host name/],
    ['host that looks like an option', { host: '-oProxyCommand=x' }, 'host', /not a host name/],
    ['relative remote folder', { remoteRoot: 'lab' }, 'remoteRoot', /absolute path/],
    ['remote folder "/"', { remoteRoot: '/' }, 'remoteRoot', /cannot be \//],
    ['port 0', { port: 0 }, 'port', /1 to 65535/],
    ['port 70000', { port: 70_000 }, 'port', /1 to 65535/],
    ['fractional port', { port: 22.5 }, 'port', /whole number/],
    ['user with @', { user: 'ada@gpu' }, 'user', /not a user name/],
    ['environment of two lines', { environment: 'conda activate x\nrm -rf ~' }, 'environment', /one line/],
    ['relative data folder', { dataRoot: 'data' }, 'dataRoot', /absolute folder/],
    ['data folder "/"', { dataRoot: '/' }, 'dataRoot', /cannot be \//],
    ['partition with a space', { slurm: { partition: 'gpu short' } }, 'slurmPartition', /not a partition/],
    ['fractional GPUs', { slurm: { gpus: 1.5 } }, 'slurmGpus', /whole number/],
    ['time limit in words', { slurm: { time: '4 hours' } }, 'slurmTime', /time limit/],
  ];
  for (const [what, change, field, message] of bad) {
    it(`refuses ${what}, naming the field "${field}"`, () => {
      assert.throws(
        () => validateTarget({ ...good, ...change }),
        (error: unknown) => error instanceof ApiError && error.code === 'bad-argument' && error.argument === field && message.test(error.message),
      );
    });
  }

  it('trims, drops empty optional fields and a trailing slash', () => {
    assert.deepEqual(validateTarget({ name: ' gpu1 ', host: ' gpu1 ', remoteRoot: '/srv/lab/', user: ' ', identityFile: '' }), { name: 'gpu1', host: 'gpu1', remoteRoot: '/srv/lab' });
  });

  it('creates .labdesk/project.json when there is none, readable by the project loader', async () => {
    const root = await project();
    const targets = await saveTarget(root, { ...good, port: 2222, user: 'ada', identityFile: '~/.ssh/id_ed25519' });
    assert.deepEqual(targets, [{ name: 'gpu1', host: 'gpu1', remoteRoot: '/home/ada/lab', port: 2222, user: 'ada', identityFile: '~/.ssh/id_ed25519' }]);
    assert.deepEqual((await loadProjectSettings(root)).targets.gpu1, { host: 'gpu1', remoteRoot: '/home/ada/lab', port: 2222, user: 'ada', identityFile: '~/.ssh/id_ed25519' });
    // Atomic: no temp file left next to it.
    assert.deepEqual(await readdir(path.join(root, '.labdesk')), ['project.json']);
  });

  it('keeps the other settings and targets; editing replaces only the connection fields', async () => {
    const root = await project({ ignore: ['wandb/'], targets: { a: { host: 'a', remoteRoot: '/a' }, b: { host: 'b', remoteRoot: '/b', port: 22 } } });
    await saveTarget(root, { name: 'b', host: 'b2', remoteRoot: '/b2' });
    const written = JSON.parse(await readFile(path.join(root, '.labdesk', 'project.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written, { ignore: ['wandb/'], targets: { a: { host: 'a', remoteRoot: '/a' }, b: { host: 'b2', remoteRoot: '/b2' } } });
    assert.deepEqual((await listTargets(root)).map((t) => t.name), ['a', 'b']);
    assert.deepEqual((await removeTarget(root, 'a')).map((t) => t.name), ['b']);
  });

  it('run fields: saved when the form gives them, cleared when given empty, kept when left out', async () => {
    const root = await project({ targets: { b: { host: 'b', remoteRoot: '/b', environment: 'pipenv run', slurm: { partition: 'gpu' } } } });
    // An older caller (no run fields): they stay as written.
    await saveTarget(root, { name: 'b', host: 'b', remoteRoot: '/b' });
    assert.deepEqual((await loadProjectSettings(root)).targets.b, { host: 'b', remoteRoot: '/b', environment: 'pipenv run', slurm: { partition: 'gpu' } });
    // The form: every run field, some empty.
    await saveTarget(root, { name: 'b', host: 'b', remoteRoot: '/b', environment: ' conda activate lab ', dataRoot: '/data/ada/', launcher: 'slurm', slurm: { partition: '', gpus: 2, time: '4:00:00' } });
    assert.deepEqual((await loadProjectSettings(root)).targets.b, { host: 'b', remoteRoot: '/b', environment: 'conda activate lab', dataRoot: '/data/ada', launcher: 'slurm', slurm: { gpus: 2, time: '4:00:00' } });
    await saveTarget(root, { name: 'b', host: 'b', remoteRoot: '/b', environment: '', dataRoot: '', launcher: '', slurm: { partition: '', time: '' } });
    assert.deepEqual((await loadProjectSettings(root)).targets.b, { host: 'b', remoteRoot: '/b' });
    for (const time of ['90', '30:00', '4:00:00', '2-00', '2-12:00', '2-00:00:00']) assert.doesNotThrow(() => validateTarget({ ...good, slurm: { time } }), time);
  });

  it('a broken project.json is reported and left as it was', async () => {
    const root = await project('{ "targets": ');
    await assert.rejects(saveTarget(root, good), /not valid JSON/);
    assert.equal(await readFile(path.join(root, '.labdesk', 'project.json'), 'utf8'), '{ "targets": ');
  });

  it('removing an unknown target is a clear not-found', async () => {
    const root = await project({ targets: {} });
    await assert.rejects(removeTarget(root, 'nope'), (error: unknown) => error instanceof ApiError && error.code === 'not-found' && /nope/.test(error.message));
  });
});
