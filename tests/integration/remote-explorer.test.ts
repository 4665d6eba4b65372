import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readlink, realpath, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LabdeskEvents, RemoteEntry, RemoteFileOpen, RemoteListing, RemoteTransferReport, SyncPlanSummary, SyncRunReport, SyncStatus } from '../../preload/api';
import type { Session } from '../../main/api/session';
import { RemoteExplorer } from '../../main/explorer/remote-explorer';
import type { BaseEntry } from '../../main/sync/sync-types';
import { lockFolder } from '../fixtures/lock-folder';
import { SSHD_MISSING_MESSAGE, sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { sessionHelpers, startSyncSession, targetOn, type SessionEvent, type SyncSession } from '../fixtures/sync-session';
import { findTempFiles, writeTree } from '../fixtures/temp-project';

/**
 * The remote explorer through the dispatch table (what the window calls), on a real OpenSSH
 * server on loopback, with real files on both sides: the "server" folders are local folders the
 * fixture sshd serves, so the tests look at them directly.
 */
describe('remote explorer against a real sshd', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  const undo: (() => void)[] = [];
  let fixture: SyncSession | undefined;
  let server: SshdServer;
  let local: string;
  let remote: string;
  /** Server-side files outside the remote root. */
  let elsewhere: string;
  let session: Session;
  let host: string;
  let events: SessionEvent[] = [];

  const { call, failure } = sessionHelpers(() => session);
  const mentions = (message: string, ...parts: string[]) => {
    for (const part of parts) assert.ok(message.includes(part), `"${message}" should mention "${part}"`);
  };
  const at = (...parts: string[]) => path.join(elsewhere, ...parts);
  /** The target's last-synced base of one path, as saved in `.labdesk/state/lab.json`. */
  const savedBase = async (relative: string) => {
    const state = JSON.parse(await readFile(path.join(local, '.labdesk/state/lab.json'), 'utf8')) as { entries: Record<string, BaseEntry | undefined> };
    return state.entries[relative];
  };

  before(async () => {
    fixture = await startSyncSession({
      prefix: 'labdesk-remote-explorer-',
      files: {
        'train.py': 'print("train")\n',
        'configs/base.yaml': 'lr: 0.1\n',
        '.gitignore': 'outputs/\n',
      },
    });
    ({ server, local, remote, session, events } = fixture);
    host = `${server.username}@127.0.0.1:${server.port}`;
    elsewhere = path.join(fixture.home, 'server', 'elsewhere');
    await mkdir(remote, { recursive: true });
    await mkdir(elsewhere, { recursive: true });
    await call('sync.saveTarget', targetOn(server, 'lab', remote));
  });

  after(async () => {
    for (const step of undo.reverse()) step();
    await fixture?.close();
  });

  it('says not-connected while no server is active', async () => {
    const error = await failure('remote.list', { dir: '/' });
    assert.equal(error.code, 'not-connected');
    assert.equal((await failure('remote.read', { path: '/etc/hostname' })).code, 'not-connected');
  });

  it('activates and syncs the project (the mirrored files the later tests rely on)', async () => {
    const status = await call<SyncStatus>('sync.activate', { name: 'lab' });
    assert.equal(status.connection, 'connected', JSON.stringify(status));
    const report = await call<SyncRunReport>('sync.run', { deleteRemote: false });
    assert.equal(report.uploaded, 3);
    assert.equal(await readFile(path.join(remote, 'configs/base.yaml'), 'utf8'), 'lr: 0.1\n');
  });

  describe('list', () => {
    it('lists sizes, mtimes, modes and links (folders and links to folders first, names with spaces and unicode)', async () => {
      await writeTree(elsewhere, {
        'browse/b file.txt': 'hello',
        'browse/é 名前.txt': 'ünïcode',
        'browse/a-dir/inner.txt': 'x',
        'browse/script.sh': '#!/bin/sh\n',
        'target-dir/x': 'x',
        'target-file.txt': 'target',
      });
      await chmod(at('browse/script.sh'), 0o755);
      await utimes(at('browse/b file.txt'), 1_700_000_000, 1_700_000_000);
      await symlink(at('target-dir'), at('browse/link-to-dir'));
      await symlink('../target-file.txt', at('browse/link-to-file'));
      await symlink('missing', at('browse/dangling'));

      const listing = await call<RemoteListing>('remote.list', { dir: `${at('browse')}//./` });
      assert.equal(listing.dir, at('browse'));
      assert.equal(listing.truncated, false);
      assert.deepEqual(listing.entries.map((entry) => entry.name), ['a-dir', 'link-to-dir', 'b file.txt', 'dangling', 'é 名前.txt', 'link-to-file', 'script.sh']);
      const byName = new Map(listing.entries.map((entry) => [entry.name, entry]));
      const file = byName.get('b file.txt') as RemoteEntry;
      assert.equal(file.path, at('browse', 'b file.txt'));
      assert.equal(file.kind, 'file');
      assert.equal(file.size, 5);
      assert.equal(file.mtimeMs, 1_700_000_000_000);
      assert.equal(byName.get('script.sh')?.mode, 0o755);
      assert.equal(byName.get('é 名前.txt')?.size, Buffer.byteLength('ünïcode'));
      assert.deepEqual(pick(byName.get('link-to-dir')), { kind: 'symlink', linkTarget: at('target-dir'), linkKind: 'dir' });
      assert.deepEqual(pick(byName.get('link-to-file')), { kind: 'symlink', linkTarget: '../target-file.txt', linkKind: 'file' });
      assert.deepEqual(pick(byName.get('dangling')), { kind: 'symlink', linkTarget: 'missing', linkKind: null });
    });

    it('follows a link to a folder when listing it', async () => {
      const listing = await call<RemoteListing>('remote.list', { dir: at('browse', 'link-to-dir') });
      assert.deepEqual(listing.entries.map((entry) => entry.path), [at('browse', 'link-to-dir', 'x')]);
    });

    it('cuts a huge folder at the limit and says so', async () => {
      await writeTree(elsewhere, Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`many/f${i}`, 'x'])));
      const explorer = new RemoteExplorer(session.sync, session.tasks, { listLimit: 5 });
      const listing = await explorer.list(at('many'));
      assert.equal(listing.truncated, true);
      assert.equal(listing.entries.length, 5);
      assert.equal((await explorer.list(at('browse', 'a-dir'))).truncated, false);
    });

    it('names path and host for a missing folder, a file, and refuses relative paths', async () => {
      const missing = await failure('remote.list', { dir: at('nope') });
      assert.equal(missing.code, 'not-found');
      mentions(missing.message, at('nope'), host);
      const notFolder = await failure('remote.list', { dir: at('target-file.txt') });
      assert.equal(notFolder.code, 'not-a-directory');
      mentions(notFolder.message, at('target-file.txt'), host);
      const relative = await failure('remote.list', { dir: 'relative/dir' });
      assert.equal(relative.code, 'bad-argument');
      assert.equal(relative.argument, 'dir');
    });
  });

  describe('read', () => {
    it('opens text, binary, too-large and invalid UTF-8 files the way local files open', async () => {
      await writeTree(elsewhere, {
        'read/notes.md': '# notes\nπ\n',
        'read/weights.bin': Buffer.from([1, 0, 2, 0, 3]),
        'read/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      });
      await writeFile(at('read/huge.log'), '');
      await truncate(at('read/huge.log'), 6 * 1024 * 1024);
      const text = await call<RemoteFileOpen>('remote.read', { path: at('read/notes.md') });
      assert.equal(text.kind, 'text');
      assert.ok(text.kind === 'text');
      assert.equal(text.text, '# notes\nπ\n');
      assert.equal(text.readOnly, false);
      assert.equal(text.notice, undefined);
      assert.equal(text.mtimeMs, Math.floor((await stat(at('read/notes.md'))).mtimeMs / 1000) * 1000);
      const binary = await call<RemoteFileOpen>('remote.read', { path: at('read/weights.bin') });
      assert.deepEqual({ kind: binary.kind, size: binary.size, text: 'text' in binary }, { kind: 'binary', size: 5, text: false });
      const huge = await call<RemoteFileOpen>('remote.read', { path: at('read/huge.log') });
      assert.equal(huge.kind, 'too-large');
      assert.equal(huge.size, 6 * 1024 * 1024);
      const latin1 = await call<RemoteFileOpen>('remote.read', { path: at('read/latin1.txt') });
      assert.ok(latin1.kind === 'text');
      assert.equal(latin1.readOnly, true);
      mentions(latin1.notice ?? '', 'UTF-8');
      const folder = await failure('remote.read', { path: at('read') });
      assert.equal(folder.code, 'is-a-directory');
      const missing = await failure('remote.read', { path: at('read/nope.txt') });
      assert.equal(missing.code, 'not-found');
      mentions(missing.message, at('read/nope.txt'), host);
    });

    it('warns that editing a synced file on the server makes a conflict with the project copy', async () => {
      const opened = await call<RemoteFileOpen>('remote.read', { path: path.join(remote, 'configs/base.yaml') });
      assert.ok(opened.kind === 'text');
      mentions(opened.notice ?? '', 'configs/base.yaml', 'conflict');
      await writeFile(path.join(remote, 'server-only.txt'), 'mine\n');
      const own = await call<RemoteFileOpen>('remote.read', { path: path.join(remote, 'server-only.txt') });
      assert.ok(own.kind === 'text');
      assert.equal(own.notice, undefined);
    });
  });

  describe('write', () => {
    it('saves atomically, keeps the mode, leaves no temp file and returns the new stamp', async () => {
      await writeTree(elsewhere, { 'write/run.sh': '#!/bin/sh\necho old\n' });
      await chmod(at('write/run.sh'), 0o750);
      const opened = await call<RemoteFileOpen>('remote.read', { path: at('write/run.sh') });
      const saved = await call<RemoteEntry>('remote.write', { path: at('write/run.sh'), text: '#!/bin/sh\necho new\n', expected: { size: opened.size, mtimeMs: opened.mtimeMs } });
      assert.equal(await readFile(at('write/run.sh'), 'utf8'), '#!/bin/sh\necho new\n');
      const now = await stat(at('write/run.sh'));
      assert.equal(now.mode & 0o7777, 0o750);
      assert.equal(saved.size, now.size);
      assert.equal(saved.mtimeMs, Math.floor(now.mtimeMs / 1000) * 1000);
      assert.equal(saved.kind, 'file');
      assert.deepEqual(await findTempFiles(at('write')), []);
      // The stamp a save returns is what the next save expects.
      await call('remote.write', { path: at('write/run.sh'), text: '#!/bin/sh\necho newer\n', expected: { size: saved.size, mtimeMs: saved.mtimeMs } });
      assert.equal(await readFile(at('write/run.sh'), 'utf8'), '#!/bin/sh\necho newer\n');
    });

    it('is a conflict when the file changed on the server, even in the same second with the same size', async () => {
      await writeTree(elsewhere, { 'write/config.yaml': 'lr: 0.1\n' });
      const opened = await call<RemoteFileOpen>('remote.read', { path: at('write/config.yaml') });
      const before = await stat(at('write/config.yaml'));
      // Someone on the server edits it: same size, and the mtime put back to the same second.
      await writeFile(at('write/config.yaml'), 'lr: 0.9\n');
      await utimes(at('write/config.yaml'), before.atime, before.mtime);
      const error = await failure('remote.write', { path: at('write/config.yaml'), text: 'lr: 0.5\n', expected: { size: opened.size, mtimeMs: opened.mtimeMs } });
      assert.equal(error.code, 'conflict');
      mentions(error.message, at('write/config.yaml'), host);
      assert.equal(await readFile(at('write/config.yaml'), 'utf8'), 'lr: 0.9\n');
      // A plain stamp change is a conflict too.
      await writeFile(at('write/config.yaml'), 'lr: 0.99\n');
      assert.equal((await failure('remote.write', { path: at('write/config.yaml'), text: 'x', expected: { size: opened.size, mtimeMs: opened.mtimeMs } })).code, 'conflict');
      assert.equal(await readFile(at('write/config.yaml'), 'utf8'), 'lr: 0.99\n');
      assert.deepEqual(await findTempFiles(at('write')), []);
    });

    it('creates with expected null, and refuses when something is there', async () => {
      const created = await call<RemoteEntry>('remote.write', { path: at('write/new.txt'), text: 'fresh\n', expected: null });
      assert.equal(created.size, 6);
      assert.equal(await readFile(at('write/new.txt'), 'utf8'), 'fresh\n');
      const error = await failure('remote.write', { path: at('write/new.txt'), text: 'again\n', expected: null });
      assert.equal(error.code, 'conflict');
      mentions(error.message, at('write/new.txt'), host);
      assert.equal(await readFile(at('write/new.txt'), 'utf8'), 'fresh\n');
    });

    it('saves a linked file at its target, so the link stays a link', async () => {
      await writeTree(elsewhere, { 'write/real.txt': 'real\n' });
      await symlink('real.txt', at('write/alias.txt'));
      const opened = await call<RemoteFileOpen>('remote.read', { path: at('write/alias.txt') });
      assert.ok(opened.kind === 'text' && opened.text === 'real\n');
      await call('remote.write', { path: at('write/alias.txt'), text: 'edited through the link\n', expected: { size: opened.size, mtimeMs: opened.mtimeMs } });
      assert.equal((await lstat(at('write/alias.txt'))).isSymbolicLink(), true);
      assert.equal(await readlink(at('write/alias.txt')), 'real.txt');
      assert.equal(await readFile(at('write/real.txt'), 'utf8'), 'edited through the link\n');
    });
  });

  describe('download', () => {
    it('downloads a folder with nested files, keeping the exec bit and mtime; links are never followed', async () => {
      await writeTree(elsewhere, {
        'outputs/run1/metrics.json': '{"loss": 0.1}\n',
        'outputs/run1/deep/er/log.txt': 'step 1\n',
        'outputs/eval.sh': '#!/bin/sh\n',
        'secret/passwords.txt': 'do not follow\n',
      });
      await chmod(at('outputs/eval.sh'), 0o755);
      await utimes(at('outputs/run1/metrics.json'), 1_700_000_000, 1_700_000_000);
      await symlink('run1/metrics.json', at('outputs/latest.json'));
      await symlink(at('secret'), at('outputs/absolute-link'));
      await symlink('../../secret', at('outputs/run1/escape'));

      const report = await call<RemoteTransferReport>('remote.download', { paths: [at('outputs')], toDir: 'downloads' });
      const got = path.join(local, 'downloads', 'outputs');
      assert.equal(await readFile(path.join(got, 'run1/metrics.json'), 'utf8'), '{"loss": 0.1}\n');
      assert.equal(await readFile(path.join(got, 'run1/deep/er/log.txt'), 'utf8'), 'step 1\n');
      assert.equal((await stat(path.join(got, 'eval.sh'))).mode & 0o111, 0o111);
      assert.equal((await stat(path.join(got, 'run1/metrics.json'))).mtimeMs, 1_700_000_000_000);
      assert.equal(await readlink(path.join(got, 'latest.json')), 'run1/metrics.json');
      assert.equal(await lstat(path.join(got, 'absolute-link')).catch(() => null), null);
      assert.equal(await lstat(path.join(got, 'run1/escape')).catch(() => null), null);
      assert.equal(report.files, 4); // three files and the one link kept
      assert.equal(report.folders, 4); // outputs, run1, deep, er
      assert.equal(report.bytes, 14 + 7 + 10);
      assert.deepEqual(report.skipped.map((skip) => path.basename(skip.path)).sort(), ['absolute-link', 'escape']);
      assert.deepEqual(await findTempFiles(local), []);
      assert.ok(events.some((e) => e.event === 'progress' && (e.payload as LabdeskEvents['progress']).title === 'Download from lab'));
    });

    it('skips a local file that was changed here; identical files count as done', async () => {
      await writeFile(path.join(local, 'downloads/outputs/run1/deep/er/log.txt'), 'my local notes\n');
      const report = await call<RemoteTransferReport>('remote.download', { paths: [at('outputs', 'run1')], toDir: 'downloads/outputs' });
      assert.equal(await readFile(path.join(local, 'downloads/outputs/run1/deep/er/log.txt'), 'utf8'), 'my local notes\n');
      assert.equal(report.skipped.length, 2, JSON.stringify(report.skipped)); // the changed file and the escaping link
      const changed = report.skipped.find((skip) => skip.path.endsWith('log.txt'));
      mentions(changed?.message ?? '', 'changed here');
      assert.equal(report.files, 1); // metrics.json, identical
      assert.equal(report.folders, 0);
    });

    it('refuses to download through a local symlink', async () => {
      await symlink('downloads', path.join(local, 'linked-downloads'));
      const error = await failure('remote.download', { paths: [at('outputs/eval.sh')], toDir: 'linked-downloads' });
      assert.equal(error.code, 'bad-argument');
      assert.equal(error.argument, 'toDir');
      const outside = await failure('remote.download', { paths: [at('outputs/eval.sh')], toDir: '../elsewhere' });
      assert.equal(outside.code, 'outside-workspace');
    });

    it('pulls a synced file edited on the server and records the base, so the next sync has nothing to do', async () => {
      await writeFile(path.join(remote, 'configs/base.yaml'), 'lr: 0.2 # tuned on the server\n');
      const report = await call<RemoteTransferReport>('remote.download', { paths: [path.join(remote, 'configs/base.yaml')], toDir: 'configs' });
      assert.equal(report.files, 1, JSON.stringify(report));
      assert.deepEqual(report.skipped, []);
      assert.equal(await readFile(path.join(local, 'configs/base.yaml'), 'utf8'), 'lr: 0.2 # tuned on the server\n');
      // The base now holds both sides as they are (saved), so nothing is uploaded or in conflict…
      const base = await savedBase('configs/base.yaml');
      const [here, there] = await Promise.all([stat(path.join(local, 'configs/base.yaml')), stat(path.join(remote, 'configs/base.yaml'))]);
      assert.deepEqual(base?.remote, { size: there.size, mtime: Math.floor(there.mtimeMs / 1000), mode: there.mode & 0o7777 });
      assert.equal(base?.local?.mtimeMs, here.mtimeMs);
      assert.equal(base?.local?.hash, createHash('sha256').update('lr: 0.2 # tuned on the server\n').digest('hex'));
      const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
      assert.deepEqual(plan.items.filter((item) => item.path === 'configs/base.yaml'), []);
      // …and upload on save, which sees the pulled file change here, finds nothing to push either.
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.deepEqual(session.sync.status().conflicts, []);
      assert.equal(await readFile(path.join(remote, 'configs/base.yaml'), 'utf8'), 'lr: 0.2 # tuned on the server\n');
    });

    it('does not pull over a synced file that was also changed here', async () => {
      await writeFile(path.join(local, 'train.py'), 'print("edited here")\n');
      await writeFile(path.join(remote, 'train.py'), 'print("edited there")\n');
      const report = await call<RemoteTransferReport>('remote.download', { paths: [path.join(remote, 'train.py')], toDir: '' });
      assert.equal(report.files, 0);
      mentions(report.skipped[0]?.message ?? '', 'train.py', 'changed here');
      assert.equal(await readFile(path.join(local, 'train.py'), 'utf8'), 'print("edited here")\n');
    });

    it('skips names that differ only by case', async () => {
      await writeTree(elsewhere, { 'cases/Model.py': 'a', 'cases/model.py': 'b', 'cases/other.py': 'c' });
      const report = await call<RemoteTransferReport>('remote.download', { paths: [at('cases')], toDir: 'case-test' });
      assert.equal(report.files, 1);
      assert.deepEqual(report.skipped.map((skip) => path.basename(skip.path)).sort(), ['Model.py', 'model.py']);
    });

    it('cancelled mid-way, leaves no partial or temp files', async () => {
      const size = 24 * 1024 * 1024;
      const chunk = randomBytes(size);
      await mkdir(at('big'));
      for (let i = 0; i < 4; i++) await writeFile(at('big', `part${i}.bin`), chunk);
      let cancelled = false;
      const unsubscribe = session.events.subscribe((event, payload) => {
        const progress = payload as LabdeskEvents['progress'];
        if (event !== 'progress' || cancelled || progress.title !== 'Download from lab' || progress.state !== 'running') return;
        if ((progress.bytes?.done ?? 0) > 0) {
          cancelled = true;
          session.tasks.cancel(progress.id);
        }
      });
      try {
        const error = await failure('remote.download', { paths: [at('big')], toDir: 'big-download' });
        assert.equal(error.code, 'cancelled');
      } finally {
        unsubscribe();
      }
      assert.deepEqual(await findTempFiles(path.join(local, 'big-download')), []);
      for (let i = 0; i < 4; i++) {
        const stats = await stat(path.join(local, 'big-download/big', `part${i}.bin`)).catch(() => null);
        if (stats) assert.equal(stats.size, size, `part${i}.bin is complete or absent`);
      }
    });
  });

  describe('upload', () => {
    it('uploads new files and folders; a different existing file is skipped, an identical one counts', async () => {
      await writeTree(local, { 'results/a.csv': 'a,b\n1,2\n', 'results/sub/b.txt': 'b\n', 'results/same.txt': 'same\n' });
      await writeTree(elsewhere, { 'uploads/results/a.csv': 'different on the server\n', 'uploads/results/same.txt': 'same\n' });
      const report = await call<RemoteTransferReport>('remote.upload', { paths: ['results'], toDir: at('uploads') });
      assert.equal(await readFile(at('uploads/results/sub/b.txt'), 'utf8'), 'b\n');
      assert.equal(await readFile(at('uploads/results/a.csv'), 'utf8'), 'different on the server\n');
      assert.equal(report.files, 2);
      assert.equal(report.folders, 1);
      assert.equal(report.bytes, 2);
      assert.deepEqual(report.skipped.map((skip) => skip.path), ['results/a.csv']);
      mentions(report.skipped[0]?.message ?? '', at('uploads/results/a.csv'), host);
      assert.deepEqual(await findTempFiles(at('uploads')), []);
    });

    it('records the base when uploading to the mirrored place', async () => {
      await writeTree(local, { 'notes.md': '# notes\n' });
      const report = await call<RemoteTransferReport>('remote.upload', { paths: ['notes.md'], toDir: remote });
      assert.equal(report.files, 1);
      assert.equal(await readFile(path.join(remote, 'notes.md'), 'utf8'), '# notes\n');
      const there = await stat(path.join(remote, 'notes.md'));
      assert.deepEqual((await savedBase('notes.md'))?.remote, { size: there.size, mtime: Math.floor(there.mtimeMs / 1000), mode: there.mode & 0o7777 });
      const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
      assert.deepEqual(plan.items.filter((item) => item.path === 'notes.md'), []);
    });
  });

  describe('mkdir, rename, delete', () => {
    it('creates a folder, and says when it exists', async () => {
      const made = await call<RemoteEntry>('remote.mkdir', { path: at('made') });
      assert.equal(made.kind, 'dir');
      assert.equal((await stat(at('made'))).isDirectory(), true);
      const again = await failure('remote.mkdir', { path: at('made') });
      assert.equal(again.code, 'already-exists');
      mentions(again.message, at('made'), host);
      assert.equal((await failure('remote.mkdir', { path: at('no/such/parent') })).code, 'not-found');
    });

    it('renames, and never replaces an existing entry', async () => {
      await writeTree(elsewhere, { 'ren/a.txt': 'a', 'ren/b.txt': 'b' });
      const error = await failure('remote.rename', { from: at('ren/a.txt'), to: at('ren/b.txt') });
      assert.equal(error.code, 'already-exists');
      mentions(error.message, at('ren/b.txt'), host);
      assert.equal(await readFile(at('ren/b.txt'), 'utf8'), 'b');
      const renamed = await call<RemoteEntry>('remote.rename', { from: at('ren/a.txt'), to: at('ren/c.txt') });
      assert.equal(renamed.path, at('ren/c.txt'));
      assert.equal(await readFile(at('ren/c.txt'), 'utf8'), 'a');
      assert.equal((await failure('remote.rename', { from: at('ren'), to: at('ren/inside') })).code, 'bad-argument');
    });

    it('deletes a folder with everything inside, and through a link only the link', async () => {
      await writeTree(elsewhere, { 'del/keep/precious.txt': 'precious', 'del/tree/a/b.txt': 'b', 'del/tree/c.txt': 'c' });
      await symlink(at('del/keep'), at('del/tree/link-to-keep'));
      await symlink(at('del/keep'), at('del/link'));
      const link = await call<{ path: string; removed: number }>('remote.delete', { path: at('del/link') });
      assert.equal(link.removed, 1);
      assert.equal(await readFile(at('del/keep/precious.txt'), 'utf8'), 'precious');
      const tree = await call<{ path: string; removed: number }>('remote.delete', { path: at('del/tree') });
      assert.equal(tree.removed, 5); // a/b.txt, a, c.txt, link-to-keep, tree
      assert.equal(await stat(at('del/tree')).catch(() => null), null);
      assert.equal(await readFile(at('del/keep/precious.txt'), 'utf8'), 'precious');
      assert.equal((await failure('remote.delete', { path: at('del/tree') })).code, 'not-found');
    });

    it('refuses to delete / and the home folder', async () => {
      assert.equal((await failure('remote.delete', { path: '/' })).code, 'bad-argument');
      const home = await realpath(os.homedir());
      const error = await failure('remote.delete', { path: home });
      assert.equal(error.code, 'bad-argument');
      mentions(error.message, 'home');
    });
  });

  describe('permission denied on the server', () => {
    it('names the file and the host, and leaves everything as it was', async (t) => {
      await writeTree(elsewhere, { 'locked/file.txt': 'locked\n' });
      const reason = lockFolder(at('locked'), undo);
      if (reason) return t.skip(reason);
      const opened = await call<RemoteFileOpen>('remote.read', { path: at('locked/file.txt') });
      const save = await failure('remote.write', { path: at('locked/file.txt'), text: 'changed\n', expected: { size: opened.size, mtimeMs: opened.mtimeMs } });
      assert.equal(save.code, 'permission-denied');
      mentions(save.message, at('locked/file.txt'), host);
      assert.equal(await readFile(at('locked/file.txt'), 'utf8'), 'locked\n');
      const folder = await failure('remote.mkdir', { path: at('locked/sub') });
      assert.equal(folder.code, 'permission-denied');
      mentions(folder.message, at('locked/sub'), host);
      const removal = await failure('remote.delete', { path: at('locked/file.txt') });
      assert.equal(removal.code, 'permission-denied');
      mentions(removal.message, at('locked/file.txt'), host);
      assert.equal(await readFile(at('locked/file.txt'), 'utf8'), 'locked\n');
      const upload = await failure('remote.upload', { paths: ['train.py'], toDir: at('locked') });
      assert.equal(upload.code, 'permission-denied');
      mentions(upload.message, at('locked/train.py'), host);
      assert.deepEqual(await findTempFiles(at('locked')), []);
    });

    it('a partly failed delete says what was removed and what was not', async (t) => {
      await writeTree(elsewhere, { 'mixed/open/a.txt': 'a', 'mixed/open/b.txt': 'b', 'mixed/stuck/c.txt': 'c' });
      const reason = lockFolder(at('mixed/stuck'), undo);
      if (reason) return t.skip(reason);
      const error = await failure('remote.delete', { path: at('mixed') });
      assert.equal(error.code, 'permission-denied');
      mentions(error.message, at('mixed'), host, 'partly deleted', '3 entries were removed', at('mixed/stuck/c.txt'));
      assert.equal(await stat(at('mixed/open')).catch(() => null), null);
      assert.equal(await readFile(at('mixed/stuck/c.txt'), 'utf8'), 'c');
    });
  });
});

function pick(entry: RemoteEntry | undefined): Partial<RemoteEntry> {
  return { kind: entry?.kind, linkTarget: entry?.linkTarget, linkKind: entry?.linkKind };
}
