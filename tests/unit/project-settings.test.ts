import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { loadProjectSettings } from '../../main/workspace/project-settings';
import { parseTargetSpec } from '../../main/sync/target-spec';

const roots: string[] = [];
after(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function projectWith(text: string | null): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'labdesk-project-'));
  roots.push(root);
  if (text !== null) {
    await mkdir(path.join(root, '.labdesk'));
    await writeFile(path.join(root, '.labdesk', 'project.json'), text);
  }
  return root;
}

describe('loadProjectSettings', () => {
  it('a project without .labdesk/project.json has no targets', async () => {
    assert.deepEqual(await loadProjectSettings(await projectWith(null)), { targets: {}, ignore: [] });
  });

  it('reads targets and ignore additions', async () => {
    const root = await projectWith(JSON.stringify({ targets: { gpu1: { host: 'gpu1', remoteRoot: '/home/ada/lab', port: 2222 } }, ignore: ['wandb/'] }));
    const settings = await loadProjectSettings(root);
    assert.deepEqual(settings.targets.gpu1, { host: 'gpu1', remoteRoot: '/home/ada/lab', port: 2222 });
    assert.deepEqual(settings.ignore, ['wandb/']);
  });

  const broken: [string, string, RegExp][] = [
    ['not JSON', '{ targets: ', /not valid JSON/],
    ['a relative remote root', JSON.stringify({ targets: { a: { host: 'h', remoteRoot: 'lab' } } }), /"targets\.a\.remoteRoot" must be an absolute path/],
    ['a bad port', JSON.stringify({ targets: { a: { host: 'h', remoteRoot: '/x', port: 70000 } } }), /targets\.a\.port/],
    ['a password field (secrets never go in project files)', JSON.stringify({ targets: { a: { host: 'h', remoteRoot: '/x', password: 'hunter2' } } }), /password/],
    ['a target name with spaces', JSON.stringify({ targets: { 'my gpu': { host: 'h', remoteRoot: '/x' } } }), /target names/],
  ];
  for (const [name, text, message] of broken) {
    it(`refuses ${name} with an error naming the file and field`, async () => {
      const root = await projectWith(text);
      await assert.rejects(loadProjectSettings(root), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.code, 'bad-argument');
        assert.match(error.message, /project\.json/);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('parseTargetSpec', () => {
  const project = { targets: { gpu1: { host: 'gpu1', remoteRoot: '/srv/lab' } }, ignore: [] };

  it('finds a named target', () => {
    assert.deepEqual(parseTargetSpec('gpu1', project), { name: 'gpu1', host: 'gpu1', remoteRoot: '/srv/lab' });
  });

  it('parses ssh:// addresses with user, port and an absolute folder', () => {
    assert.deepEqual(parseTargetSpec('ssh://ada@127.0.0.1:2222/home/ada/my%20lab/', project), {
      name: 'ada@127.0.0.1_2222',
      host: '127.0.0.1',
      user: 'ada',
      port: 2222,
      remoteRoot: '/home/ada/my lab',
    });
    assert.deepEqual(parseTargetSpec('ssh://gpu2/data/x', project), { name: 'gpu2', host: 'gpu2', remoteRoot: '/data/x' });
  });

  it('an unknown name lists the known ones', () => {
    assert.throws(() => parseTargetSpec('gpu9', project), /no target named "gpu9". Known targets: gpu1/);
  });

  it('an ssh:// address without a folder is refused', () => {
    assert.throws(() => parseTargetSpec('ssh://gpu1', project), /needs a host and an absolute remote folder/);
    assert.throws(() => parseTargetSpec('ssh://gpu1/', project), /needs a host and an absolute remote folder/);
  });
});
