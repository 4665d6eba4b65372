import assert from 'node:assert/strict';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunLogChunk, RunLogSearch, RunMetrics, RunRecord } from '../../preload/api';
import { tmuxAvailable } from '../fixtures/cli';
import { startCuttableLink, trustLinkAsServer, type CuttableLink } from '../fixtures/cuttable-link';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';

/**
 * The window's run service through the dispatch table and a real sshd: a 1 GB log is read a
 * window at a time from an offset (never whole), a launch refused by a sync conflict runs nothing.
 */
describe('RunService (the window) against a real sshd', () => {
  let fixture: SyncSession;
  const { call, failure } = sessionHelpers(() => fixture.session);

  before(async () => {
    fixture = await startSyncSession({ prefix: 'labdesk-run-service-', files: { 'train.py': 'print(1)\n', '.gitignore': '.labdesk/state/\n' } });
    await call('sync.saveTarget', targetOn(fixture.server, 'lab', fixture.remote));
    await call('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
  });
  after(() => fixture.close());

  it('reads a 1 GB log from its end in 256 KB windows, with bounded memory', async () => {
    const id = 'r-20261207-120000-1111';
    const runDir = `${fixture.remote}/.labdesk/runs/${id}`;
    await mkdir(runDir, { recursive: true });
    const log = path.join(runDir, 'output.log');
    await writeFile(log, '');
    const last = 'last line ✓\n';
    await truncate(log, 1024 ** 3 - Buffer.byteLength(last));
    await writeFile(log, last, { flag: 'a' });
    await mkdir(path.join(fixture.local, 'journal', 'runs', id), { recursive: true });
    const record = { id, status: 'running', exitCode: null, command: 'train', target: 'lab', host: 'lab', remoteRoot: fixture.remote, runDir, launcher: 'tmux', session: null, environment: null, entry: null, code: { commit: null, branch: null, dirty: false, patch: null, untracked: [], largeFiles: [] }, configs: [], environmentFiles: [], manifest: 'manifest.json', createdAt: '2026-12-07T12:00:00.000Z', startedAt: null, endedAt: null } satisfies RunRecord;
    await writeFile(path.join(fixture.local, 'journal', 'runs', id, 'run.json'), JSON.stringify(record));

    const before = process.memoryUsage().rss;
    const end = await call<RunLogChunk>('runs.log', { id, offset: Number.MAX_SAFE_INTEGER });
    assert.deepEqual([end.text, end.size], ['', 1024 ** 3]);
    const tail = await call<RunLogChunk>('runs.log', { id, offset: end.size - 256 * 1024 });
    assert.equal(tail.offset, end.size);
    assert.ok(tail.text.endsWith('last line ✓\n'));
    const middle = await call<RunLogChunk>('runs.log', { id, offset: 1024 });
    assert.equal(middle.offset, 1024 + 256 * 1024, 'one window at most per call');
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'a 1 GB log never comes into memory');
    assert.equal((await failure('runs.log', { id: 'r-20261207-120000-9999', offset: 0 })).code, 'not-found');
    assert.equal((await failure('runs.log', { id: '../../etc', offset: 0 })).code, 'bad-argument');
  });

  it('searches a whole log on the server: line numbers and offsets, ASCII case ignored, at most 500 matches, the query taken as text', async () => {
    const id = 'r-20261207-120000-2222';
    const runDir = `${fixture.remote}/.labdesk/runs/${id}`;
    await mkdir(runDir, { recursive: true });
    // 20 MB of a training log, one checkpoint line per 1,000 steps, and a line with shell characters.
    const lines = Array.from({ length: 400_000 }, (_, step) => (step % 1000 === 999 ? `step=${step} Saved checkpoint ckpt_${step}.pt` : `step=${step} loss=${(1 / (step + 1)).toFixed(6)} lr=0.001`));
    lines.push(`weird $(touch ${runDir}/pwned) 'quote" end`);
    const text = `${lines.join('\n')}\n`;
    await writeFile(path.join(runDir, 'output.log'), text);
    await mkdir(path.join(fixture.local, 'journal', 'runs', id), { recursive: true });
    await writeFile(path.join(fixture.local, 'journal', 'runs', id, 'run.json'), JSON.stringify({ ...JSON.parse(await readFile(path.join(fixture.local, 'journal', 'runs', 'r-20261207-120000-1111', 'run.json'), 'utf8')), id, runDir }));

    const checkpoints = await call<RunLogSearch>('runs.searchLog', { id, query: 'saved CHECKPOINT' });
    assert.equal(checkpoints.matches.length, 400);
    assert.equal(checkpoints.more, false);
    const first = checkpoints.matches[0];
    assert.deepEqual(first, { line: 1000, offset: text.indexOf('step=999 Saved'), text: 'step=999 Saved checkpoint ckpt_999.pt' });
    // The offset opens the log at that line.
    const at = await call<RunLogChunk>('runs.log', { id, offset: first?.offset ?? 0 });
    assert.ok(at.text.startsWith('step=999 Saved checkpoint'));

    const many = await call<RunLogSearch>('runs.searchLog', { id, query: 'loss=' });
    assert.deepEqual([many.matches.length, many.more], [500, true]);
    const weird = await call<RunLogSearch>('runs.searchLog', { id, query: `$(touch ${runDir}/pwned) 'quote"` });
    assert.equal(weird.matches[0]?.line, 400_001);
    await assert.rejects(readFile(path.join(runDir, 'pwned')), /ENOENT/, 'the query is text, never run');
    assert.deepEqual(await call<RunLogSearch>('runs.searchLog', { id, query: 'no such words' }), { matches: [], more: false });
    assert.equal((await failure('runs.searchLog', { id, query: 'two\nlines' })).code, 'bad-argument');
  });

  it("the metrics plot reads the log with the project's own pattern when project.json has one", async () => {
    const id = 'r-20261207-120000-2222';
    const settingsFile = path.join(fixture.local, '.labdesk', 'project.json');
    const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
    const names = async () => (await call<RunMetrics>('runs.metrics', { id })).series.map((series) => series.name).sort();
    assert.deepEqual(await names(), ['loss', 'lr']);
    await writeFile(settingsFile, JSON.stringify({ ...settings, metricsPattern: String.raw`step=(?<step>\d+) Saved checkpoint (?<name>ckpt)_(?<value>\d+)` }));
    assert.deepEqual(await names(), ['ckpt'], 'an edit of project.json shows at once');
    await writeFile(settingsFile, JSON.stringify({ ...settings, metricsPattern: 'loss=([' }));
    assert.match((await failure('runs.metrics', { id })).message, /metricsPattern.*regular expression with \(\?<name>/);
    await writeFile(settingsFile, JSON.stringify(settings));
  });

  it('a launch is refused while a file changed on the server since the last sync; nothing runs', async () => {
    await writeFile(path.join(fixture.remote, 'train.py'), 'print("edited on the server")\n');
    await writeFile(path.join(fixture.local, 'train.py'), 'print("edited here")\n');
    const refused = await failure('runs.launch', { command: 'python train.py' });
    assert.equal(refused.code, 'conflict');
    assert.match(refused.message, /train\.py.*Nothing was launched/);
    const runs = await call<RunRecord[]>('runs.list', {});
    assert.deepEqual(runs.map((run) => run.id).sort(), ['r-20261207-120000-1111', 'r-20261207-120000-2222'], 'no new run was recorded');
    assert.equal(await readFile(path.join(fixture.remote, 'train.py'), 'utf8'), 'print("edited on the server")\n', "the server's edit is kept");
  });
});

describe('a run goes on while the connection is cut (real sshd and tmux)', { skip: tmuxAvailable() ? false : 'tmux is not installed' }, () => {
  let fixture: SyncSession;
  let link: CuttableLink;
  const { call, until } = sessionHelpers(() => fixture.session);
  const statusOf = async (id: string) => (await call<RunRecord[]>('runs.list', {})).find((run) => run.id === id);

  before(async () => {
    fixture = await startSyncSession({ prefix: 'labdesk-run-cut-', files: { 'tick.sh': 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 1; done\n', '.gitignore': '.labdesk/state/\n' } });
    // The target is reached through a link the test can cut, as a dropped Wi-Fi does.
    link = await startCuttableLink(fixture.server.port);
    await trustLinkAsServer(fixture.server.knownHostsPath, fixture.server.port, link.port);
    await call('sync.saveTarget', { ...targetOn(fixture.server, 'lab', fixture.remote), port: link.port });
    await call('sync.activate', { name: 'lab' });
  });
  after(async () => {
    await link?.close();
    await fixture?.close();
  });

  it('the run keeps running on the server while the link is down, and its status and exit code are right after the reconnect', async () => {
    const launched = await call<RunRecord>('runs.launch', { command: 'bash tick.sh' });
    await until('the run to be seen running', async () => (await statusOf(launched.id))?.status === 'running');
    const before = link.connections;

    link.cut({ down: true });
    await new Promise((resolve) => setTimeout(resolve, 3_500)); // at least one poll while the server is unreachable
    const whileDown = await statusOf(launched.id);
    assert.deepEqual([whileDown?.status, whileDown?.exitCode], ['running', null], 'a poll that cannot reach the server changes nothing (never "lost")');

    link.restore();
    await until('the run to be seen ended after the reconnect', async () => (await statusOf(launched.id))?.status === 'succeeded', 30_000);
    const ended = await statusOf(launched.id);
    assert.equal(ended?.exitCode, 0);
    assert.ok(link.connections > before, 'Labdesk reconnected on its own');
    // The server ran it to the end while Labdesk was away, and the whole log is there.
    const log = await readFile(path.join(ended?.runDir ?? '', 'output.log'), 'utf8');
    assert.match(log, /tick 1\n[^]*tick 6\n$/);
    const tail = await call<RunLogChunk>('runs.log', { id: launched.id, offset: 0 });
    assert.ok(tail.text.endsWith('tick 6\n'), 'the log reads through the new connection');
  });
});
