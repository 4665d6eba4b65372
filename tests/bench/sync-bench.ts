// The sync benchmark: Labdesk's sync engine (prepareSync + executeSync: both scans, plan,
// transfer, base saved) against rsync and OpenSSH's sftp, on loopback and through a 20 ms RTT
// latency proxy, in the same run against the same real sshd.
//
//   node --import tsx tests/bench/index.ts sync [--quick] [--cases a,b,c,n,na,nb,d,w] [--nets loopback,rtt] [--runs N] [--ml-tree DIR]
//
// LABDESK_SYNC_TIMING=1 prints the engine's phases (scans, plan, transfer, base save: wall time
// and CPU) and the tar/SFTP timeline to stderr; LABDESK_SYNC_TRACE=1 prints, every 100 ms of a
// push, the files done, the SFTP backlog and its limit, the requests held back and the channel
// window left.
// Every row also reports the CPU each side used (client: this process and its children, so
// rsync and ssh; server: everything sshd ran for the connection).
//
// Every push uses a fresh connection and a fresh remote folder, and counts what a user waits
// for: connect + scan + transfer for every tool (rsync and sftp connect and scan too). The no-op
// resync (n) is Labdesk with its connection already open, as in the app, against rsync's no-op
// (which connects each time: that is how rsync is used).
// Files live in /dev/shm when possible so disk writeback doesn't dominate (the server is this
// machine). Short runs are repeated and the best of two is kept. Results are printed; nothing is saved.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { lstat, readFile, readdir, rename, rm, mkdtemp, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'ssh2';
import type { LocalScan } from '../../main/sync/local/local-scan';
import { openSyncSession } from '../../main/sync/open-sync-session';
import { executeSync, prepareSync, type ExecuteOptions, type SyncSession } from '../../main/sync/sync-engine';
import { uploadFiles } from '../../main/sync/transfer/transfer';
import { sftpSession } from '../../main/sftp/sftp-session';
import { startSshd, type SshdServer } from '../fixtures/sshd';
import { ShmDirs, connectFixture, execOn, openSftp } from './ssh-connect';
import { writeBigFile, writeLargeTree, writeMlTree, type TreeSummary } from './trees';
import { startProxy } from './latency';

const execFileAsync = promisify(execFile);
const DEFAULT_BUDGET_MIN = 20;
/** Linux's USER_HZ: /proc times are in these. */
const CLOCK_TICKS = 100;
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

/**
 * ours: the engine as the app runs it (it picks tar or SFTP), timed in this process;
 * ours-sftp / ours-tar: forced; ours-cmd: `labdesk sync` as a user runs it, a new process timed
 * from its start to its exit (node's start, loading the CLI, ssh config, connect, sync, exit).
 */
type Tool = 'ours' | 'ours-sftp' | 'ours-tar' | 'ours-cmd' | 'rsync' | 'sftp';
/** The built CLI (npm run build), as package.json's `bin` runs it. */
const CLI_ENTRY = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');

interface Row {
  readonly caseId: string;
  readonly label: string;
  readonly network: string;
  readonly bytes: number;
  /** Medians of the samples. */
  readonly seconds: Partial<Record<Tool, number>>;
  readonly samples: Partial<Record<Tool, number[]>>;
  /** CPU seconds the latency proxy spent per run, per tool (is it the bottleneck, and for whom?). */
  proxyCpu?: Partial<Record<Tool, number[]>>;
  /** CPU seconds per run on each side: this process + its children (rsync, ssh), and sshd + its children. */
  clientCpu?: Partial<Record<Tool, number[]>>;
  serverCpu?: Partial<Record<Tool, number[]>>;
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
    /** Interleaved repetitions of each push; medians are reported. */
    readonly runs: number,
    readonly budgetMs: number,
    readonly proxyPid: number | undefined,
  ) {}

  /** The proxy's user + system CPU seconds so far (Linux /proc). */
  async proxyCpuSeconds(): Promise<number | undefined> {
    return this.proxyPid === undefined ? undefined : cpuSeconds(this.proxyPid, false);
  }

  /** This process's CPU plus that of the children it has reaped (rsync and its ssh, sftp). */
  clientCpuSeconds(): Promise<number | undefined> {
    return cpuSeconds('self', true);
  }

  /** CPU of the connections sshd has served and reaped (sshd-session, sftp-server, the login shell, tar, rsync). */
  async serverCpuSeconds(): Promise<number | undefined> {
    const pid = this.server.pid();
    return pid === undefined ? undefined : cpuSeconds(pid, true, true);
  }

  timeLeft(): number {
    return this.budgetMs - (Date.now() - this.started);
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

/**
 * User + system CPU seconds of a process from /proc (Linux): its own and, with `children`, that
 * of the children it has waited for. `childrenOnly` leaves the process's own time out (sshd's
 * listener itself does nothing per transfer).
 */
async function cpuSeconds(pid: number | 'self', children: boolean, childrenOnly = false): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (!fields) return undefined;
  // Fields 14–17 of proc(5) (utime stime cutime cstime), counted from field 3 here.
  const own = childrenOnly ? 0 : Number(fields[11]) + Number(fields[12]);
  const reaped = children ? Number(fields[13]) + Number(fields[14]) : 0;
  return (own + reaped) / CLOCK_TICKS;
}

/** Waits until sshd has reaped the connection that just ended, so its CPU is counted (at most 2 s). */
async function settleServer(bench: Bench): Promise<void> {
  const pid = bench.server.pid();
  if (pid === undefined) return;
  for (let waited = 0; waited < 2000; waited += 50) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    if (children.trim() === '') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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


async function runEngine(session: SyncSession, options: ExecuteOptions = {}, localScan?: Promise<LocalScan>): Promise<{ actions: number; uploaded: number; viaTar: number }> {
  const prepared = await prepareSync(session, { deleteRemote: false, ...(localScan && { localScan }) });
  let filesDone = 0;
  const started = performance.now();
  const sftp = sftpSession(session.sftp);
  const out = (session.sftp as unknown as { outgoing: { window: number } }).outgoing;
  let lastCpu = process.cpuUsage();
  const trace = process.env.LABDESK_SYNC_TRACE ? setInterval(() => {
    // This process's CPU over the last interval (all threads), in ms.
    const cpu = process.cpuUsage(lastCpu);
    lastCpu = process.cpuUsage();
    process.stderr.write(`[trace] ${(performance.now() - started).toFixed(0).padStart(5)} ms files ${String(filesDone).padStart(5)} backlog ${(sftp.backlogBytes / 1024).toFixed(0).padStart(6)} KiB queued ${String(sftp.queuedRequests).padStart(5)} window ${(out.window / 1024).toFixed(0).padStart(5)} KiB rtt ${sftp.roundTripMs.toFixed(1)} limit ${(sftp.backlogLimit / 1024).toFixed(0)} KiB cpu ${((cpu.user + cpu.system) / 1000).toFixed(0).padStart(3)} ms\n`);
  }, 100) : undefined;
  const report = await executeSync(session, prepared, { ...options, onProgress: (p) => void (filesDone = p.filesDone) });
  clearInterval(trace);
  if (report.errors.length > 0 || report.conflicts.length > 0) {
    throw new Error(`${report.errors.length} errors, ${report.conflicts.length} conflicts, e.g. ${JSON.stringify(report.errors[0] ?? report.conflicts[0])}`);
  }
  return { actions: prepared.plan.actions.length, uploaded: report.uploaded, viaTar: report.viaTar };
}

/** The base lives in the project (.labdesk/state); the trees are shared by every tool, so it goes after each run. */
async function dropBase(local: string): Promise<void> {
  await rm(path.join(local, '.labdesk'), { recursive: true, force: true });
}

/** As `labdesk sync` runs (open-sync-session.ts, as cli/sync-command.ts opens it). */
async function runOurs(bench: Bench, net: Network, local: string, target: string, options: ExecuteOptions = {}): Promise<{ viaTar: number }> {
  const connecting = connectFixture(bench.server, { port: net.port });
  try {
    const spec = { localRoot: local, remoteRoot: target, hostLabel: net.name, target: 'bench', scanWhileConnecting: true, prestartTarShell: options.tar !== false };
    const { session, firstLocalScan, tarShell } = await openSyncSession(spec, connecting);
    return await runEngine(session, { ...options, ...(tarShell && { tarShell }) }, firstLocalScan);
  } finally {
    (await connecting.catch(() => null))?.end();
    await dropBase(local);
  }
}

/** `labdesk sync LOCAL ssh://…` as a command: what a user waits for, like rsync's process time. */
async function runCommand(bench: Bench, net: Network, local: string, target: string): Promise<void> {
  try {
    const url = `ssh://${bench.server.username}@127.0.0.1:${net.port}${target}`;
    await execFileAsync(process.execPath, [CLI_ENTRY, 'sync', local, url, '--identity', bench.server.clientKeyPath, '--known-hosts', bench.knownHosts, '--json'], {
      maxBuffer: 1 << 24,
      // As rsync gets `-F /dev/null`: no ssh config of this machine's user.
      env: { ...process.env, LABDESK_SSH_CONFIG: '/dev/null' },
    });
  } finally {
    await dropBase(local);
  }
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
    if (!row.notes.includes(`${tool} skipped: bench time budget used up`)) row.notes.push(`${tool} skipped: bench time budget used up`);
    return;
  }
  const { parent, target } = await bench.freshTarget();
  try {
    await settleServer(bench);
    const cpuBefore = net.name === 'loopback' ? undefined : await bench.proxyCpuSeconds();
    const clientBefore = await bench.clientCpuSeconds();
    const serverBefore = await bench.serverCpuSeconds();
    const seconds = await timed(() => run(target));
    const clientAfter = await bench.clientCpuSeconds();
    const cpuAfter = cpuBefore === undefined ? undefined : await bench.proxyCpuSeconds();
    await settleServer(bench);
    const serverAfter = await bench.serverCpuSeconds();
    if (cpuBefore !== undefined && cpuAfter !== undefined) ((row.proxyCpu ??= {})[tool] ??= []).push(cpuAfter - cpuBefore);
    if (clientBefore !== undefined && clientAfter !== undefined) ((row.clientCpu ??= {})[tool] ??= []).push(clientAfter - clientBefore);
    if (serverBefore !== undefined && serverAfter !== undefined) ((row.serverCpu ??= {})[tool] ??= []).push(serverAfter - serverBefore);
    const landed = await census(target);
    if (landed.files !== kase.summary.files || landed.bytes !== kase.summary.bytes) {
      row.notes.push(`${tool}: only ${landed.files} files / ${landed.bytes} bytes landed`);
    }
    (row.samples[tool] ??= []).push(seconds);
    process.stdout.write(`  ${kase.id} ${net.name.padEnd(9)} ${tool.padEnd(10)} ${seconds.toFixed(2)} s\n`);
  } catch (error) {
    row.notes.push(`${tool} failed: ${(error as Error).message.split('\n')[0]}`);
    process.stdout.write(`  ${kase.id} ${net.name.padEnd(9)} ${tool.padEnd(10)} FAILED ${(error as Error).message.split('\n')[0]}\n`);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

async function runCase(bench: Bench, kase: Case, net: Network): Promise<void> {
  const row: Row = { caseId: kase.id, label: kase.label, network: net.name, bytes: kase.summary.bytes, seconds: {}, samples: {}, notes: [] };
  bench.rows.push(row);
  const isFile = kase.id === 'c';
  const bigFile = isFile ? path.join(kase.local, 'checkpoint.bin') : '';
  // Interleaved, so a burst of load from the other users of the machine hits every tool alike.
  for (let round = 0; round < bench.runs; round++) {
    let oursUsedTar = false;
    await measure(bench, row, 'ours', net, kase, async (target) => {
      oursUsedTar = (await runOurs(bench, net, kase.local, target)).viaTar > 0;
    });
    if (!isFile) {
      // 'ours' chooses tar or SFTP itself (sync-engine.ts chooseTarMode): show the other path too.
      const other: Tool = oursUsedTar ? 'ours-sftp' : 'ours-tar';
      await measure(bench, row, other, net, kase, async (target) => {
        await runOurs(bench, net, kase.local, target, { tar: other === 'ours-tar' });
      });
    }
    if (kase.id === 'a') await measure(bench, row, 'ours-cmd', net, kase, (target) => runCommand(bench, net, kase.local, target));
    await measure(bench, row, 'rsync', net, kase, (target) => runRsync(bench, net, kase.local, target));

    // OpenSSH's sftp pays ~3 RTTs per file: estimate from case (a) before running a long one.
    const perFile = bench.sftpPerFile.get(net.name);
    if (kase.id === 'b' && (perFile === undefined || perFile * kase.summary.files * 1000 > SFTP_CLI_LIMIT_MS)) {
      const why = perFile === undefined ? 'no estimate (run case a too)' : `estimated ${(perFile * kase.summary.files).toFixed(0)} s from case (a) (${(perFile * 1000).toFixed(0)} ms per file) > ${SFTP_CLI_LIMIT_MS / 1000} s`;
      if (round === 0) row.notes.push(`sftp skipped: ${why}`);
      continue;
    }
    await measure(bench, row, 'sftp', net, kase, (target) => runSftp(bench, net, isFile ? bigFile : kase.local, target, isFile));
    const sftpSeconds = median(row.samples.sftp);
    if (kase.id === 'a' && sftpSeconds !== undefined) bench.sftpPerFile.set(net.name, sftpSeconds / kase.summary.files);
  }
  for (const tool of Object.keys(row.samples) as Tool[]) {
    const value = median(row.samples[tool]);
    if (value !== undefined) row.seconds[tool] = value;
  }
}

/**
 * The no-op resync: each tool first pushes the tree (untimed), then syncs it again with nothing
 * changed, `runs` times. Labdesk keeps its connection, base and ignore rules, as the app does
 * between syncs; rsync connects each time, as it does when run again.
 */
async function runNoop(bench: Bench, kase: Case, net: Network): Promise<void> {
  const row: Row = { caseId: `n${kase.id}`, label: `no-op resync of (${kase.id}) ${kase.label}`, network: net.name, bytes: kase.summary.bytes, seconds: {}, notes: [], samples: {} };
  bench.rows.push(row);
  const ours = await bench.freshTarget();
  const theirs = await bench.freshTarget();
  try {
    await runRsync(bench, net, kase.local, theirs.target);
    await withClient(bench, net, async (client) => {
      const { session } = await openSyncSession({ localRoot: kase.local, remoteRoot: ours.target, hostLabel: net.name, target: 'bench' }, Promise.resolve(client));
      await runEngine(session);
      for (let i = 0; i < Math.max(3, bench.runs * 2); i++) {
        let planned = 0;
        const mine = await timed(async () => void ({ actions: planned } = await runEngine(session)));
        if (planned !== 0) row.notes.push(`ours: the no-op resync planned ${planned} actions`);
        const rsync = await timed(() => runRsync(bench, net, kase.local, theirs.target));
        (row.samples.ours ??= []).push(mine);
        (row.samples.rsync ??= []).push(rsync);
        process.stdout.write(`  ${row.caseId.padEnd(2)} ${net.name.padEnd(9)} no-op      ours ${mine.toFixed(3)} s   rsync ${rsync.toFixed(3)} s\n`);
      }
    });
  } finally {
    await dropBase(kase.local);
    await rm(ours.parent, { recursive: true, force: true });
    await rm(theirs.parent, { recursive: true, force: true });
  }
  for (const tool of Object.keys(row.samples) as Tool[]) {
    const value = median(row.samples[tool]);
    if (value !== undefined) row.seconds[tool] = value;
  }
}

function median(values: readonly number[] | undefined): number | undefined {
  if (!values || values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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

const WATCH_EDITS = 30;

/**
 * (w) `labdesk watch` as a user runs it beside vim or PyCharm: another program writes a file,
 * and the time is taken until the server's copy has the new content (read on this machine:
 * the server's folder is local). Half the edits are plain writes, half are saves the way vim
 * (backup by rename) and JetBrains "safe write" (temp file renamed in) do them; no push may
 * carry a backup or temp file.
 */
async function watchLatency(bench: Bench, net: Network): Promise<{ p50: number; p95: number; max: number; tempPushed: string[] }> {
  const local = await bench.dirs.make('labdesk-bench-watch-');
  await writeFile(path.join(local, 'train.py'), 'print("start")\n');
  const { parent, target } = await bench.freshTarget();
  const url = `ssh://${bench.server.username}@127.0.0.1:${net.port}${target}`;
  const child = spawn(process.execPath, [CLI_ENTRY, 'watch', local, url, '--identity', bench.server.clientKeyPath, '--known-hosts', bench.knownHosts, '--json'], {
    env: { ...process.env, LABDESK_SSH_CONFIG: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pushed: string[] = [];
  let watching!: () => void;
  const ready = new Promise<void>((resolve) => (watching = resolve));
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const event = JSON.parse(line) as { event: string; paths?: string[] };
      if (event.event === 'watching') watching();
      if (event.event === 'push') pushed.push(...(event.paths ?? []));
    }
  });
  child.stderr.resume();
  try {
    await ready;
    const remoteFile = path.join(target, 'train.py');
    const times: number[] = [];
    for (let i = 0; i < WATCH_EDITS; i++) {
      const content = `# edit ${i}\n${'x = 1\n'.repeat(200)}`;
      const start = performance.now();
      const file = path.join(local, 'train.py');
      if (i % 2 === 0) {
        await writeFile(file, content);
      } else if (i % 4 === 1) {
        // vim (backupcopy=auto): the original becomes the backup, the new file is written, the backup goes.
        await rename(file, `${file}~`);
        await writeFile(file, content);
        await unlink(`${file}~`);
      } else {
        // JetBrains safe write: a temp file, the original moved aside, the temp renamed in, the original removed.
        await writeFile(`${file}___jb_tmp___`, content);
        await rename(file, `${file}___jb_old___`);
        await rename(`${file}___jb_tmp___`, file);
        await unlink(`${file}___jb_old___`);
      }
      for (;;) {
        if ((await readFile(remoteFile, 'utf8').catch(() => '')) === content) break;
        if (performance.now() - start > 10_000) throw new Error(`edit ${i} did not reach the server within 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      times.push(performance.now() - start);
      // Apart, as saves by a person are (seconds): each is its own change, not part of a burst.
      // A second also lets the watcher go quiet, so the next write's first event is delivered at
      // once, as a person's next save is (@parcel/watcher batches events less than 500 ms apart).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
    return { p50: at(0.5), p95: at(0.95), max: times.at(-1) ?? NaN, tempPushed: pushed.filter((p) => p !== 'train.py') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(parent, { recursive: true, force: true });
  }
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined ? '—' : (a / b).toFixed(2);
}

function mibps(bytes: number, seconds: number | undefined): string {
  return seconds === undefined ? '' : ` (${(bytes / 1024 / 1024 / seconds).toFixed(0)} MiB/s)`;
}

function printTable(bench: Bench): void {
  const header = ['case', 'net', 'ours s', 'ours-sftp s', 'ours-tar s', 'command s', 'rsync s', 'sftp s', 'ours/rsync', 'command/rsync', 'ours/sftp', 'sftp-path/rsync', 'tar-path/rsync', 'n'];
  const lines = bench.rows.map((row) => {
    const big = row.caseId === 'c';
    const s = row.seconds;
    const digits = row.caseId.startsWith('n') ? 3 : 2;
    const f = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(digits));
    // Which path 'ours' took: the other one is in its own column.
    const sftpPath = s['ours-sftp'] ?? (s['ours-tar'] !== undefined ? s.ours : undefined);
    const tarPath = s['ours-tar'] ?? (s['ours-sftp'] !== undefined ? s.ours : undefined);
    return [
      `(${row.caseId}) ${row.label}`,
      row.network,
      f(s.ours) + (big ? mibps(row.bytes, s.ours) : ''),
      f(s['ours-sftp']),
      f(s['ours-tar']),
      f(s['ours-cmd']),
      f(s.rsync) + (big ? mibps(row.bytes, s.rsync) : ''),
      f(s.sftp) + (big ? mibps(row.bytes, s.sftp) : ''),
      ratio(s.ours, s.rsync),
      ratio(s['ours-cmd'], s.rsync),
      ratio(s.ours, s.sftp),
      row.caseId.startsWith('n') || big ? '—' : ratio(sftpPath, s.rsync),
      row.caseId.startsWith('n') || big ? '—' : ratio(tarPath, s.rsync),
      String(Math.max(0, ...Object.values(row.samples).map((samples) => samples?.length ?? 0))),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] ?? '').length)));
  const format = (cells: string[]) => '| ' + cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  console.log('');
  console.log('medians of n interleaved runs; ratios < 1 mean Labdesk is faster');
  console.log('ours: the engine timed in this process (connect + scans + push); command: `labdesk sync` as a process, start to exit (case a); rsync and sftp: their processes');
  console.log(format(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const line of lines) console.log(format(line));
  for (const row of bench.rows) {
    const cpu = Object.entries(row.proxyCpu ?? {}).map(([tool, samples]) => `${tool} ${median(samples)?.toFixed(2)} s / ${row.seconds[tool as Tool]?.toFixed(2)} s`);
    if (cpu.length > 0) console.log(`  proxy CPU (${row.caseId}, ${row.network}), median CPU / median wall: ${cpu.join(', ')}`);
    const sides = Object.keys(row.clientCpu ?? {}).map((tool) => {
      const client = median(row.clientCpu?.[tool as Tool]);
      const server = median(row.serverCpu?.[tool as Tool]);
      return `${tool} ${client?.toFixed(2) ?? '?'} + ${server?.toFixed(2) ?? '?'} s`;
    });
    if (sides.length > 0) console.log(`  CPU client + server (${row.caseId}, ${row.network}), medians: ${sides.join(', ')}`);
  }
  for (const row of bench.rows) for (const note of row.notes) console.log(`  note (${row.caseId}, ${row.network}): ${note}`);
  for (const note of bench.notes) console.log(`  note: ${note}`);
}

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export async function runSyncBench(args: readonly string[]): Promise<void> {
  const quick = args.includes('--quick');
  const only = new Set((option(args, '--cases') ?? (quick ? 'a,c,n,d,w' : 'a,b,c,n,d,w')).split(','));
  const onlyNets = new Set((option(args, '--nets') ?? 'loopback,rtt').split(','));
  const runs = Math.max(1, Number(option(args, '--runs') ?? (quick ? 1 : 3)));
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
    const bench = new Bench(server, dirs, remoteBase, knownHosts, runs, Number(option(args, '--budget-min') ?? DEFAULT_BUDGET_MIN) * 60_000, proxy.child.pid);

    process.stdout.write('generating trees… ');
    const mlRoot = await dirs.make('labdesk-bench-ml-');
    const largeRoot = await dirs.make('labdesk-bench-large-');
    const bigRoot = await dirs.make('labdesk-bench-big-');
    // --ml-tree DIR: a real project instead of the generated one (e.g. a checkout of detectron2).
    const mlTree = option(args, '--ml-tree');
    if (mlTree) await execFileAsync('cp', ['-a', `${path.resolve(mlTree)}/.`, mlRoot]);
    const ml = mlTree ? await census(mlRoot) : await writeMlTree(mlRoot);
    const wantLarge = only.has('b') || only.has('nb');
    const large = wantLarge ? await writeLargeTree(largeRoot) : { files: 0, bytes: 0 };
    const big = await writeBigFile(path.join(bigRoot, 'checkpoint.bin'), quick ? 32 * 1024 * 1024 : BIG_FILE_BYTES);
    console.log(`done (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    const cases: Case[] = [
      { id: 'a', label: `ML repo, ${ml.files.toLocaleString('en')} files, ${mb(ml.bytes)}`, local: mlRoot, summary: ml },
      ...(!wantLarge ? [] : [{ id: 'b' as const, label: `${large.files.toLocaleString('en')} files, ${mb(large.bytes)}`, local: largeRoot, summary: large }]),
      { id: 'c', label: `one ${big.bytes / 1024 / 1024} MiB file`, local: bigRoot, summary: big },
    ];
    const networks: Network[] = [
      ...(onlyNets.has('loopback') ? [{ name: 'loopback', port: server.port }] : []),
      ...(onlyNets.has('rtt') ? [{ name: 'rtt 20ms', port: proxy.port }] : []),
    ];

    // Warm up the JIT (rsync and sftp are native code): one untimed push of case (a).
    const warm = await bench.freshTarget();
    await runOurs(bench, { name: 'loopback', port: server.port }, mlRoot, warm.target);
    await rm(warm.parent, { recursive: true, force: true });

    // One exec's fixed cost: the login shell's start (rsync and the tar push pay it too).
    const execCost = await withClient(bench, { name: 'loopback', port: server.port }, async (client) => {
      await execOn(client, 'true');
      return timed(async () => void (await execOn(client, 'true')));
    });
    bench.notes.push(`one exec (login shell start on this server) costs ${execCost.toFixed(2)} s on loopback; rsync and the tar push pay it, SFTP doesn't`);
    const connectCost = await timed(() => withClient(bench, { name: 'rtt 20ms', port: proxy?.port ?? 0 }, async (client) => void (await openSftp(client))));
    bench.notes.push(`ssh2 connect + auth + SFTP channel through the 20 ms proxy: ${connectCost.toFixed(2)} s (included in every "ours" number)`);

    // `labdesk --help` as a process, beside node starting with nothing to do (best of 5 each).
    const processMs = async (args: string[]) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) best = Math.min(best, await timed(async () => void (await execFileAsync(process.execPath, args))) * 1000);
      return best;
    };
    const [helpMs, nodeMs] = [await processMs([CLI_ENTRY, '--help']), await processMs(['-e', '0'])];
    bench.notes.push(`\`labdesk --help\` as a process: ${helpMs.toFixed(0)} ms (node -e 0: ${nodeMs.toFixed(0)} ms)`);

    for (const network of networks) {
      for (const kase of cases) if (only.has(kase.id)) await runCase(bench, kase, network);
      // n: the no-op resyncs of (a) and (b); na / nb: just one of them.
      for (const kase of cases) if (kase.id !== 'c' && (only.has('n') || only.has(`n${kase.id}`))) await runNoop(bench, kase, network);
      if (only.has('d') && bench.timeLeft() > 20_000) {
        for (const fsync of ['auto', false] as const) {
          const latency = await saveLatency(bench, network, fsync);
          bench.notes.push(
            `(d) save-to-remote, ${network.name}, 4 KB file on disk, ${SAVES} sequential saves with expectRemote, fsync ${fsync === 'auto' ? 'on (auto)' : 'off'}: ` +
              `p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
          );
          process.stdout.write(`  d ${network.name.padEnd(9)} fsync=${String(fsync).padEnd(5)} p50 ${latency.p50.toFixed(1)} ms p95 ${latency.p95.toFixed(1)} ms\n`);
        }
      }
      if (only.has('w') && bench.timeLeft() > 20_000) {
        const latency = await watchLatency(bench, network);
        const temps = latency.tempPushed.length === 0 ? 'no temp file pushed' : `TEMP FILES PUSHED: ${latency.tempPushed.join(', ')}`;
        bench.notes.push(
          `(w) labdesk watch, ${network.name}, another program writes train.py (${WATCH_EDITS} edits, half by temp file + rename) until the server has it: ` +
            `p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms; ${temps} (compare (d), the editor's own save)`,
        );
        process.stdout.write(`  w ${network.name.padEnd(9)} watch p50 ${latency.p50.toFixed(1)} ms p95 ${latency.p95.toFixed(1)} ms; ${temps}\n`);
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
