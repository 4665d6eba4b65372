import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTarget } from '../../main/cli/sync-command';
import type { SshSession } from '../../main/ssh/connect';
import { ReconnectingConnection } from '../../main/ssh/reconnecting-connection';
import { SyncWatcher, type SyncWatchEvent } from '../../main/sync/watch/sync-watcher';
import { cliEnv, sshUrl } from '../fixtures/cli';
import { startSshd, type SshdServer } from '../fixtures/sshd';

const REPO = path.resolve(import.meta.dirname, '../..');

type WatchEvent = Record<string, unknown> & { event: string };

/**
 * `labdesk watch` end to end: the real CLI (one process for the whole suite, with --delete so the
 * burst test shows deletions are held back even when asked for), a real OpenSSH server on
 * loopback, real files. The remote root is a folder on this machine, so the test can look at it
 * (and edit it, as someone on the server would) directly. Events are the CLI's --json lines.
 */
describe('labdesk watch (CLI) against a real sshd', { timeout: 120_000 }, () => {
  let server: SshdServer;
  let home: string;
  let local: string;
  let remote: string;
  let child: ChildProcess | null = null;
  let exited: Promise<number | null>;
  const events: WatchEvent[] = [];
  let stderr = '';

  before(async () => {
    server = await startSshd();
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-sync-watch-'));
    local = path.join(home, 'project');
    remote = path.join(home, 'server', 'project');
    const files: Record<string, string> = {
      'train.py': 'print("train")\n',
      'configs/base.yaml': 'lr: 0.1\n',
      'notes/a.txt': 'a v1\n',
      'notes/b.txt': 'b v1\n',
      'notes/c.txt': 'c v1\n',
      'old.py': 'to be deleted\n',
      '.gitignore': 'output/\n',
    };
    for (const [relative, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(local, relative)), { recursive: true });
      await writeFile(path.join(local, relative), text);
    }
    const env = await cliEnv(home);
    const target = sshUrl(server, remote);
    const args = ['out/cli/labdesk.js', 'watch', local, target, '--identity', server.clientKeyPath, '--known-hosts', server.knownHostsPath, '--json', '--delete'];
    const spawned = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', (code) => resolve(code)));
    let pending = '';
    spawned.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          events.push(JSON.parse(line) as WatchEvent);
        } catch {
          stderr += `[unparsable stdout] ${line}\n`;
        }
      }
    });
    spawned.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** The first event at or after `from` that matches; fails after `timeoutMs` or if the CLI exits. */
  async function waitFor(predicate: (event: WatchEvent) => boolean, options: { from: number; timeoutMs: number; what: string }): Promise<WatchEvent> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const found = events.slice(options.from).find(predicate);
      if (found) return found;
      if (child?.exitCode !== null || Date.now() > deadline) {
        assert.fail(`no ${options.what} within ${options.timeoutMs} ms (exit ${String(child?.exitCode)}).\nevents: ${JSON.stringify(events.slice(options.from))}\nstderr: ${stderr}`);
      }
      await delay(20);
    }
  }

  const remoteText = (relative: string) => readFile(path.join(remote, relative), 'utf8').catch(() => null);
  const pushOf = (relative: string) => (event: WatchEvent) => event.event === 'push' && Array.isArray(event.paths) && event.paths.includes(relative);

  it('starts with a full sync, then watches', async () => {
    const initial = await waitFor((event) => event.event === 'push' && event.reason === 'initial', { from: 0, timeoutMs: 30_000, what: 'initial push' });
    assert.equal(initial.uploaded, 7, stderr);
    assert.deepEqual(initial.conflicts, []);
    await waitFor((event) => event.event === 'watching', { from: 0, timeoutMs: 5_000, what: 'watching' });
    assert.equal(await remoteText('notes/b.txt'), 'b v1\n');
  });

  it('a saved file lands on the server within 2 s', async (t) => {
    const latencies: number[] = [];
    for (let round = 1; round <= 5; round++) {
      const text = `print("train v${round + 1}")\n`;
      await writeFile(path.join(local, 'train.py'), text);
      const saved = Date.now();
      while ((await remoteText('train.py')) !== text) {
        assert.ok(Date.now() - saved < 2_000, `save ${round} did not land within 2 s; stderr: ${stderr}`);
        await delay(5);
      }
      latencies.push(Date.now() - saved);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    t.diagnostic(`save→remote latency (watcher path), 5 saves: ${latencies.join(', ')} ms; median ${sorted[2]} ms`);
    const last = await waitFor(pushOf('train.py'), { from: 0, timeoutMs: 2_000, what: 'push of train.py' });
    assert.equal(last.reason, 'change');
  });

  it('editors that save by temp file and rename (vim, JetBrains) push the final file only, never the temp', async () => {
    // Each step waits longer than the watcher's debounce, so windows close between them, as with a
    // large file or a slow disk: the temp and the moved-aside original exist while a window closes.
    const file = path.join(local, 'train.py');
    const from = events.length;
    const vim = 'print("saved by vim")\n';
    await rename(file, `${file}~`);
    await delay(100);
    await writeFile(file, vim);
    await delay(100);
    await rm(`${file}~`);
    await waitFor((event) => pushOf('train.py')(event) && event.uploaded === 1, { from, timeoutMs: 5_000, what: 'push of the vim save' });
    assert.equal(await remoteText('train.py'), vim);

    const jetbrains = 'print("saved by PyCharm")\n';
    const second = events.length;
    await writeFile(`${file}___jb_tmp___`, jetbrains);
    await delay(100);
    await rename(file, `${file}___jb_old___`);
    await delay(100);
    await rename(`${file}___jb_tmp___`, file);
    await delay(100);
    await rm(`${file}___jb_old___`);
    await waitFor((event) => pushOf('train.py')(event) && event.uploaded === 1, { from: second, timeoutMs: 5_000, what: 'push of the JetBrains save' });
    assert.equal(await remoteText('train.py'), jetbrains);
    await delay(800); // anything else the watcher queued would have gone by now

    const pushed = events.slice(from).filter((event) => event.event === 'push');
    const pushedPaths = pushed.flatMap((event) => (Array.isArray(event.paths) ? (event.paths as string[]) : []));
    assert.deepEqual([...new Set(pushedPaths)], ['train.py'], JSON.stringify(pushed));
    assert.deepEqual(pushed.filter((event) => event.deleted !== 0), [], 'the moved-aside original was never deleted on the server (--delete is on)');
    assert.deepEqual((await readdir(remote)).filter((name) => name.startsWith('train.py')), ['train.py']);
  });

  it('a file edited on the server, then here, is a conflict and the server copy is untouched', async () => {
    const from = events.length;
    const theirs = 'lr: 0.05  # tuned on the server\n';
    await writeFile(path.join(remote, 'configs/base.yaml'), theirs);
    await writeFile(path.join(local, 'configs/base.yaml'), 'lr: 0.3\n');
    const conflicted = (event: WatchEvent) => pushOf('configs/base.yaml')(event) && Array.isArray(event.conflicts) && event.conflicts.length > 0;
    const push = await waitFor(conflicted, { from, timeoutMs: 5_000, what: 'conflict on configs/base.yaml' });
    assert.deepEqual(push.conflicts, [{ path: 'configs/base.yaml', reason: 'remote-changed' }]);
    assert.equal(push.uploaded, 0);
    assert.equal(await remoteText('configs/base.yaml'), theirs);

    // Taking the server's version here settles it (adopted, nothing written), so the watch can end in sync.
    const settled = events.length;
    await writeFile(path.join(local, 'configs/base.yaml'), theirs);
    const clean = (event: WatchEvent) => pushOf('configs/base.yaml')(event) && Array.isArray(event.conflicts) && event.conflicts.length === 0;
    await waitFor(clean, { from: settled, timeoutMs: 5_000, what: 'conflict-free push of configs/base.yaml' });
    assert.equal(await remoteText('configs/base.yaml'), theirs);
    assert.deepEqual(events.slice(from).filter((event) => pushOf('configs/base.yaml')(event) && event.uploaded !== 0), [], 'the server copy was never overwritten');
  });

  it('with --delete, a single local deletion is pushed', async () => {
    const from = events.length;
    await rm(path.join(local, 'old.py'));
    const push = await waitFor(pushOf('old.py'), { from, timeoutMs: 5_000, what: 'push of the deletion' });
    assert.equal(push.deleted, 1);
    await assert.rejects(stat(path.join(remote, 'old.py')));
  });

  it('a burst of 300 new files is rescanned and all arrive; a burst of deletions deletes nothing remotely', async () => {
    // Written and then deleted one by one over ~600 ms each, as a slow checkout would: longer
    // than the watcher's own batching (it reports the first change at once, then every 500 ms),
    // so each burst arrives in parts.
    const name = (i: number) => path.join(local, 'burst', `f${String(i).padStart(3, '0')}.py`);
    let from = events.length;
    await mkdir(path.join(local, 'burst'));
    for (let i = 0; i < 300; i++) {
      await writeFile(name(i), `x = ${i}\n`);
      if (i % 10 === 9) await delay(20);
    }
    const rescanning = await waitFor((event) => event.event === 'rescanning', { from, timeoutMs: 10_000, what: 'rescanning' });
    assert.ok(Number(rescanning.changed) > 200, JSON.stringify(rescanning));
    const plan = await waitFor((event) => event.event === 'plan', { from, timeoutMs: 15_000, what: 'rescan plan' });
    assert.equal(plan.approved, true);
    assert.equal(plan.delete, 0);
    const push = await waitFor((event) => event.event === 'push' && event.reason === 'rescan', { from, timeoutMs: 15_000, what: 'rescan push' });
    // The first file may go on its own before the rest is seen (the watcher reports it at once).
    const early = events.slice(from, events.indexOf(rescanning)).filter((event) => event.event === 'push');
    assert.ok(early.length <= 1 && early.every((event) => Number(event.uploaded) <= 1), `pushed blindly before the rescan: ${JSON.stringify(early)}`);
    assert.equal(Number(push.uploaded) + early.reduce((sum, event) => sum + Number(event.uploaded), 0), 300, JSON.stringify(push));
    assert.equal((await readdir(path.join(remote, 'burst'))).length, 300);
    // Let the watcher settle: no push of the burst's paths may be left in flight.
    await delay(500);

    from = events.length;
    for (let i = 0; i < 300; i++) {
      await rm(name(i));
      if (i % 10 === 9) await delay(20);
    }
    await rm(path.join(local, 'burst'), { recursive: true });
    await waitFor((event) => event.event === 'rescanning', { from, timeoutMs: 10_000, what: 'rescanning after the deletions' });
    const after = await waitFor((event) => event.event === 'push' && event.reason === 'rescan', { from, timeoutMs: 15_000, what: 'rescan push after the deletions' });
    assert.equal(after.deleted, 0);
    await delay(1_000); // anything still queued would have gone by now
    assert.deepEqual(events.slice(from).filter((event) => event.event === 'push' && event.deleted !== 0), [], 'no push deleted anything');
    assert.equal((await readdir(path.join(remote, 'burst'))).length, 300, 'a burst never deletes on the server, even with --delete');
  });

  it('sshd restarted during watch: saves made meanwhile are queued and land in order', async () => {
    const files = ['a.txt', 'b.txt', 'c.txt'];
    let from = events.length;
    await server.kill();
    const offline = await waitFor((event) => event.event === 'state' && event.state === 'offline', { from, timeoutMs: 10_000, what: 'offline state' });
    assert.equal(offline.queued, 0);

    // While the server is down: a, b, c, then a again (its place in the queue stays first).
    await writeFile(path.join(local, 'notes/a.txt'), 'a v2\n');
    await delay(300);
    await writeFile(path.join(local, 'notes/b.txt'), 'b v2\n');
    await delay(300);
    await writeFile(path.join(local, 'notes/c.txt'), 'c v2\n');
    await delay(300);
    await writeFile(path.join(local, 'notes/a.txt'), 'a v3, the last save\n');
    await delay(500);
    assert.equal(await remoteText('notes/a.txt'), 'a v1\n');

    // A log of arrival: the order in which the final names appear on the server.
    const arrivals: string[] = [];
    let remoteWatch: FSWatcher | null = null;
    try {
      remoteWatch = watch(path.join(remote, 'notes'), (_type, name) => {
        const file = name?.toString();
        if (file && files.includes(file) && !arrivals.includes(file)) arrivals.push(file);
      });
      from = events.length;
      const restarted = Date.now();
      await server.restart();
      const online = await waitFor((event) => event.event === 'state' && event.state === 'online', { from, timeoutMs: 15_000, what: 'online state' });
      assert.equal(online.queued, 3);
      const push = await waitFor((event) => event.event === 'push' && event.reason === 'queued', { from, timeoutMs: 10_000, what: 'push of the queued saves' });
      assert.equal(push.uploaded, 3, JSON.stringify(push));
      assert.deepEqual(push.paths, ['notes/a.txt', 'notes/b.txt', 'notes/c.txt']);
      assert.ok(Date.now() - restarted < 15_000);
      await delay(100); // let fs.watch deliver the last rename
    } finally {
      remoteWatch?.close();
    }
    assert.equal(await remoteText('notes/a.txt'), 'a v3, the last save\n');
    assert.equal(await remoteText('notes/b.txt'), 'b v2\n');
    assert.equal(await remoteText('notes/c.txt'), 'c v2\n');
    assert.deepEqual(arrivals, files, 'queued saves land in the order they were made');

    // And watching goes on over the new connection.
    from = events.length;
    await writeFile(path.join(local, 'notes/b.txt'), 'b v3 after the reconnect\n');
    await waitFor(pushOf('notes/b.txt'), { from, timeoutMs: 5_000, what: 'push after the reconnect' });
    assert.equal(await remoteText('notes/b.txt'), 'b v3 after the reconnect\n');
  });

  it('SIGTERM stops it cleanly: exit 0, state file written', async () => {
    child?.kill('SIGTERM');
    const code = await Promise.race([exited, delay(15_000).then(() => 'timeout' as const)]);
    assert.equal(code, 0, `exit ${String(code)}; stderr: ${stderr}`);
    const stopped = events.at(-1);
    assert.deepEqual(stopped, { event: 'stopped', inSync: true, queued: 0, conflicts: [] });
    const stateDir = path.join(local, '.labdesk', 'state');
    const [stateFile, ...others] = await readdir(stateDir);
    assert.equal(others.length, 0);
    const saved = JSON.parse(await readFile(path.join(stateDir, stateFile as string), 'utf8')) as { entries: Record<string, { local: { size: number } | null }> };
    // The base holds the last pushed version of each file, and no deleted one.
    assert.equal(saved.entries['notes/a.txt']?.local?.size, 'a v3, the last save\n'.length);
    assert.equal(saved.entries['notes/b.txt']?.local?.size, 'b v3 after the reconnect\n'.length);
    assert.equal(saved.entries['old.py'], undefined);
    assert.equal(saved.entries['burst/f000.py']?.local?.size, 'x = 0\n'.length, 'kept on the server, so still in the base');
  });
});

/** The module the desktop app uses: the editor calls notifySaved() after each save. */
describe('SyncWatcher: upload on save (notifySaved)', { timeout: 60_000 }, () => {
  let server: SshdServer;
  let home: string;
  let local: string;
  let remote: string;
  let connection: ReconnectingConnection | null = null;
  let watcher: SyncWatcher | null = null;
  const events: SyncWatchEvent[] = [];
  const savedEnv = { ...process.env };

  before(async () => {
    server = await startSshd();
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-sync-save-'));
    local = path.join(home, 'project');
    remote = path.join(home, 'server', 'project');
    await mkdir(local, { recursive: true });
    await writeFile(path.join(local, 'model.py'), 'layers = 1\n');
    await writeFile(path.join(home, 'ssh_config'), '');
    process.env.LABDESK_CONFIG_DIR = path.join(home, 'config');
    process.env.LABDESK_SSH_CONFIG = path.join(home, 'ssh_config');
    delete process.env.SSH_AUTH_SOCK;
    const opened = await openTarget(local, `ssh://${server.username}@127.0.0.1:${server.port}${remote}`, {
      identity: server.clientKeyPath,
      knownHosts: server.knownHostsPath,
      acceptNew: false,
    });
    let first: SshSession | null = opened.ssh;
    connection = new ReconnectingConnection(async () => {
      const ready = first;
      first = null;
      return ready ?? opened.connect();
    });
    await connection.ready();
    const { localRoot, remoteRoot, hostLabel, state, ignore } = opened.session;
    watcher = new SyncWatcher({
      session: { localRoot, remoteRoot, hostLabel, state, ignore },
      connection,
      deleteRemote: false,
      confirmBurst: () => Promise.resolve(true),
      onEvent: (event) => events.push(event),
    });
    const initial = await watcher.start({ initialSync: true });
    assert.equal(initial?.uploaded, 1);
  });

  after(async () => {
    await watcher?.stop();
    connection?.close();
    await server?.stop();
    if (home) await rm(home, { recursive: true, force: true });
    for (const name of ['LABDESK_CONFIG_DIR', 'LABDESK_SSH_CONFIG', 'SSH_AUTH_SOCK']) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it('a save is pushed at once, without the watcher\'s debounce', async (t) => {
    const latencies: number[] = [];
    for (let round = 1; round <= 10; round++) {
      const text = `layers = ${round + 1}\n`;
      await writeFile(path.join(local, 'model.py'), text);
      const saved = Date.now();
      watcher?.notifySaved(['model.py']);
      while ((await readFile(path.join(remote, 'model.py'), 'utf8').catch(() => null)) !== text) {
        assert.ok(Date.now() - saved < 2_000, `save ${round} did not land within 2 s`);
        await delay(2);
      }
      latencies.push(Date.now() - saved);
      await delay(300); // the file watcher's own event for this save arrives and finds nothing to do
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    t.diagnostic(`save→remote latency (notifySaved, loopback), 10 saves: ${latencies.join(', ')} ms; p50 ${sorted[4]} ms, max ${sorted[9]} ms`);
    const pushes = events.filter((event) => event.type === 'push' && event.paths.includes('model.py'));
    assert.ok(pushes.some((event) => event.type === 'push' && event.reason === 'save'));
    // Ten saves, ten uploads: the watcher seeing the same save again wrote nothing more.
    assert.equal(pushes.reduce((sum, event) => sum + (event.type === 'push' ? event.report.uploaded : 0), 0), 10);
    assert.equal(watcher?.inSync, true);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
