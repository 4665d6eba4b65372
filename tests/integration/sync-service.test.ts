import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LabdeskEvents, SyncPlanSummary, SyncRunReport, SyncStatus, SyncTargets } from '../../preload/api';
import type { Session } from '../../main/api/session';
import type { SshdServer } from '../fixtures/sshd';
import { sessionHelpers, startSyncSession, targetOn, type SessionEvent, type SyncSession } from '../fixtures/sync-session';

/**
 * Sync inside the app: a real Session driven through the dispatch table (what the window calls),
 * a real OpenSSH server on loopback, real files on both sides (the remote root is a folder here).
 */
describe('SyncService through a Session against a real sshd', () => {
  let fixture: SyncSession | undefined;
  let server: SshdServer;
  let local: string;
  let remote: string;
  let session: Session;
  let events: SessionEvent[] = [];

  const { call, failure, until } = sessionHelpers(() => session);
  const target = () => targetOn(server, 'lab', remote);
  const remoteText = (relative: string) => readFile(path.join(remote, relative), 'utf8').catch(() => null);

  before(async () => {
    fixture = await startSyncSession({
      prefix: 'labdesk-sync-service-',
      files: {
        'train.py': 'print("train")\n',
        'configs/base.yaml': 'lr: 0.1\n',
        'README.md': '# lab\n',
        '.gitignore': 'output/\n',
        'output/run.log': 'ignored\n',
        '.labdesk/project.json': JSON.stringify({ targets: {}, ignore: ['wandb/'] }),
      },
    });
    ({ server, local, remote, session, events } = fixture);
  });

  after(() => fixture?.close());

  it('refuses a bad target, naming the field, and writes nothing', async () => {
    const before = await readFile(path.join(local, '.labdesk/project.json'), 'utf8');
    for (const [change, field] of [
      [{ remoteRoot: 'relative/dir' }, 'remoteRoot'],
      [{ port: 70000 }, 'port'],
      [{ name: 'my gpu' }, 'name'],
      [{ host: '' }, 'host'],
      [{ user: 'a b' }, 'user'],
    ] as const) {
      const error = await failure('sync.saveTarget', { ...target(), ...change });
      assert.equal(error.code, 'bad-argument');
      assert.equal(error.argument, field, error.message);
    }
    assert.equal(await readFile(path.join(local, '.labdesk/project.json'), 'utf8'), before);
  });

  it('saves a target atomically, keeping the other project settings', async () => {
    const saved = await call<SyncTargets>('sync.saveTarget', target());
    assert.deepEqual(saved.targets.map((t) => t.name), ['lab']);
    assert.equal(saved.active, null);
    const written = JSON.parse(await readFile(path.join(local, '.labdesk/project.json'), 'utf8')) as { ignore: string[]; targets: Record<string, unknown> };
    assert.deepEqual(written.ignore, ['wandb/']);
    assert.deepEqual(written.targets.lab, { host: '127.0.0.1', remoteRoot: remote, port: server.port, user: server.username, identityFile: server.clientKeyPath });
    const second = await call<SyncTargets>('sync.saveTarget', { name: 'spare', host: 'gpu9', remoteRoot: '/srv/x/' });
    assert.deepEqual(second.targets.map((t) => [t.name, t.remoteRoot]), [['lab', remote], ['spare', '/srv/x']]);
    const removed = await call<SyncTargets>('sync.removeTarget', { name: 'spare' });
    assert.deepEqual(removed.targets.map((t) => t.name), ['lab']);
    assert.equal((await failure('sync.removeTarget', { name: 'spare' })).code, 'not-found');
  });

  it('activates: connects, plans (pending = what would be pushed), and reports status events', async () => {
    const status = await call<SyncStatus>('sync.activate', { name: 'lab' });
    assert.equal(status.target, 'lab');
    assert.equal(status.connection, 'connected', JSON.stringify(status));
    assert.equal(status.error, null);
    assert.ok(status.pending >= 4, `pending ${status.pending}`);
    assert.ok(events.some((e) => e.event === 'sync.status' && (e.payload as SyncStatus).connection === 'connected'));
    const targets = await call<SyncTargets>('sync.targets', {});
    assert.equal(targets.active, 'lab');
  });

  it('plan previews without writing; run pushes everything but ignored files', async () => {
    const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
    assert.equal(plan.counts.upload, 4); // train.py, configs/base.yaml, README.md, .gitignore
    assert.equal(plan.counts.conflict, 0);
    assert.ok(plan.items.some((item) => item.type === 'upload' && item.path === 'configs/base.yaml' && item.detail === 'new file'));
    assert.equal(await remoteText('train.py'), null);
    const report = await call<SyncRunReport>('sync.run', { deleteRemote: false });
    assert.equal(report.uploaded, 4);
    assert.deepEqual(report.conflicts, []);
    assert.equal(await remoteText('configs/base.yaml'), 'lr: 0.1\n');
    assert.equal(await remoteText('output/run.log'), null);
    assert.equal(await remoteText('.labdesk/project.json'), null);
    const status = session.sync.status();
    assert.equal(status.pending, 0);
    assert.equal(status.lastPush?.files, 4);
    assert.ok(events.some((e) => e.event === 'progress' && (e.payload as LabdeskEvents['progress']).title === 'Sync to lab'));
  });

  it('upload on save: workspace.write pushes the file to the server at once', async () => {
    await call('workspace.write', { path: 'train.py', text: 'print("saved in the editor")\n' });
    await until('the save to reach the server', async () => (await remoteText('train.py')) === 'print("saved in the editor")\n');
    await until('pending to drop to 0', () => session.sync.status().pending === 0);
  });

  it('a server edit then a local save → conflict reported, server untouched; "theirs" downloads it', async () => {
    await writeFile(path.join(remote, 'train.py'), 'print("edited on the server, longer")\n');
    const notes = events.length;
    await call('workspace.write', { path: 'train.py', text: 'print("mine")\n' });
    await until('the conflict', () => session.sync.status().conflicts.some((c) => c.path === 'train.py'));
    assert.equal(await remoteText('train.py'), 'print("edited on the server, longer")\n');
    const notification = events.slice(notes).find((e) => e.event === 'notification' && (e.payload as { message: string }).message.includes('train.py'));
    assert.ok(notification, 'a notification names the file');
    assert.match((notification.payload as { message: string }).message, /lab/);

    const theirs = await call<{ kind: string; text: string }>('sync.readRemote', { path: 'train.py' });
    assert.deepEqual([theirs.kind, theirs.text], ['text', 'print("edited on the server, longer")\n']);
    const status = await call<SyncStatus>('sync.resolveConflict', { path: 'train.py', choice: 'theirs' });
    assert.deepEqual(status.conflicts, []);
    assert.equal(await readFile(path.join(local, 'train.py'), 'utf8'), 'print("edited on the server, longer")\n');
    // The base now matches both sides: the next save goes through without a conflict.
    await call('workspace.write', { path: 'train.py', text: 'print("after theirs")\n' });
    await until('the next save to land', async () => (await remoteText('train.py')) === 'print("after theirs")\n');
    assert.deepEqual(session.sync.status().conflicts, []);
  });

  it('"mine" uploads over exactly the version compared; a newer server edit is a conflict again', async () => {
    await writeFile(path.join(remote, 'configs/base.yaml'), 'lr: 0.5 # server\n');
    await call('workspace.write', { path: 'configs/base.yaml', text: 'lr: 0.01\n' });
    await until('the conflict', () => session.sync.status().conflicts.some((c) => c.path === 'configs/base.yaml'));

    assert.equal((await failure('sync.resolveConflict', { path: 'configs/base.yaml', choice: 'mine' })).code, 'conflict', 'must compare first');
    await call('sync.readRemote', { path: 'configs/base.yaml' });
    await writeFile(path.join(remote, 'configs/base.yaml'), 'lr: 0.9 # server, edited again\n');
    const again = await failure('sync.resolveConflict', { path: 'configs/base.yaml', choice: 'mine' });
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /again/);
    assert.equal(await remoteText('configs/base.yaml'), 'lr: 0.9 # server, edited again\n');

    await call('sync.readRemote', { path: 'configs/base.yaml' });
    const status = await call<SyncStatus>('sync.resolveConflict', { path: 'configs/base.yaml', choice: 'mine' });
    assert.deepEqual(status.conflicts, []);
    assert.equal(await remoteText('configs/base.yaml'), 'lr: 0.01\n');
  });

  it('"merged" writes the edited text here and there and records the base; a newer server edit writes nothing', async () => {
    const file = 'eval.py';
    const localText = () => readFile(path.join(local, file), 'utf8');
    await call('workspace.write', { path: file, text: 'a = 1\nb = 2\n' });
    await until('the new file to reach the server', async () => (await remoteText(file)) === 'a = 1\nb = 2\n');
    await writeFile(path.join(remote, file), 'a = 10\nb = 2\n'); // (sizes differ: SFTP mtimes are whole seconds)
    await call('workspace.write', { path: file, text: 'a = 1\nb = 20\n' });
    await until('the conflict', () => session.sync.status().conflicts.some((c) => c.path === file));

    assert.equal((await failure('sync.resolveConflict', { path: file, choice: 'merged' })).code, 'bad-argument', 'the text is required');
    assert.equal((await failure('sync.resolveConflict', { path: file, choice: 'merged', text: 'a = 10\nb = 20\n' })).code, 'conflict', 'must compare first');
    assert.equal(await localText(), 'a = 1\nb = 20\n');

    // Compared, then the server changes again before the merge is used: nothing is written anywhere.
    await call('sync.readRemote', { path: file });
    await writeFile(path.join(remote, file), 'a = 100\nb = 2\n# again\n');
    const again = await failure('sync.resolveConflict', { path: file, choice: 'merged', text: 'a = 10\nb = 20\n' });
    assert.equal(again.code, 'conflict');
    assert.match(again.message, /again/);
    assert.equal(await localText(), 'a = 1\nb = 20\n', 'the local file is untouched');
    assert.equal(await remoteText(file), 'a = 100\nb = 2\n# again\n', 'the server file is untouched');
    assert.ok(session.sync.status().conflicts.some((c) => c.path === file), 'still a conflict');

    // Compared again: the merge becomes both the local file and the server version.
    const theirs = await call<{ kind: string; text: string }>('sync.readRemote', { path: file });
    assert.equal(theirs.text, 'a = 100\nb = 2\n# again\n');
    const merged = 'a = 100\nb = 20\n# again, merged\n';
    const status = await call<SyncStatus>('sync.resolveConflict', { path: file, choice: 'merged', text: merged });
    assert.deepEqual(status.conflicts, []);
    assert.equal(await localText(), merged);
    assert.equal(await remoteText(file), merged);
    // The base is recorded: a full plan has nothing to do for the file, and the next save goes through.
    await new Promise((resolve) => setTimeout(resolve, 400)); // the watcher sees the merge's own write
    const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
    assert.equal(plan.counts.conflict, 0, JSON.stringify(plan.items));
    assert.deepEqual(plan.items.filter((item) => item.path === file), []);
    assert.deepEqual(session.sync.status().conflicts, []);
    await call('workspace.write', { path: file, text: `${merged}c = 3\n` });
    await until('the next save to land', async () => (await remoteText(file)) === `${merged}c = 3\n`);
    assert.deepEqual(session.sync.status().conflicts, []);
  });

  it('readRemote refuses paths outside the project', async () => {
    assert.equal((await failure('sync.readRemote', { path: '../../etc/passwd' })).code, 'outside-workspace');
    assert.equal((await call<{ kind: string }>('sync.readRemote', { path: 'nope.txt' })).kind, 'missing');
  });

  it('deactivate: status off, saves no longer pushed', async () => {
    const status = await call<SyncStatus>('sync.activate', { name: null });
    assert.deepEqual([status.target, status.connection], [null, 'off']);
    await call('workspace.write', { path: 'README.md', text: '# offline edit\n' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await remoteText('README.md'), '# lab\n');
    assert.equal((await failure('sync.plan', { deleteRemote: false })).code, 'not-connected');
  });
});

describe('SyncService: an unknown host key is asked through the window', () => {
  it('Cancel refuses (error shown, nothing connected); Trust connects and remembers the key', async () => {
    const { server, session, remote, close } = await startSyncSession({ prefix: 'labdesk-sync-hostkey-', files: { 'a.txt': 'a\n' }, knowsHostKey: false });
    try {
      let answer = false;
      const asked: string[] = [];
      session.events.subscribe((event, payload) => {
        if (event !== 'prompt') return;
        const prompt = payload as LabdeskEvents['prompt'];
        if (prompt.kind === 'host-key') {
          asked.push(prompt.fingerprint);
          setImmediate(() => session.prompts.answer(prompt.id, answer));
        }
      });
      await session.sync.saveTarget(targetOn(server, 'fresh', remote));

      const refused = await session.sync.activate('fresh');
      assert.deepEqual([refused.target, refused.connection], ['fresh', 'off']);
      assert.match(refused.error ?? '', /127\.0\.0\.1/);
      assert.equal(asked.length, 1);
      assert.equal(asked[0], server.hostKeySha256);

      answer = true;
      const trusted = await session.sync.activate('fresh');
      assert.equal(trusted.connection, 'connected', JSON.stringify(trusted));
      assert.equal(asked.length, 2);
      // Remembered in Labdesk's trust store: no question the next time.
      await session.sync.activate(null);
      assert.equal((await session.sync.activate('fresh')).connection, 'connected');
      assert.equal(asked.length, 2);
    } finally {
      await close();
    }
  });
});

describe('SyncService: a save made while the server is down lands after it comes back', () => {
  it('status goes offline with the save pending, then connected and up to date', async () => {
    const { server, session, remote, close } = await startSyncSession({ prefix: 'labdesk-sync-offline-', files: { 'notes.md': 'v1\n' } });
    const { until } = sessionHelpers(() => session);
    try {
      await session.sync.saveTarget(targetOn(server, 'lab', remote));
      assert.equal((await session.sync.activate('lab')).connection, 'connected');
      await session.sync.run(false);
      assert.equal(await readFile(path.join(remote, 'notes.md'), 'utf8'), 'v1\n');

      await server.kill();
      await until('offline', () => session.sync.status().connection !== 'connected');
      await session.writeFile('notes.md', 'v2, saved offline\n');
      await until('the save to be pending', () => session.sync.status().pending >= 1);
      assert.equal(await readFile(path.join(remote, 'notes.md'), 'utf8'), 'v1\n');

      await server.restart();
      await until('the queued save to land', async () => (await readFile(path.join(remote, 'notes.md'), 'utf8')) === 'v2, saved offline\n');
      await until('connected and up to date', () => {
        const status = session.sync.status();
        return status.connection === 'connected' && status.pending === 0 && status.conflicts.length === 0;
      });
    } finally {
      await close();
    }
  });
});
