import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { SyncStatus } from '../../preload/api';
import { EventBus } from '../../main/common/event-bus';
import { TaskRegistry } from '../../main/common/task-registry';
import { nonInteractivePrompter } from '../../main/ssh/prompter';
import { activeTargetMemoryPath, recallActiveTarget, rememberActiveTarget, restoreActiveTarget } from '../../main/sync/state/active-target-memory';
import { stateFilePath } from '../../main/sync/state/sync-state';
import { SyncService } from '../../main/sync/sync-service';

const roots: string[] = [];
after(async () => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function project(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'labdesk-active-target-'));
  roots.push(root);
  return root;
}

describe('active target memory (.labdesk/state/window/active-target.json)', () => {
  it('remembers, recalls and forgets the target', async () => {
    const root = await project();
    assert.equal(await recallActiveTarget(root), null, 'nothing remembered yet');
    await rememberActiveTarget(root, 'gpu1', new Date('2026-11-27T08:00:00.000Z'));
    assert.equal(await recallActiveTarget(root), 'gpu1');
    assert.deepEqual(JSON.parse(await readFile(activeTargetMemoryPath(root), 'utf8')), { version: 1, target: 'gpu1', rememberedAt: '2026-11-27T08:00:00.000Z' });
    await rememberActiveTarget(root, 'cluster');
    assert.equal(await recallActiveTarget(root), 'cluster', 'the last activation wins');
    await rememberActiveTarget(root, null);
    assert.equal(await recallActiveTarget(root), null);
    await rememberActiveTarget(root, null); // forgetting twice is fine
    assert.deepEqual(await readdir(path.dirname(activeTargetMemoryPath(root))), [], 'no temp file left behind');
  });

  it('lives in the per-machine state folder, and never where a target named "active-target" keeps its base', async () => {
    const root = await project();
    const memory = activeTargetMemoryPath(root);
    assert.ok(memory.startsWith(path.join(root, '.labdesk', 'state') + path.sep));
    for (const name of ['active-target', 'window', 'state']) assert.notEqual(stateFilePath(root, name), memory);
  });

  it('a damaged, foreign or hostile file reads as "nothing remembered", never as an error', async () => {
    const root = await project();
    const file = activeTargetMemoryPath(root);
    await mkdir(path.dirname(file), { recursive: true });
    for (const text of ['', '{', 'null', '[]', '{"version":2,"target":"gpu1","rememberedAt":""}', '{"version":1,"target":"../../etc","rememberedAt":""}', '{"version":1,"target":"a b","rememberedAt":""}']) {
      await writeFile(file, text);
      assert.equal(await recallActiveTarget(root), null, text);
    }
  });

  it('refuses to remember something that is not a target name', async () => {
    const root = await project();
    await assert.rejects(rememberActiveTarget(root, '../escape'), /not a target name/);
    assert.equal(await recallActiveTarget(root), null);
  });

  it('restore starts the activation without waiting for it, and forgets a target that is gone', async () => {
    const root = await project();
    await rememberActiveTarget(root, 'gpu1');
    let finish: (() => void) | undefined;
    const started: string[] = [];
    await restoreActiveTarget(root, (name) => {
      started.push(name);
      return new Promise<void>((resolve) => (finish = resolve)); // a connection that takes its time
    });
    assert.deepEqual(started, ['gpu1'], 'restore returned while the activation still runs');
    finish?.();

    const gone = Object.assign(new Error('There is no server named "gpu1"'), { code: 'not-found', argument: 'name' });
    await restoreActiveTarget(root, () => Promise.reject(gone));
    for (let i = 0; i < 50 && (await recallActiveTarget(root)) !== null; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(await recallActiveTarget(root), null);

    // Nothing remembered: nothing activated.
    await restoreActiveTarget(root, (name) => {
      started.push(name);
      return undefined;
    });
    assert.deepEqual(started, ['gpu1']);
  });

  it('a connection failure keeps the memory (the server may just be down today)', async () => {
    const root = await project();
    await rememberActiveTarget(root, 'gpu1');
    await restoreActiveTarget(root, () => Promise.reject(Object.assign(new Error('refused'), { code: 'permission-denied' })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await recallActiveTarget(root), 'gpu1');
  });
});

describe('SyncService remembers the active target per project', () => {
  it('activating remembers it, reopening the folder activates it again in the background, deactivating forgets it', async () => {
    const root = await project();
    // A server on a closed loopback port: activation is refused at once and keeps retrying, which
    // is all this test needs (the connection itself is covered by the sshd tests).
    await mkdir(path.join(root, '.labdesk'));
    await writeFile(path.join(root, '.labdesk', 'project.json'), JSON.stringify({ targets: { gpu1: { host: '127.0.0.1', port: 1, user: 'ada', remoteRoot: '/srv/lab' } } }));
    const statuses: SyncStatus[] = [];
    const events = new EventBus();
    events.subscribe((event, payload) => {
      if (event === 'sync.status') statuses.push(payload as SyncStatus);
    });
    const configDir = path.join(root, 'config');
    const service = () =>
      new SyncService({ events, tasks: new TaskRegistry(events), prompter: nonInteractivePrompter({ acceptNewHostKeys: false }), configDir, knownHostsFiles: [], sshConfigFile: '/dev/null', reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });

    const first = service();
    await first.setRoot(root);
    assert.equal(first.status().target, null, 'nothing remembered: no server');
    await first.activate('gpu1');
    assert.equal(await recallActiveTarget(root), 'gpu1');
    await first.close();
    assert.equal(await recallActiveTarget(root), 'gpu1', 'closing the window is not deactivating');

    const second = service();
    const opening = Date.now();
    await second.setRoot(root);
    assert.ok(Date.now() - opening < 1_000, 'opening does not wait for the connection');
    for (let i = 0; i < 100 && second.status().target !== 'gpu1'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(second.status().target, 'gpu1', JSON.stringify(second.status()));
    assert.notEqual(second.status().connection, 'connected');

    await second.activate(null);
    assert.equal(await recallActiveTarget(root), null);
    await second.close();

    const third = service();
    await third.setRoot(root);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(third.status().target, null, 'deactivated last time: opens without a server');
    await third.close();
    assert.ok(statuses.length > 0);
  });
});
