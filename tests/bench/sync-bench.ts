// The sync benchmark: Labdesk's transfer engine against rsync and OpenSSH's sftp, on loopback and
// through a 20 ms RTT latency proxy, in the same run against the same real sshd.
//
//   node --import tsx tests/bench/index.ts sync [--quick]
//
// Every measurement uses a fresh connection and a fresh remote folder, and counts what a user
// waits for: connect + scan + transfer for every tool (rsync and sftp connect and scan too).
// Files live in /dev/shm when possible so disk writeback doesn't dominate (the server is this
// machine). Short runs are repeated and the best of two is kept. Results are printed; nothing is saved.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { lstat, readdir, rm, mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'ssh2';
import { pushWithTar } from '../../main/sync/tar-push';
import { uploadFiles, type UploadItem, type UploadOptions } from '../../main/sync/transfer';
import { startSshd, type SshdServer } from '../fixtures/sshd';
import { ShmDirs, connectFixture, execOn, openSftp } from './ssh-connect';
import { writeBigFile, writeLargeTree, writeMlTree, type TreeSummary } from './trees';

const execFileAsync = promisify(execFile);
const LATENCY_PROXY = '/work/shared/tools/latency-proxy.mjs';
const BUDGET_MS = 7.5 * 60_000;
const SFTP_CLI_LIMIT_MS = 120_000;
const BIG_FILE_BYTES = 256 * 1024 * 1024;
const SAVES = 50;

interface Network {
  readonly name: string;
  readonly port: number;
}

interface Case {
  readonly id: 'a' | 'b' | 'c';
  readonly label: string;
  /** Local folder whose contents are pushed. */
  readonly local: string;
  readonly summary: TreeSummary;
}

/** 'disk-…': the remote folder on the real disk (os.tmpdir()) instead of /dev/shm, where fsync is free. */
type Tool = 'ours' | 'ours-tar' | 'disk-fsync' | 'disk-nofsync' | 'rsync' | 'sftp';

interface Row {
  readonly caseId: string;
  readonly label: string;
  readonly network: string;
  readonly bytes: number;
  readonly seconds: Partial<Record<Tool, number>>;
  readonly notes: string[];
}

class Bench {
  private readonly started = Date.now();
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly server: SshdServer,
    readonly dirs: ShmDirs,
    readonly remoteBase: string,
    readonly knownHosts: string,
  ) {}

  timeLeft(): number {
    return BUDGET_MS - (Date.now() - this.started);
  }

  async freshTarget(onDisk = false): Promise<{ parent: string; target: string }> {
    const parent = await mkdtemp(path.join(onDisk ? os.tmpdir() : this.remoteBase, 'labdesk-bench-run-'));
    return { parent, target: path.join(parent, 'tree') };
  }

  /** Seconds per file of OpenSSH's sftp in case (a), per network: estimates case (b). */
  readonly sftpPerFile = new Map<string, number>();

  sshArgs(): string[] {
    return [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${this.knownHosts}`,
      '-o', 'IdentitiesOnly=yes',
      '-i', this.server.clientKeyPath,
    ];
  }
}

/** Walks `root` like the engine's local scan (lstat, no links followed) and builds upload items. */
async function scan(root: string, remoteRoot: string): Promise<UploadItem[]> {
  const items: UploadItem[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(path.join(root, rel), { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) return walk(childRel);
        if (!entry.isFile()) return;
        const stats = await lstat(path.join(root, childRel));
        items.push({
          localPath: path.join(root, childRel),
          remotePath: path.posix.join(remoteRoot, childRel),
          mode: stats.mode,
          mtimeMs: stats.mtimeMs,
          size: stats.size,
          expectRemote: null,
        });
      }),
    );
  };
  await walk('');
  return items;
}

/** Counts files and bytes under a remote (= local) folder, to check that a tool really copied everything. */
async function census(dir: string): Promise<TreeSummary> {
  let files = 0;
  let bytes = 0;
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        files += 1;
        bytes += (await lstat(full)).size;
      }
    }
  };
  await walk(dir);
  return { files, bytes };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

async function withClient<T>(bench: Bench, net: Network, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectFixture(bench.server, { port: net.port });
  try {
    return await use(client);
  } finally {
    client.end();
  }
}

async function runOurs(bench: Bench, net: Network, local: string, target: string, options: UploadOptions = {}): Promise<void> {
  await withClient(bench, net, async (client) => {
    const sftp = await openSftp(client);
    const items = await scan(local, target);
    const results = await uploadFiles(sftp, items, { host: net.name, ...options });
    const failed = results.filter((result) => !result.ok);
    if (failed.length > 0) throw new Error(`${failed.length} uploads failed, e.g. ${JSON.stringify(failed[0])}`);
  });
}

async function runTar(bench: Bench, net: Network, local: string, target: string): Promise<void> {
  await withClient(bench, net, async (client) => {
    const items = await scan(local, target);
    const rels = items.map((item) => path.relative(local, item.localPath).split(path.sep).join('/'));
    const results = await pushWithTar(client, local, rels, target, { host: net.name });
    const failed = results.filter((result) => !result.ok);
    if (failed.length > 0) throw new Error(`${failed.length} tar pushes failed, e.g. ${JSON.stringify(failed[0])}`);
  });
}

async function runRsync(bench: Bench, net: Network, local: string, target: string): Promise<void> {
  const ssh = ['ssh', ...bench.sshArgs(), '-p', String(net.port)].join(' ');
  await execFileAsync('rsync', ['-a', '-e', ssh, `${local}/`, `${bench.server.username}@127.0.0.1:${target}/`], { maxBuffer: 1 << 24 });
}

async function runSftp(bench: Bench, net: Network, local: string, target: string, isFile: boolean): Promise<void> {
  const batch = path.join(bench.remoteBase, `batch-${process.pid}-${Date.now()}`);
  await writeFile(batch, isFile ? `mkdir ${target}\nput -p ${local} ${target}/\n` : `put -rp ${local} ${target}\n`);
  try {
    await execFileAsync('sftp', [...bench.sshArgs(), '-P', String(net.port), '-b', batch, `${bench.server.username}@127.0.0.1`], { maxBuffer: 1 << 24 });
  } finally {
    await rm(batch, { force: true });
  }
}

async function measure(bench: Bench, row: Row, tool: Tool, net: Network, kase: Case, run: (target: string) => Promise<void>): Promise<void> {
  if (bench.timeLeft() < 10_000) {
    row.notes.push(`${tool} skipped: bench time budget used up`);
    return;
  }
  // Best of two when a run is short: the machine may be shared, and one stall shouldn't decide.
  let best: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    const { parent, target } = await bench.freshTarget(tool.startsWith('disk-'));
    try {
      const seconds = await timed(() => run(target));
      const landed = await census(target);
      if (landed.files !== kase.summary.files || landed.bytes !== kase.summary.bytes) {
        row.notes.push(`${tool}: only ${landed.files} files / ${landed.bytes} bytes landed`);
      }
      best = Math.min(best ?? Infinity, seconds);
      process.stdout.write(`  ${kase.id} ${net.name.padEnd(9)} ${tool.padEnd(10)} ${seconds.toFixed(2)} s\n`);
      if (seconds > 15 || bench.timeLeft() < 60_000) break;
    } catch (error) {
      row.notes.push(`${tool} failed: ${(error as Error).message.split('\n')[0]}`);
      process.stdout.write(`  ${kase.id} ${net.name.padEnd(9)} ${tool.padEnd(10)} FAILED ${(error as Error).message.split('\n')[0]}\n`);
      break;
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }
  if (best !== undefined) row.seconds[tool] = best;
}

async function runCase(bench: Bench, kase: Case, net: Network): Promise<void> {
  const row: Row = { caseId: kase.id, label: kase.label, network: net.name, bytes: kase.summary.bytes, seconds: {}, notes: [] };
  bench.rows.push(row);
  const isFile = kase.id === 'c';
  const bigFile = isFile ? path.join(kase.local, 'checkpoint.bin') : '';
  await measure(bench, row, 'ours', net, kase, (target) => runOurs(bench, net, kase.local, target));
  if (kase.id === 'a') {
    // The fsync decision: on a real disk (the bench's /dev/shm makes fsync free).
    await measure(bench, row, 'disk-fsync', net, kase, (target) => runOurs(bench, net, kase.local, target, { fsync: true }));
    await measure(bench, row, 'disk-nofsync', net, kase, (target) => runOurs(bench, net, kase.local, target, { fsync: false }));
  }
  if (!isFile) await measure(bench, row, 'ours-tar', net, kase, (target) => runTar(bench, net, kase.local, target));
  await measure(bench, row, 'rsync', net, kase, (target) => runRsync(bench, net, kase.local, target));

  // OpenSSH's sftp pays ~3 RTTs per file: estimate from case (a) before running a long one.
  const perFile = bench.sftpPerFile.get(net.name);
  if (kase.id === 'b' && perFile !== undefined && perFile * kase.summary.files * 1000 > SFTP_CLI_LIMIT_MS) {
    row.notes.push(`sftp skipped: estimated ${(perFile * kase.summary.files).toFixed(0)} s from case (a) (${(perFile * 1000).toFixed(0)} ms per file) > ${SFTP_CLI_LIMIT_MS / 1000} s`);
    return;
  }
  await measure(bench, row, 'sftp', net, kase, (target) => runSftp(bench, net, isFile ? bigFile : kase.local, target, isFile));
  const sftpSeconds = row.seconds.sftp;
  if (kase.id === 'a' && sftpSeconds !== undefined) bench.sftpPerFile.set(net.name, sftpSeconds / kase.summary.files);
}

/** 50 sequential saves of a 4 KB file over one open connection, each with the previous expectRemote. */
async function saveLatency(bench: Bench, net: Network, fsync: boolean | 'auto'): Promise<{ p50: number; p95: number; max: number }> {
  const local = await bench.dirs.make('labdesk-bench-save-');
  const file = path.join(local, 'train.py');
  // On the real disk, so the fsync comparison means something.
  const { parent } = await bench.freshTarget(true);
  try {
    return await withClient(bench, net, async (client) => {
      const sftp = await openSftp(client);
      let expectRemote = null;
      const times: number[] = [];
      for (let i = 0; i < SAVES + 3; i++) {
        await writeFile(file, `# save ${i}\n${'x = 1\n'.repeat(680)}`.slice(0, 4096));
        const stats = await lstat(file);
        const start = performance.now();
        const [result] = await uploadFiles(sftp, [{ localPath: file, remotePath: path.join(parent, 'train.py'), mode: stats.mode, mtimeMs: stats.mtimeMs, size: stats.size, expectRemote }], { host: net.name, fsync });
        const ms = performance.now() - start;
        if (!result?.ok) throw new Error(`save ${i} failed: ${JSON.stringify(result)}`);
        expectRemote = result.remote;
        if (i >= 3) times.push(ms); // the first few warm up the JIT
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
      return { p50: at(0.5), p95: at(0.95), max: times.at(-1) ?? NaN };
    });
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startProxy(targetPort: number, oneWayMs: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [LATENCY_PROXY, String(port), String(targetPort), String(oneWayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`latency proxy exited with ${code}`)));
    child.stdout?.once('data', () => resolve());
  });
  child.stdout?.resume();
  return { port, child };
}

function fmt(seconds: number | undefined): string {
  return seconds === undefined ? '—' : seconds.toFixed(2);
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '—' : (a / b).toFixed(2);
}

function mibps(bytes: number, seconds: number | undefined): string {
  return seconds === undefined ? '' : ` (${(bytes / 1024 / 1024 / seconds).toFixed(0)} MiB/s)`;
}

function printTable(bench: Bench): void {
  const header = ['case', 'net', 'ours s', 'ours tar s', 'rsync s', 'sftp s', 'ours/rsync', 'ours/sftp', 'tar/rsync', 'disk: fsync on / off s'];
  const lines = bench.rows.map((row) => {
    const big = row.caseId === 'c';
    const s = row.seconds;
    return [
      `(${row.caseId}) ${row.label}`,
      row.network,
      fmt(s.ours) + (big ? mibps(row.bytes, s.ours) : ''),
      fmt(s['ours-tar']),
      fmt(s.rsync) + (big ? mibps(row.bytes, s.rsync) : ''),
      fmt(s.sftp) + (big ? mibps(row.bytes, s.sftp) : ''),
      ratio(s.ours, s.rsync),
      ratio(s.ours, s.sftp),
      ratio(s['ours-tar'], s.rsync),
      s['disk-fsync'] === undefined ? '—' : `${fmt(s['disk-fsync'])} / ${fmt(s['disk-nofsync'])}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] ?? '').length)));
  const format = (cells: string[]) => '| ' + cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  console.log('');
  console.log(format(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const line of lines) console.log(format(line));
  for (const row of bench.rows) for (const note of row.notes) console.log(`  note (${row.caseId}, ${row.network}): ${note}`);
  for (const note of bench.notes) console.log(`  note: ${note}`);
}

export async function runSyncBench(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const began = Date.now();
  const [rsyncVersion, sshVersion] = await Promise.all([
    execFileAsync('rsync', ['--version']).then((r) => r.stdout.split('\n')[0] ?? '', () => 'rsync missing'),
    execFileAsync('ssh', ['-V']).then((r) => r.stderr.trim(), () => 'ssh missing'),
  ]);
  console.log(`sync bench: ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${rsyncVersion}; ${sshVersion}; node ${process.version}`);

  const dirs = new ShmDirs();
  const server = await startSshd();
  let proxy: { port: number; child: ChildProcess } | undefined;
  try {
    proxy = await startProxy(server.port, 10);
    const remoteBase = await dirs.make('labdesk-bench-remote-');
    const knownHosts = path.join(remoteBase, 'known_hosts');
    const keyLine = server.hostPublicKey.split(/\s+/).slice(0, 2).join(' ');
    await writeFile(knownHosts, `[127.0.0.1]:${server.port} ${keyLine}\n[127.0.0.1]:${proxy.port} ${keyLine}\n`);
    const bench = new Bench(server, dirs, remoteBase, knownHosts);

    process.stdout.write('generating trees… ');
    const mlRoot = await dirs.make('labdesk-bench-ml-');
    const largeRoot = await dirs.make('labdesk-bench-large-');
    const bigRoot = await dirs.make('labdesk-bench-big-');
    const ml = await writeMlTree(mlRoot);
    const large = quick ? { files: 0, bytes: 0 } : await writeLargeTree(largeRoot);
    const big = await writeBigFile(path.join(bigRoot, 'checkpoint.bin'), quick ? 32 * 1024 * 1024 : BIG_FILE_BYTES);
    console.log(`done (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    const cases: Case[] = [
      { id: 'a', label: `ML repo, ${ml.files.toLocaleString('en')} files, ${mb(ml.bytes)}`, local: mlRoot, summary: ml },
      ...(quick ? [] : [{ id: 'b' as const, label: `${large.files.toLocaleString('en')} files, ${mb(large.bytes)}`, local: largeRoot, summary: large }]),
      { id: 'c', label: `one ${big.bytes / 1024 / 1024} MiB file`, local: bigRoot, summary: big },
    ];
    const networks: Network[] = [
      { name: 'loopback', port: server.port },
      { name: 'rtt 20ms', port: proxy.port },
    ];

    // Warm up the JIT (rsync and sftp are native code): one untimed push of case (a).
    const warm = await bench.freshTarget();
    await runOurs(bench, networks[0] as Network, mlRoot, warm.target);
    await rm(warm.parent, { recursive: true, force: true });

    // One exec's fixed cost: the login shell's start (rsync and the tar push pay it too).
    const execCost = await withClient(bench, networks[0] as Network, async (client) => {
      await execOn(client, 'true');
      return timed(async () => void (await execOn(client, 'true')));
    });
    bench.notes.push(`one exec (login shell start on this server) costs ${execCost.toFixed(2)} s on loopback; rsync and the tar push pay it, SFTP doesn't`);
    const connectCost = await timed(() => withClient(bench, networks[1] as Network, async (client) => void (await openSftp(client))));
    bench.notes.push(`ssh2 connect + auth + SFTP channel through the 20 ms proxy: ${connectCost.toFixed(2)} s (included in every "ours" number)`);

    for (const network of networks) {
      for (const kase of cases) await runCase(bench, kase, network);
      if (bench.timeLeft() > 20_000) {
        for (const fsync of ['auto', false] as const) {
          const latency = await saveLatency(bench, network, fsync);
          bench.notes.push(
            `(d) save-to-remote, ${network.name}, 4 KB file on disk, ${SAVES} sequential saves with expectRemote, fsync ${fsync === 'auto' ? 'on (auto)' : 'off'}: ` +
              `p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
          );
          process.stdout.write(`  d ${network.name.padEnd(9)} fsync=${String(fsync).padEnd(5)} p50 ${latency.p50.toFixed(1)} ms p95 ${latency.p95.toFixed(1)} ms\n`);
        }
      }
    }
    printTable(bench);
    console.log(`\nbench took ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    proxy?.child.kill();
    await server.stop();
    await dirs.cleanup();
  }
}
