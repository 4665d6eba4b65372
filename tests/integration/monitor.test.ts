import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MonitorAlert, MonitorSample, RunRecord } from '../../preload/api';
import { EventBus } from '../../main/common';
import { MonitorService, SampleShell, takeSample } from '../../main/monitor';
import { execCommand } from '../../main/ssh';
import { cliEnv, runCli, sshAuthArgs, sshUrl, tmuxAvailable } from '../fixtures/cli';
import { readFixture, writeFakeNvidiaSmi } from '../fixtures/monitor';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';

/**
 * The whole monitor path against a real sshd: an `nvidia-smi` stand-in on the server's PATH that
 * answers with recorded outputs (or, `live`, with what the test writes, real pids included), and
 * the real /proc and df of this machine.
 */
describe('the monitor against a real sshd, nvidia-smi stand-in and this machine /proc', { skip: tmuxAvailable() ? false : 'tmux is not installed' }, () => {
  let fixture: SyncSession;
  let bin = '';
  const { call, until } = sessionHelpers(() => fixture.session);

  before(async () => {
    bin = path.join(os.tmpdir(), `labdesk-monitor-bin-${process.pid}`);
    await writeFakeNvidiaSmi(bin, 'live');
    fixture = await startSyncSession({ prefix: 'labdesk-monitor-', files: { 'train.py': 'print(1)\n', '.gitignore': '.labdesk/state/\n' }, sshdConfig: [`SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`] });
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), dataRoot: os.tmpdir() });
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
  });
  after(async () => {
    await fixture?.close();
    await rm(bin, { recursive: true, force: true });
  });

  /** A MonitorService on the fixture's session, sampling fast, alerting on idle GPUs at once. */
  const monitorOf = () => {
    const events = new EventBus();
    const seen: Array<{ sample: MonitorSample; alerts: readonly MonitorAlert[] }> = [];
    events.subscribe((event, payload) => event === 'monitor.sample' && seen.push(payload as (typeof seen)[number]));
    const monitor = new MonitorService(events, fixture.session.sync, { intervalMs: 150, idleForMs: 400 });
    monitor.setRoot(fixture.local);
    return { monitor, seen };
  };

  it('reads CPU, memory, load and disks of the server, and GPU processes tied to the run that started them', async () => {
    const run = await call<RunRecord>('runs.launch', { command: 'sleep 31.5' });
    await until('the run to be running', async () => (await call<RunRecord[]>('runs.list', {})).find((candidate) => candidate.id === run.id)?.status === 'running');
    // The `sleep` of the run plays a training process on GPU 0; pid 1 is someone else's on GPU 1.
    const pid = execFileSync('pgrep', ['-f', '-x', 'sleep 31.5'], { encoding: 'utf8' }).trim().split('\n')[0];
    await writeFile(path.join(bin, 'gpus.csv'), readFixture('gpus-2.csv'));
    await writeFile(path.join(bin, 'apps.csv'), `${pid}, GPU-5e8d2b4c-7f1a-3c9e-b6d2-0a4f8e1c3b7d, 21874, /usr/bin/python3\n1, GPU-a3c1f0e2-9b47-4d8a-8e15-6c2d7b9f0e41, 512, /usr/bin/python3\n`);

    const { monitor } = monitorOf();
    const first = await monitor.sampleNow();
    const second = await monitor.sampleNow();
    assert.ok(first && second);
    assert.equal(first.cpu.busyPercent, null, 'CPU use needs two readings');
    assert.ok(second.cpu.busyPercent !== null && second.cpu.busyPercent >= 0 && second.cpu.busyPercent <= 100, String(second.cpu.busyPercent));
    assert.equal(second.cpu.cores, Number(execFileSync('nproc', { encoding: 'utf8' }).trim()));
    assert.equal(second.memory?.totalBytes, os.totalmem());
    assert.ok((second.memory?.availableBytes ?? 0) > 0 && (second.memory?.usedBytes ?? 0) > 0);
    assert.equal(second.cpu.load?.length, 3);
    // The remote root's file system and the data disk folder's (the same disk here: shown once).
    assert.equal(second.disks[0]?.path, fixture.remote);
    assert.ok((second.disks[0]?.availableBytes ?? 0) > 0 && (second.disks[0]?.totalBytes ?? 0) >= (second.disks[0]?.availableBytes ?? 0));
    assert.deepEqual(second.gpuState, { kind: 'ok', source: 'nvidia-smi' });
    assert.deepEqual(
      second.gpus.map((gpu) => [gpu.index, gpu.utilization, gpu.memoryUsedMiB, gpu.memoryTotalMiB, gpu.processes.map((process) => [process.pid, process.runId])]),
      [
        [0, 97, 22154, 24576, [[Number(pid), run.id]]],
        [1, 12, 9871, 24576, [[1, null]]],
      ],
    );
    await call('runs.stop', { id: run.id });
  });

  it('one exec per sample, with no GPU at all, with nvidia-smi failing, with MIG and [N/A] fields', async () => {
    const context = await fixture.session.sync.remoteContext();
    let execs = 0;
    const exec = (command: string) => {
      execs += 1;
      return execCommand(context.live.client, command);
    };
    const sample = (async () => (await takeSample(exec, { target: 'lab', host: 'gpu-test', disks: [fixture.remote, '/no/such/folder'], runs: [], previousCpu: null })).sample);

    await writeFakeNvidiaSmi(bin, 'no-devices');
    const none = await sample();
    assert.deepEqual([none.gpus, none.gpuState], [[], { kind: 'none', message: 'no NVIDIA GPU found on gpu-test' }]);
    assert.equal(none.disks.length, 1, 'a folder that is not there counts on its nearest parent’s disk (the same one here: shown once), never an error');
    await writeFakeNvidiaSmi(bin, 'driver-error');
    const broken = await sample();
    assert.equal(broken.gpuState.kind, 'error');
    assert.match((broken.gpuState as { message: string }).message, /^nvidia-smi on gpu-test: NVIDIA-SMI has failed/);
    assert.ok(broken.memory !== null, 'the rest of the sample is still there');
    await writeFakeNvidiaSmi(bin, 'gpus-mig');
    const mig = await sample();
    assert.deepEqual(mig.gpus.map((gpu) => [gpu.mig, gpu.utilization]), [[true, null], [false, 58]]);
    await writeFakeNvidiaSmi(bin, 'gpus-na');
    const na = await sample();
    assert.deepEqual(na.gpus.map((gpu) => [gpu.powerW, gpu.powerLimitW]), [[null, null], [null, null]]);
    await rm(path.join(bin, 'nvidia-smi'));
    const absent = await sample();
    assert.deepEqual(absent.gpuState, { kind: 'none', message: 'no nvidia-smi found on gpu-test' });
    assert.equal(execs, 5, 'one exec per sample');
    await writeFakeNvidiaSmi(bin, 'live');
  });

  it('samples go through one long-lived shell (the login shell starts once); a hung sample is given up and the next starts a new shell', async () => {
    const context = await fixture.session.sync.remoteContext();
    const shell = new SampleShell(context.live.client, 1_000);
    const pid = async () => (await shell.exec('echo "pid=$$"')).stdout.toString('utf8').trim();
    const first = await pid();
    assert.match(first, /^pid=\d+$/);
    assert.equal(await pid(), first, 'the same shell answers');
    const multiLine = await shell.exec("printf 'a\\n'\necho \"b $((1 + 1))\"\nfalse");
    assert.equal(multiLine.stdout.toString('utf8').trim(), 'a\nb 2', 'a script of several lines, its failing last command included');
    await assert.rejects(shell.exec('sleep 5'), /took longer than 1 s/);
    const after = await pid();
    assert.match(after, /^pid=\d+$/);
    assert.notEqual(after, first, 'a new shell after the hung one');
    shell.close();
  });

  it('alerts fire once when they start, again only after they ended; hidden, nothing is sampled', async () => {
    const busy = readFixture('gpus-2.csv');
    // GPU 0 almost full; GPU 1 idle while a process of a run holds it.
    const full = busy.replace('97, 22154, 24576', '97, 24200, 24576').replace('12, 9871', '0, 9871');
    const run = await call<RunRecord>('runs.launch', { command: 'sleep 32.5' });
    await until('the run to be running', async () => (await call<RunRecord[]>('runs.list', {})).find((candidate) => candidate.id === run.id)?.status === 'running');
    const pid = execFileSync('pgrep', ['-f', '-x', 'sleep 32.5'], { encoding: 'utf8' }).trim().split('\n')[0];
    await writeFile(path.join(bin, 'gpus.csv'), full);
    await writeFile(path.join(bin, 'apps.csv'), `${pid}, GPU-a3c1f0e2-9b47-4d8a-8e15-6c2d7b9f0e41, 9602, python\n`);

    const { monitor, seen } = monitorOf();
    assert.deepEqual(monitor.watch(true), { intervalMs: 150 });
    await until('several samples', () => seen.length >= 8);
    const alerts = () => seen.flatMap((event) => event.alerts.map((alert) => alert.key));
    assert.deepEqual(alerts().sort(), ['gpu-idle:lab:1:' + run.id, 'gpu-memory:lab:0'].sort(), 'each alert once, over 8 samples');
    assert.ok(seen.findIndex((event) => event.alerts.some((alert) => alert.kind === 'gpu-idle')) > 0, 'the idle GPU is told only after it stayed idle');
    assert.match(seen.flatMap((event) => event.alerts).find((alert) => alert.kind === 'gpu-memory')?.message ?? '', /GPU 0 on lab is 98% full/);

    // The memory frees up, then fills again: a new alert.
    await writeFile(path.join(bin, 'gpus.csv'), busy);
    const before = seen.length;
    await until('samples with memory freed', () => seen.length >= before + 3);
    await writeFile(path.join(bin, 'gpus.csv'), full);
    await until('the memory alert again', () => alerts().filter((key) => key === 'gpu-memory:lab:0').length === 2);

    // Hidden: no more samples.
    monitor.watch(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(seen.length, stopped, 'no sample while hidden');
    const history = await monitor.history();
    assert.ok(history.length >= stopped && history.every((sample) => sample.target === 'lab'));
    monitor.close();
    await call('runs.stop', { id: run.id });
  });

  it('watches a second server besides the active one, on a connection of its own, until told to stop', async () => {
    const remote2 = path.join(fixture.home, 'server', 'second');
    await mkdir(remote2, { recursive: true });
    await call('sync.saveTarget', targetOn(fixture.server, 'lab2', remote2));
    await writeFile(path.join(bin, 'gpus.csv'), readFixture('gpus-2.csv'));
    await writeFile(path.join(bin, 'apps.csv'), '');
    const { monitor, seen } = monitorOf();
    assert.deepEqual(await monitor.watchTarget('lab2', true), { watched: ['lab2'] });
    await until('samples of both servers', async () => {
      await monitor.sampleNow();
      return seen.some((event) => event.sample.target === 'lab2') && seen.some((event) => event.sample.target === 'lab');
    });
    const second = seen.find((event) => event.sample.target === 'lab2')?.sample;
    assert.equal(second?.disks[0]?.path, remote2);
    assert.equal(second?.gpus.length, 2);
    assert.equal((await monitor.history('lab2')).length >= 1, true);
    assert.deepEqual(await monitor.watchTarget('lab2', false), { watched: [] });
    const before = seen.length;
    await monitor.sampleNow();
    assert.deepEqual(seen.slice(before).map((event) => event.sample.target), ['lab'], 'only the active server once it is no longer watched');
    await assert.rejects(monitor.watchTarget('nope', true), /no server named "nope"/);
    monitor.close();
  });

  it('labdesk monitor --once --json prints one sample with gpus, cpu, memory and disks', async () => {
    await writeFile(path.join(bin, 'gpus.csv'), readFixture('gpus-2.csv'));
    await writeFile(path.join(bin, 'apps.csv'), '');
    const env = await cliEnv(fixture.home, 'cli-config');
    const target = sshUrl(fixture.server, fixture.remote);
    const auth = sshAuthArgs(fixture.server);
    const json = await runCli(['monitor', fixture.local, target, ...auth, '--once', '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const lines = json.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const sample = JSON.parse(lines[0] as string) as MonitorSample & { alerts: unknown[] };
    assert.equal(sample.gpus.length, 2);
    assert.ok(sample.cpu.busyPercent !== null);
    assert.ok(sample.memory && sample.memory.totalBytes === os.totalmem());
    assert.equal(sample.disks[0]?.path, fixture.remote);
    assert.deepEqual(sample.alerts, []);
    const text = await runCli(['monitor', fixture.local, target, ...auth, '--once'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /CPU [\d.]+% of \d+ cores · load [\d. ]+ · memory [\d.]+\/[\d.]+ GiB/);
    assert.match(text.stdout, /GPU 0 NVIDIA GeForce RTX 3090 {2}97% {2}22154\/24576 MiB {2}71°C {2}337\.45\/350 W/);
  });
});
