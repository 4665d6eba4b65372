import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord, TerminalInfo } from '../../preload/api';
import { cliEnv, sshAuthArgs, sshUrl, tmuxAvailable } from '../fixtures/cli';
import { startCuttableLink, trustLinkAsServer, type CuttableLink } from '../fixtures/cuttable-link';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';
import { TerminalProbe } from '../fixtures/terminal-probe';

/**
 * Terminals through the dispatch table, as the window opens them, against a real sshd and real
 * tmux: typing, the remote root and environment line, resizing, a cut connection reattached to the
 * same shell, a shell left by an earlier window reattached with its scrollback, a run's session
 * attached read-only, a 100 MB `cat` with bounded memory, and a server without tmux.
 */
const skip = tmuxAvailable() ? false : 'tmux is not installed';
const REPO = path.resolve(import.meta.dirname, '../..');

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', 'labdesk', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('terminals backed by tmux on the server', { skip }, () => {
  let fixture: SyncSession;
  let link: CuttableLink;
  const { call } = sessionHelpers(() => fixture.session);
  const probe = (options?: { ackDelayMs?: number; keep?: number }) => new TerminalProbe(fixture.session.events, (id, chars) => call('terminal.ack', { id, chars }), options);
  const opened: string[] = [];
  const open = async (arg: Record<string, unknown> = {}) => {
    const info = await call<TerminalInfo>('terminal.open', { cols: 80, rows: 24, ...arg });
    opened.push(info.id);
    return info;
  };
  const type = (id: string, data: string) => call('terminal.input', { id, data });

  before(async () => {
    fixture = await startSyncSession({ prefix: 'labdesk-terminal-', files: { 'train.py': 'print(1)\n', '.gitignore': '.labdesk/state/\n' } });
    link = await startCuttableLink(fixture.server.port);
    await trustLinkAsServer(fixture.server.knownHostsPath, fixture.server.port, link.port);
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), port: link.port, environment: 'export LABDESK_ENV_LINE=applied' });
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
  });
  after(async () => {
    for (const id of opened) await call('terminal.close', { id }).catch(() => undefined);
    await link?.close();
    await fixture?.close();
  });

  it('types into a shell in the remote root with the environment line applied, and resizing changes tput cols', async () => {
    const screen = probe();
    const terminal = await open();
    assert.match(terminal.tmuxSession ?? '', new RegExp(`^labdesk-term-[0-9a-f]{6}-${terminal.id}$`), 'named for the project and the terminal');
    assert.equal(terminal.notice, null);
    await type(terminal.id, 'echo "in $(pwd) env=$LABDESK_ENV_LINE sum=$((6 * 7))"\r');
    await screen.waitFor(new RegExp(`in ${fixture.remote} env=applied sum=42`));
    await type(terminal.id, 'echo "term=$TERM cols=$(tput cols)"\r');
    await screen.waitFor(/term=\S+ cols=80\b/);
    await call('terminal.resize', { id: terminal.id, cols: 132, rows: 40 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await type(terminal.id, 'echo "now $(tput cols)x$(tput lines)"\r');
    await screen.waitFor(/now 132x40/);
    screen.close();
  });

  it('survives a cut connection: it says it is reconnecting, then the same shell answers, its scrollback still in tmux', async () => {
    const screen = probe();
    const terminal = await open();
    await type(terminal.id, 'KEPT=same-shell; echo before-the-cut\r');
    await screen.waitFor(/^before-the-cut$/m);

    link.cut({ down: true });
    await screen.waitForState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    link.restore();
    await screen.waitForState('connected');
    await type(terminal.id, 'echo "after the cut: $KEPT"\r');
    await screen.waitFor(/after the cut: same-shell/);
    assert.match(tmux('capture-pane', '-p', '-S', '-', '-t', `=${terminal.tmuxSession}:`), /before-the-cut[^]*after the cut: same-shell/);
    screen.close();
  });

  it('a shell left by an earlier window is listed and reattached with what it showed', async () => {
    const first = await open();
    const screen = probe();
    screen.follow(first.id);
    await type(first.id, 'echo left-here-$((40 + 2))\r');
    await screen.waitFor(/left-here-42/);
    screen.close();
    // The window goes away (reload): the channels close, the tmux sessions stay.
    fixture.session.terminals.closeAll();
    // Another project's shell on the same server is not this window's to reattach.
    tmux('new-session', '-d', '-s', 'labdesk-term-ffffff-tother', 'sleep 60');
    const sessions = await call<string[]>('terminal.sessions', {});
    assert.ok(sessions.includes(first.tmuxSession as string), JSON.stringify(sessions));
    assert.ok(!sessions.includes('labdesk-term-ffffff-tother'), JSON.stringify(sessions));
    tmux('kill-session', '-t', '=labdesk-term-ffffff-tother');

    const again = probe();
    const reattached = await open({ session: first.tmuxSession });
    assert.equal(reattached.tmuxSession, first.tmuxSession);
    await again.waitFor(/left-here-42/);
    await type(reattached.id, 'echo still-$((1 + 1))\r');
    await again.waitFor(/still-2/);
    assert.ok(!(await call<string[]>('terminal.sessions', {})).includes(first.tmuxSession as string), 'shown here now');
    // Closing the tab ends the shell and its session.
    await call('terminal.close', { id: reattached.id });
    assert.throws(() => tmux('has-session', '-t', `=${first.tmuxSession}`));
    again.close();
  });

  it("attaches to a run's session read-only: its output shows, keys are not passed on, and closing leaves the run running", async () => {
    const run = await call<RunRecord>('runs.launch', { command: 'for i in $(seq 1 30); do echo "tick $i"; sleep 0.1; done; read -t 1 typed; echo "typed=[$typed]"' });
    const screen = probe();
    const attached = await open({ run: { id: run.id, readOnly: true } });
    assert.deepEqual([attached.readOnly, attached.tmuxSession], [true, `labdesk-${run.id}`]);
    await screen.waitFor(/tick \d+/);
    await type(attached.id, 'sneaky\r');
    await call('terminal.close', { id: attached.id });
    tmux('has-session', '-t', `=labdesk-${run.id}`);
    const log = path.join(fixture.remote, '.labdesk', 'runs', run.id, 'output.log');
    const end = Date.now() + 30_000;
    while (!(await readFileOrEmpty(log)).includes('typed=')) {
      if (Date.now() > end) assert.fail('the run did not finish');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.match(await readFileOrEmpty(log), /typed=\[\]/, 'nothing typed in a read-only terminal reached the run');
    screen.close();
  });

  it('labdesk shell opens the same tmux-backed shell in this terminal: in the remote root, typed into, exit 0 when it ends', async () => {
    const env = await cliEnv(fixture.home, 'cli-config');
    const child = spawn(process.execPath, ['out/cli/labdesk.js', 'shell', fixture.local, sshUrl(fixture.server, fixture.remote), ...sshAuthArgs(fixture.server)], { cwd: REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.write('echo "cli in $(pwd): $((2 * 21))"\n');
    const end = Date.now() + 20_000;
    while (!/cli in \S+: 42/.test(out) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(out, new RegExp(`cli in ${fixture.remote}: 42`));
    child.stdin.write('exit\n');
    assert.equal(await code, 0, out);
  });

  it('a 100 MB cat through tmux finishes with bounded memory here', async () => {
    makeBigFile(path.join(fixture.remote, 'big.txt'));
    const screen = probe({ keep: 64 * 1024 });
    const terminal = await open();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    await type(terminal.id, 'cat big.txt; echo "cat-done-$((3 * 3))"\r');
    await screen.waitFor(/cat-done-9/, 120_000);
    const grew = process.memoryUsage().rss - before;
    assert.ok(grew < 200 * 1024 * 1024, `memory grew ${Math.round(grew / 1e6)} MB`);
    assert.ok(screen.maxUnacknowledged < 2 * 1024 * 1024, `at most ${screen.maxUnacknowledged} characters were in flight`);
    console.log(`# 100 MB cat through tmux: ${((Date.now() - started) / 1000).toFixed(1)} s, ${screen.received} characters drawn, rss +${Math.round(grew / 1e6)} MB`);
    screen.close();
  });
});

describe('a terminal on a server without tmux', { skip }, () => {
  let fixture: SyncSession;
  const { call } = sessionHelpers(() => fixture.session);

  before(async () => {
    // The server's PATH has everything of /usr/bin and /bin but tmux.
    const bin = path.join(os.tmpdir(), `labdesk-no-tmux-${process.pid}`);
    await mkdir(bin, { recursive: true });
    for (const dir of ['/usr/bin', '/bin']) {
      for (const name of await readdir(dir)) {
        if (name !== 'tmux') await symlink(path.join(dir, name), path.join(bin, name)).catch(() => undefined);
      }
    }
    fixture = await startSyncSession({ prefix: 'labdesk-terminal-plain-', files: { 'a.txt': 'a\n' }, sshdConfig: [`SetEnv PATH=${bin}`] });
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), environment: 'export LABDESK_ENV_LINE=typed' });
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
  });
  after(() => fixture?.close());

  it('opens a plain shell with a notice; a 100 MB cat to a slow window stays within the watermarks', async () => {
    const screen = new TerminalProbe(fixture.session.events, (id, chars) => call('terminal.ack', { id, chars }), { ackDelayMs: 20, keep: 64 * 1024 });
    const terminal = await call<TerminalInfo>('terminal.open', { cols: 100, rows: 30 });
    assert.equal(terminal.tmuxSession, null);
    assert.match(terminal.notice ?? '', /tmux is not installed on .*plain shell.*ends if the connection drops/);
    await call('terminal.input', { id: terminal.id, data: 'echo "in $(pwd) env=$LABDESK_ENV_LINE"\r' });
    await screen.waitFor(new RegExp(`in ${fixture.remote} env=typed`));

    makeBigFile(path.join(fixture.remote, 'big.txt'));
    const before = process.memoryUsage().rss;
    const started = Date.now();
    await call('terminal.input', { id: terminal.id, data: 'cat big.txt; echo "cat-done-$((3 * 3))"\r' });
    await screen.waitFor(/cat-done-9/, 180_000);
    const grew = process.memoryUsage().rss - before;
    assert.ok(screen.received >= 100 * 1024 * 1024, `the whole file arrived (${screen.received})`);
    assert.ok(screen.maxUnacknowledged < 2 * 1024 * 1024, `at most ${screen.maxUnacknowledged} characters were in flight`);
    assert.ok(grew < 150 * 1024 * 1024, `memory grew ${Math.round(grew / 1e6)} MB`);
    console.log(`# 100 MB cat, plain shell, window drawing 20 ms behind: ${((Date.now() - started) / 1000).toFixed(1)} s, at most ${(screen.maxUnacknowledged / 1024).toFixed(0)} K characters in flight, rss +${Math.round(grew / 1e6)} MB`);
    await call('terminal.close', { id: terminal.id });
    screen.close();
  });
});

function readFileOrEmpty(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

/** 100 MiB of 65-byte lines, written by the shell (the test keeps none of it in memory). */
function makeBigFile(file: string): void {
  execFileSync('sh', ['-c', `yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | head -c ${100 * 1024 * 1024} > "$1"`, 'sh', file]);
}
