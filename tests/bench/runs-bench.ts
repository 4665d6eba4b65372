// The runs benchmark: `node --import tsx tests/bench/index.ts runs [--tree DIR] [--runs 3]`.
//
// - launch: `labdesk run` as a process (push + snapshot + record + tmux start) of a tree with one
//   dirty and one untracked file, at 20 ms RTT through the latency proxy, against
//   `ssh host tmux new -d …` alone in the same run (the second launch: the tree is on the server);
// - poll: `labdesk runs` over 50 unfinished runs on one host (one exec for all), against one
//   `ssh host true` (one round trip);
// - log tail: the last 256 KB of a 1 GB output.log read from its offset over SFTP (the window's
//   first screen), time and the process's memory, against `ssh host tail -c 262144`;
// - journal search: 5,000 generated entries, p50 and p95 of 200 queries (in process).
// --tree: the project to launch, by default a clone of detectron2 (git clone …/detectron2 /tmp/d2).

import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { EventBus } from '../../main/common';
import { JournalService } from '../../main/journal';
import { startThrowawaySshd } from '../../main/dev/throwaway-sshd';
import { sftpSession } from '../../main/sftp';
import { startProxy } from './latency';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');
const ONE_WAY_MS = 10;

const option = (args: readonly string[], name: string) => (args.indexOf(name) === -1 ? undefined : args[args.indexOf(name) + 1]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function runRunsBench(args: readonly string[]): Promise<void> {
  const tree = path.resolve(option(args, '--tree') ?? '/tmp/d2');
  const runs = Number(option(args, '--runs') ?? 3);
  const home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-runs-bench-'));
  const server = await startThrowawaySshd({});
  const proxy = await startProxy(server.port, ONE_WAY_MS);
  try {
    const project = path.join(home, 'project');
    execFileSync('git', ['clone', '-q', tree, project]);
    await writeFile(path.join(project, 'README.md'), `${execFileSync('git', ['show', 'HEAD:README.md'], { cwd: project, encoding: 'utf8' })}\nA dirty line.\n`);
    await writeFile(path.join(project, 'notes-untracked.txt'), 'an untracked file\n');
    const remote = path.join(home, 'server', 'project');
    await mkdir(remote, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, LABDESK_CONFIG_DIR: path.join(home, 'config'), LABDESK_SSH_CONFIG: path.join(home, 'ssh_config') };
    await writeFile(path.join(home, 'ssh_config'), '');
    delete env.SSH_AUTH_SOCK;
    const target = `ssh://${server.username}@127.0.0.1:${proxy.port}${remote}`;
    // The proxy's port is not in the server's known_hosts: trusted on first use, in the bench's own files.
    const auth = ['--identity', server.clientKeyPath, '--accept-new'];
    const ssh = (command: string) => run('ssh', ['-p', String(proxy.port), '-i', server.clientKeyPath, '-o', `UserKnownHostsFile=${path.join(home, 'known_hosts')}`, '-o', 'StrictHostKeyChecking=accept-new', '-o', 'BatchMode=yes', `${server.username}@127.0.0.1`, command]);
    const files = execFileSync('git', ['ls-files'], { cwd: project, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    process.stdout.write(`runs bench: ${tree} (${files} files), 20 ms RTT (latency proxy), ${runs} runs, medians\n`);

    // Launch: the first one pushes the whole tree; then each one only what changed.
    const first = await seconds(() => run(process.execPath, [CLI, 'run', project, target, ...auth, '--', 'sleep', '1'], { env }));
    const launches: number[] = [];
    const plain: number[] = [];
    for (let n = 0; n < runs; n++) {
      await writeFile(path.join(project, 'notes-untracked.txt'), `an untracked file, take ${n}\n`);
      launches.push(await seconds(() => run(process.execPath, [CLI, 'run', project, target, ...auth, '--', 'sleep', '1'], { env })));
      plain.push(await seconds(() => ssh(`tmux -L labdesk-bench new-session -d -s bench-${n} sleep 1`)));
    }
    const launch = median(launches);
    const tmuxAlone = median(plain);
    process.stdout.write(`launch (push + snapshot + record + tmux): first ${first.toFixed(2)} s (whole tree pushed); then ${launch.toFixed(2)} s vs ssh + tmux new alone ${tmuxAlone.toFixed(2)} s (${(launch / tmuxAlone).toFixed(1)}×)\n`);

    // Poll: 50 unfinished runs on this host, one exec for all of them.
    const runsDir = path.join(project, 'journal', 'runs');
    for (let n = 0; n < 50; n++) {
      const id = `r-20261207-1200${String(n).padStart(2, '0')}-beef`;
      const runDir = `${remote}/.labdesk/runs/${id}`;
      await mkdir(path.join(runsDir, id), { recursive: true });
      await mkdir(runDir, { recursive: true });
      await writeFile(path.join(runDir, 'exit_code'), '0\n');
      await writeFile(path.join(runsDir, id, 'run.json'), JSON.stringify({ id, status: 'running', exitCode: null, command: 'true', target, host: 'bench', remoteRoot: remote, runDir, launcher: 'tmux', session: `labdesk-${id}`, environment: null, entry: null, code: { commit: null, branch: null, dirty: false, patch: null, untracked: [], largeFiles: [] }, configs: [], environmentFiles: [], manifest: 'manifest.json', createdAt: '2026-12-07T12:00:00.000Z', startedAt: null, endedAt: null }));
    }
    const poll = await seconds(() => run(process.execPath, [CLI, 'runs', project, ...auth, '--json'], { env }));
    const roundTrip = median(await Promise.all([0, 1, 2].map(() => seconds(() => ssh('true')))));
    process.stdout.write(`poll of ${50 + runs + 1} runs (labdesk runs, a process: connect + one exec + save): ${poll.toFixed(2)} s vs ssh true ${roundTrip.toFixed(2)} s (${(poll / roundTrip).toFixed(1)}×)\n`);

    // Log tail: the last 256 KB of a 1 GB log.
    const log = path.join(remote, 'big.log');
    await writeFile(log, '');
    await truncate(log, 1024 ** 3);
    const tail = await withClient(server, proxy.port, async (client) => {
      const sftp = await new Promise<import('ssh2').SFTPWrapper>((resolve, reject) => client.sftp((error, channel) => (error ? reject(error) : resolve(channel))));
      const session = sftpSession(sftp, 'bench');
      const before = process.memoryUsage().rss;
      const took = await seconds(async () => {
        const stats = await session.lstat(log);
        const handle = await session.open(log, 'r');
        const buffer = Buffer.alloc(256 * 1024);
        let read = 0;
        while (read < buffer.length) read += await session.read(handle, buffer, read, buffer.length - read, stats.size - buffer.length + read, log);
        await session.close(handle, log);
      });
      return { took, rssMb: (process.memoryUsage().rss - before) / 1024 / 1024 };
    });
    const tailRef = median(await Promise.all([0, 1, 2].map(() => seconds(() => ssh(`tail -c 262144 ${log} > /dev/null`)))));
    process.stdout.write(`log tail of a 1 GB log (last 256 KB over SFTP, on an open connection): ${tail.took.toFixed(3)} s, memory +${tail.rssMb.toFixed(1)} MB, vs ssh tail -c 262144 ${tailRef.toFixed(2)} s (a new connection)\n`);

    // Journal search over 5,000 generated entries.
    const journalRoot = path.join(home, 'journal-bench');
    await mkdir(path.join(journalRoot, 'journal'), { recursive: true });
    const words = ['resnet', 'cosine', 'warmup', 'mixup', 'dropout', 'ablation', 'baseline', 'detr', 'lr', 'augment', 'coco', 'imagenet', 'batch', 'epochs', 'schedule', 'diverged', 'converged', 'label', 'smoothing', 'weight', 'decay'];
    const pick = (n: number) => words[n % words.length] as string;
    await Promise.all(
      Array.from({ length: 5000 }, (_, n) =>
        writeFile(path.join(journalRoot, 'journal', `2026-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}-entry-${n}.md`), `---\ntitle: ${pick(n)} ${pick(n * 7)} run ${n}\ntags: [${pick(n * 3)}, ${pick(n * 5)}]\nruns: [r-${n}]\n---\n${Array.from({ length: 60 }, (__, w) => pick(n * 13 + w * 7)).join(' ')}\n`),
      ),
    );
    const journal = new JournalService(new EventBus());
    const indexed = await seconds(() => journal.setRoot(journalRoot));
    const times: number[] = [];
    for (let n = 0; n < 200; n++) times.push(await seconds(() => journal.search(`${pick(n)} ${n % 3 === 0 ? pick(n + 5).slice(0, 4) : ''}`.trim())));
    process.stdout.write(`journal search over 5,000 entries: p50 ${(median(times) * 1000).toFixed(1)} ms, p95 ${(percentile(times, 0.95) * 1000).toFixed(1)} ms (read and indexed in ${indexed.toFixed(2)} s)\n`);
  } finally {
    try {
      execFileSync('tmux', ['-L', 'labdesk-bench', 'kill-server'], { stdio: 'ignore' });
    } catch {
      // no bench sessions left
    }
    proxy.child.kill();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}

async function withClient<T>(server: { username: string; clientPrivateKey: string | Buffer }, port: number, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: server.username, privateKey: server.clientPrivateKey, hostVerifier: () => true });
  });
  try {
    return await use(client);
  } finally {
    client.end();
  }
}
