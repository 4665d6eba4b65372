import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RunRecord } from '../../preload/api';
import { settleStatus } from '../../main/runs/run-status';
import { tmuxSessionName, wrapperScript } from '../../main/runs/run-wrapper';

const record = (extra: Partial<RunRecord> = {}): RunRecord => ({
  id: 'r-1',
  status: 'launching',
  exitCode: null,
  command: 'python train.py',
  target: 'gpu1',
  host: 'gpu1',
  remoteRoot: '/srv/p',
  runDir: '/srv/p/.labdesk/runs/r-1',
  launcher: 'tmux',
  session: 'labdesk-r-1',
  environment: null,
  entry: null,
  code: { commit: null, branch: null, dirty: false, patch: null, untracked: [], largeFiles: [] },
  configs: [],
  environmentFiles: [],
  manifest: 'manifest.json',
  createdAt: '2026-12-07T10:00:00.000Z',
  startedAt: null,
  endedAt: null,
  ...extra,
});
const at = (iso: string) => Date.parse(iso);

describe('run status from what the server says (files first)', () => {
  const cases: Array<[string, RunRecord, Parameters<typeof settleStatus>[1], string, number | null]> = [
    ['exit 0: succeeded', record(), { exitCode: 0, startedAt: 's', endedAt: 'e', alive: false }, 'succeeded', 0],
    ['exit 3: failed', record({ status: 'running' }), { exitCode: 3, alive: false }, 'failed', 3],
    ['a stop that was asked for: stopped', record({ status: 'running', stopRequested: true }), { exitCode: 129, alive: false }, 'stopped', 129],
    ['alive with a start time: running', record(), { startedAt: 's', alive: true }, 'running', null],
    ['alive, not started yet: launching', record(), { alive: true }, 'launching', null],
    ['gone without an exit code: lost', record({ status: 'running' }), { alive: false }, 'lost', null],
    ['unreachable host: unchanged', record({ status: 'running' }), undefined, 'running', null],
    ['a final status stays', record({ status: 'succeeded', exitCode: 0 }), { alive: false }, 'succeeded', 0],
    ['Slurm PENDING: queued', record({ launcher: 'slurm' }), { alive: false, scheduler: 'PENDING' }, 'queued', null],
    ['Slurm RUNNING: running', record({ launcher: 'slurm', status: 'queued' }), { alive: false, scheduler: 'RUNNING', startedAt: 's' }, 'running', null],
    ['Slurm TIMEOUT with no exit code: failed', record({ launcher: 'slurm', status: 'running' }), { alive: false, scheduler: 'TIMEOUT' }, 'failed', null],
    ['Slurm CANCELLED while queued: stopped', record({ launcher: 'slurm', status: 'queued' }), { alive: false, scheduler: 'CANCELLED' }, 'stopped', null],
    ['the wrapper\'s exit code wins over Slurm', record({ launcher: 'slurm', status: 'running' }), { alive: false, scheduler: 'COMPLETED', exitCode: 0 }, 'succeeded', 0],
  ];
  for (const [name, before, facts, status, exitCode] of cases) {
    it(name, () => {
      const next = settleStatus(before, facts, at('2026-12-07T11:00:00Z'));
      assert.deepEqual([next.status, next.exitCode], [status, exitCode]);
    });
  }
  it('a run just created is still launching, not lost, for a minute', () => {
    assert.equal(settleStatus(record(), { alive: false }, at('2026-12-07T10:00:20Z')).status, 'launching');
    assert.equal(settleStatus(record(), { alive: false }, at('2026-12-07T10:02:00Z')).status, 'lost');
  });
});

describe('the run wrapper (bash, run for real here)', () => {
  const runWrapper = (command: string, environment?: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'labdesk-wrapper-'));
    const script = wrapperScript({ runId: 'r-1', workDir: dir, runDir: dir, command, ...(environment && { environment }) });
    spawnSync('bash', ['-c', script], { stdio: 'ignore' });
    const read = (name: string) => readFileSync(path.join(dir, name), 'utf8').trim();
    const result = { code: read('exit_code'), log: read('output.log'), started: read('started_at'), ended: read('ended_at') };
    rmSync(dir, { recursive: true, force: true });
    return result;
  };
  it('records the exit code, the output and the times; an environment line runs first, a prefix goes in front', () => {
    const plain = runWrapper('echo hello; exit 4');
    assert.deepEqual([plain.code, plain.log], ['4', 'hello']);
    assert.match(plain.started, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(runWrapper('echo "$GREETING"', 'export GREETING=from-env').log, 'from-env');
    const failed = runWrapper('echo never', 'false');
    assert.deepEqual([failed.code, /environment line failed/.test(failed.log)], ['126', true]);
    assert.match(wrapperScript({ runId: 'r', workDir: '/w', runDir: '/r', command: 'python t.py', environment: 'pipenv run' }), /^pipenv run python t\.py$/m);
    assert.match(wrapperScript({ runId: 'r', workDir: "/it's here", runDir: '/r', command: 'x' }), /cd '\/it'\\''s here' \|\| finish 127/);
    assert.equal(tmuxSessionName('r-20261207-1405-a3f2'), 'labdesk-r-20261207-1405-a3f2');
  });
});
