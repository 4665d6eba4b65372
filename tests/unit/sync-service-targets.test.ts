import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { listTargets, removeTarget, saveTarget, validateTarget } from '../../main/sync/state/target-store';
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
  const bad: [string, Partial<typeof good> & { port?: number; user?: string }, string, RegExp][] = [
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
