import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord } from '../../preload/api';
import { cliEnv, runCli, sshAuthArgs, sshUrl } from '../fixtures/cli';
import { slurmUnavailable, startSlurm, type SlurmCluster } from '../fixtures/slurm';
import { startSshd, sshdAvailable, type SshdServer } from '../fixtures/sshd';


/**
 * `labdesk run --launcher slurm` end to end: a private single-node Slurm cluster (munge,
 * slurmctld, slurmd) on this machine, reached through a real sshd whose sessions get SLURM_CONF.
 */
describe('labdesk run with Slurm (a real single-node cluster)', { skip: !sshdAvailable() ? 'OpenSSH server not installed' : (slurmUnavailable() ?? false) }, () => {
  let cluster: SlurmCluster;
  let server: SshdServer;
  let home = '';
  let local = '';
  let remote = '';
  let env: NodeJS.ProcessEnv;

  before(async () => {
    cluster = await startSlurm();
    server = await startSshd({ extraConfig: [`SetEnv SLURM_CONF=${cluster.conf}`] });
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-run-slurm-'));
    local = path.join(home, 'project');
    remote = path.join(home, 'server', 'project');
    await mkdir(path.join(local, 'configs'), { recursive: true });
    await writeFile(path.join(local, 'train.sh'), '#!/bin/sh\necho "step=1 loss=0.5 on $(hostname)"\ncat "$1"\nexit "${2:-0}"\n');
    await chmod(path.join(local, 'train.sh'), 0o755);
    await writeFile(path.join(local, 'configs/a.yaml'), 'lr: 0.1\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: local });
    env = await cliEnv(home);
  });
  after(async () => {
    await server?.stop();
    await cluster?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const target = () => sshUrl(server, remote);
  const auth = () => sshAuthArgs(server);
  const cli = (...args: string[]) => runCli(args, env);
  const statusOf = async (id: string) => {
    const lines = (await cli('runs', local, ...auth(), '--json')).stdout.trim().split('\n').filter(Boolean);
    return lines.map((line) => JSON.parse(line) as { id: string; status: string; exitCode: number | null }).find((entry) => entry.id === id);
  };
  const until = async (id: string, done: (status: string) => boolean) => {
    const end = Date.now() + 30_000;
    let seen = await statusOf(id);
    while (!done(seen?.status ?? '') && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      seen = await statusOf(id);
    }
    return seen;
  };

  it('submits with sbatch --parsable, queued then ended; the exit code comes from the wrapper in the run folder', async () => {
    const launched = await cli('run', local, target(), ...auth(), '--launcher', 'slurm', '--json', '--', './train.sh', 'configs/a.yaml', '3');
    assert.equal(launched.code, 0, launched.stderr);
    const { id, status } = JSON.parse(launched.stdout) as { id: string; status: string };
    assert.equal(status, 'queued');
    const record = JSON.parse(await readFile(path.join(local, 'journal', 'runs', id, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.launcher, 'slurm');
    assert.match(record.session ?? '', /^\d+$/, 'the job id');
    const ended = await until(id, (seen) => seen === 'failed');
    assert.deepEqual([ended?.status, ended?.exitCode], ['failed', 3]);
    assert.match(await readFile(path.join(remote, '.labdesk', 'runs', id, 'output.log'), 'utf8'), /step=1 loss=0\.5 on .*\nlr: 0\.1\n/);
  });

  it('a job that succeeds is succeeded with exit code 0', async () => {
    const launched = await cli('run', local, target(), ...auth(), '--launcher', 'slurm', '--json', '--', './train.sh', 'configs/a.yaml');
    assert.equal(launched.code, 0, launched.stderr);
    const { id } = JSON.parse(launched.stdout) as { id: string };
    const ended = await until(id, (seen) => ['succeeded', 'failed', 'stopped', 'lost'].includes(seen));
    assert.deepEqual([ended?.status, ended?.exitCode], ['succeeded', 0]);
  });

  it('a job cancelled with scancel ends with the wrapper recording the termination', async () => {
    const { id } = JSON.parse((await cli('run', local, target(), ...auth(), '--launcher', 'slurm', '--json', '--', 'sleep', '120')).stdout) as { id: string };
    const running = await until(id, (seen) => seen === 'running');
    assert.equal(running?.status, 'running');
    const job = (JSON.parse(await readFile(path.join(local, 'journal', 'runs', id, 'run.json'), 'utf8')) as RunRecord).session as string;
    execFileSync('scancel', [job], { env: { ...process.env, SLURM_CONF: cluster.conf } });
    const ended = await until(id, (seen) => ['failed', 'stopped'].includes(seen));
    assert.ok(ended && ['failed', 'stopped'].includes(ended.status), JSON.stringify(ended));
    assert.ok(ended?.exitCode === 143 || ended?.exitCode === null, `exit code ${ended?.exitCode}`);
  });
});
