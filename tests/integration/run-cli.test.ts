import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord } from '../../preload/api';
import { cliEnv, runCli, sshAuthArgs, sshUrl, tmuxAvailable } from '../fixtures/cli';
import { startSshd, sshdAvailable, type SshdServer } from '../fixtures/sshd';


/**
 * `labdesk run` and `labdesk runs` end to end: the real CLI, a real sshd on loopback with tmux,
 * a real git project. The server's folder is on this machine, so the test can look at it.
 */
describe('labdesk run / runs (CLI) against a real sshd with tmux', { skip: !sshdAvailable() ? 'OpenSSH server not installed' : !tmuxAvailable() ? 'tmux not installed' : false }, () => {
  let server: SshdServer;
  let home = '';
  let local = '';
  let remote = '';
  let env: NodeJS.ProcessEnv;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: local, env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'a@x' }, encoding: 'utf8' }).trim();

  before(async () => {
    server = await startSshd();
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-run-cli-'));
    local = path.join(home, 'project');
    remote = path.join(home, 'server', 'project');
    await mkdir(path.join(local, 'configs'), { recursive: true });
    await writeFile(path.join(local, 'train.sh'), '#!/bin/sh\nfor step in 1 2 3; do echo "step=$step loss=0.$((4 - step))"; done\necho "config: $(cat "$1")"\nexit "${2:-0}"\n');
    await chmod(path.join(local, 'train.sh'), 0o755);
    await writeFile(path.join(local, 'configs/a.yaml'), 'lr: 0.1\n');
    await writeFile(path.join(local, 'requirements.txt'), 'torch==2.5\n');
    await writeFile(path.join(local, '.gitignore'), '.labdesk/state/\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'first');
    await writeFile(path.join(local, 'configs/a.yaml'), 'lr: 0.3\n'); // uncommitted
    await writeFile(path.join(local, 'notes.txt'), 'untracked\n');
    env = await cliEnv(home);
  });
  after(async () => {
    try {
      for (const id of await readdir(path.join(local, 'journal', 'runs'))) execFileSync('tmux', ['-L', 'labdesk', 'kill-session', '-t', `=labdesk-${id}`], { stdio: 'ignore' });
    } catch {
      // nothing left running
    }
    await server?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const target = () => sshUrl(server, remote);
  const auth = () => sshAuthArgs(server);
  const cli = (...args: string[]) => runCli(args, env);
  const runs = async () => (await cli('runs', local, ...auth(), '--json')).stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: string; status: string; exitCode: number | null; command: string; commit: string | null });

  it('launches after pushing the code, records the exact code, and the status comes from the server', async () => {
    const launched = await cli('run', local, target(), ...auth(), '--json', '--', './train.sh', 'configs/a.yaml', '3');
    assert.equal(launched.code, 0, launched.stderr);
    const { id, status } = JSON.parse(launched.stdout) as { id: string; status: string };
    assert.match(id, /^r-\d{8}-\d{6}-[0-9a-f]{4}$/);
    assert.equal(status, 'launching');
    assert.equal(await readFile(path.join(remote, 'configs/a.yaml'), 'utf8'), 'lr: 0.3\n', 'the code was pushed first');

    const folder = path.join(local, 'journal', 'runs', id);
    const record = JSON.parse(await readFile(path.join(folder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.code.commit, git('rev-parse', 'HEAD'));
    assert.equal(record.code.dirty, true);
    assert.deepEqual(record.code.untracked, ['notes.txt']);
    assert.equal(record.command, './train.sh configs/a.yaml 3');
    assert.deepEqual(record.configs, ['configs/a.yaml']);
    assert.deepEqual(record.environmentFiles, ['requirements.txt']);
    const patch = await readFile(path.join(folder, 'code.patch'), 'utf8');
    assert.match(patch, /\+lr: 0\.3/);
    assert.match(patch, /notes\.txt/);
    assert.equal(await readFile(path.join(folder, 'configs', 'configs', 'a.yaml'), 'utf8'), 'lr: 0.3\n');
    const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as Array<{ path: string; sha256: string }>;
    assert.ok(manifest.some((file) => file.path === 'train.sh' && /^[0-9a-f]{64}$/.test(file.sha256)));

    // The CLI has exited (its connection is gone); the run goes on and records itself.
    const end = Date.now() + 20_000;
    let mine = (await runs()).find((candidate) => candidate.id === id);
    while (mine?.status !== 'failed' && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      mine = (await runs()).find((candidate) => candidate.id === id);
    }
    assert.deepEqual([mine?.status, mine?.exitCode, mine?.commit], ['failed', 3, record.code.commit]);
    const runDir = path.join(remote, '.labdesk', 'runs', id);
    assert.match(await readFile(path.join(runDir, 'output.log'), 'utf8'), /step=1 loss=0\.3\nstep=2 loss=0\.2\nstep=3 loss=0\.1\nconfig: lr: 0\.3\n/);
    assert.equal((await readFile(path.join(runDir, 'exit_code'), 'utf8')).trim(), '3');
    const saved = JSON.parse(await readFile(path.join(folder, 'run.json'), 'utf8')) as RunRecord;
    assert.ok(saved.startedAt && saved.endedAt, 'the times from the server are saved in the record');
  });

  it('a run whose tmux session is killed is recorded as ended by the hang-up; one that succeeds as succeeded', async () => {
    const ok = JSON.parse((await cli('run', local, target(), ...auth(), '--json', '--', './train.sh configs/a.yaml 0 && echo done')).stdout) as { id: string };
    const long = JSON.parse((await cli('run', local, target(), ...auth(), '--json', '--', 'sleep', '60')).stdout) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 1500));
    execFileSync('tmux', ['-L', 'labdesk', 'kill-session', '-t', `=labdesk-${long.id}`]);
    const end = Date.now() + 20_000;
    let seen = await runs();
    while (Date.now() < end && (seen.find((r) => r.id === ok.id)?.status !== 'succeeded' || !['failed', 'lost'].includes(seen.find((r) => r.id === long.id)?.status ?? ''))) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      seen = await runs();
    }
    assert.equal(seen.find((r) => r.id === ok.id)?.status, 'succeeded');
    const killed = seen.find((r) => r.id === long.id);
    assert.deepEqual([killed?.status, killed?.exitCode], ['failed', 129], 'the wrapper recorded the hang-up');
  });

  it('--entry files the run in a journal entry (its runs field); a missing entry stops the launch', async () => {
    await mkdir(path.join(local, 'journal'), { recursive: true });
    await writeFile(path.join(local, 'journal/2026-12-07-lr.md'), '---\ntitle: LR\nruns: [] # filled by Labdesk\n---\nWhy: see the loss.\n');
    const filed = JSON.parse((await cli('run', local, target(), ...auth(), '--json', '--entry', '2026-12-07-lr', '--', 'true')).stdout) as { id: string };
    const text = await readFile(path.join(local, 'journal/2026-12-07-lr.md'), 'utf8');
    assert.equal(text, `---\ntitle: LR\nruns: [ ${filed.id} ] # filled by Labdesk\n---\nWhy: see the loss.\n`.replace('[ ', '[').replace(' ]', ']'));
    const record = JSON.parse(await readFile(path.join(local, 'journal', 'runs', filed.id, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.entry, 'journal/2026-12-07-lr.md');
    const count = (await readdir(path.join(local, 'journal', 'runs'))).length;
    const missing = await cli('run', local, target(), ...auth(), '--entry', 'no-such-entry', '--', 'true');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no journal entry no-such-entry/);
    assert.equal((await readdir(path.join(local, 'journal', 'runs'))).length, count, 'nothing launched');
  });

  it('arguments with quotes, spaces and $ run as typed; a killed tmux server leaves the exit code the wrapper wrote, never a guess', async () => {
    const typed = JSON.parse((await cli('run', local, target(), ...auth(), '--json', '--', 'printf', '%s|', 'a b', '$HOME', "it's", '"quoted"')).stdout) as { id: string };
    const long = JSON.parse((await cli('run', local, target(), ...auth(), '--json', '--', 'sleep', '60')).stdout) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 1500));
    execFileSync('tmux', ['-L', 'labdesk', 'kill-server']);
    const end = Date.now() + 20_000;
    let seen = await runs();
    while (Date.now() < end && (seen.find((r) => r.id === typed.id)?.status !== 'succeeded' || !['failed', 'lost'].includes(seen.find((r) => r.id === long.id)?.status ?? ''))) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      seen = await runs();
    }
    assert.equal(await readFile(path.join(remote, '.labdesk', 'runs', typed.id, 'output.log'), 'utf8'), 'a b|$HOME|it\'s|"quoted"|');
    const killed = seen.find((r) => r.id === long.id);
    assert.deepEqual([killed?.status, killed?.exitCode], ['failed', 129], 'the wrapper recorded the hang-up in its exit_code file');
  });

  it('conflicts on the server stop the launch: nothing runs, nothing is recorded', async () => {
    const before = (await readdir(path.join(local, 'journal', 'runs'))).length;
    await writeFile(path.join(remote, 'train.sh'), '#!/bin/sh\necho edited on the server\n');
    await writeFile(path.join(local, 'train.sh'), '#!/bin/sh\necho edited here too\n');
    const refused = await cli('run', local, target(), ...auth(), '--', './train.sh');
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /conflict: train\.sh/);
    assert.match(refused.stderr, /Nothing was launched/);
    assert.equal((await readdir(path.join(local, 'journal', 'runs'))).length, before);
  });
});
