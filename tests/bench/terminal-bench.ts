// The terminal benchmark: `node --import tsx tests/bench/index.ts terminal [--keys 40]`.
//
// All at 20 ms RTT (the latency proxy in front of a throwaway sshd):
// - echo: a key typed into the window's terminal (labdesk web + Chromium, tmux-backed shell),
//   timed in the page from the keydown to the frame that shows the echoed key, p50 and p95,
//   against `ssh -tt` (a process: the key written to its stdin, to the echo on its stdout), into a
//   plain shell and into tmux;
// - cat: `cat` of a 100 MB file in the window's terminal, from Enter to the prompt's marker on
//   screen, with the page's JS heap and the labdesk web process's memory at their peaks, against
//   `ssh -tt host cat` of the same file (a process, its output drained);
// - monitor: one sample (one round trip to the monitor shell) on an open connection, its wall time
//   and its cost on the server (CPU time of the processes it starts, from the shell's `times`),
//   against `ssh host nvidia-smi …` as a process (what `watch nvidia-smi` over ssh costs each time).

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { Client } from 'ssh2';
import { startThrowawaySshd } from '../../main/dev/throwaway-sshd';
import { APPS_QUERY, GPU_QUERY, monitorCommand, SampleShell, takeSample } from '../../main/monitor';
import { execCommand } from '../../main/ssh';
import { writeFakeNvidiaSmi } from '../fixtures/monitor';
import { startProxy } from './latency';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => existsSync(candidate));
const ONE_WAY_MS = 10;
const BIG_BYTES = 100 * 1024 * 1024;

const option = (args: readonly string[], name: string) => (args.indexOf(name) === -1 ? undefined : args[args.indexOf(name) + 1]);
const percentile = (values: readonly number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] as number;
const median = (values: readonly number[]) => percentile(values, 0.5);
const ms = (value: number) => `${value.toFixed(1)} ms`;
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

export async function runTerminalBench(args: readonly string[]): Promise<void> {
  const keys = Number(option(args, '--keys') ?? 40);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first.`);
  const home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-terminal-bench-'));
  const bin = path.join(home, 'bin');
  await writeFakeNvidiaSmi(bin, 'gpus-2');
  const server = await startThrowawaySshd({ extraConfig: [`SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`] });
  const proxy = await startProxy(server.port, ONE_WAY_MS);
  const knownHosts = path.join(home, 'known_hosts');
  const hostKey = (await readFile(server.knownHostsPath, 'utf8')).trim().replace(`]:${server.port} `, `]:${proxy.port} `);
  await writeFile(knownHosts, `${hostKey}\n`);
  const project = path.join(home, 'project');
  const remote = path.join(home, 'server', 'project');
  await mkdir(path.join(project, '.labdesk'), { recursive: true });
  await mkdir(remote, { recursive: true });
  await writeFile(path.join(project, 'train.py'), 'print("hi")\n');
  await writeFile(path.join(project, '.labdesk', 'project.json'), JSON.stringify({ targets: { gpu1: { host: '127.0.0.1', port: proxy.port, user: server.username, identityFile: server.clientKeyPath, remoteRoot: remote } } }));
  execFileSync('sh', ['-c', `yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | head -c ${BIG_BYTES} > "$1"`, 'sh', path.join(remote, 'big.txt')]);
  const sshArgs = ['-p', String(proxy.port), '-i', server.clientKeyPath, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', `${server.username}@127.0.0.1`];
  process.stdout.write(`terminal bench: 20 ms RTT (latency proxy), ${keys} keys, the window is labdesk web in Chromium\n`);
  try {
    // --- references: ssh -tt, a process, into a plain shell and into tmux ---
    const plainSsh = await sshEcho(sshArgs, [], keys);
    const tmuxSsh = await sshEcho(sshArgs, ['tmux', '-L', 'labdesk-bench', 'new-session', '-A', '-s', 'bench-echo'], keys);
    await run('tmux', ['-L', 'labdesk-bench', 'kill-server']).catch(() => undefined); // exit already ended it
    const sshCat = await sshCatSeconds(sshArgs, path.join(remote, 'big.txt'));

    // --- the window ---
    const web = await startWeb(project, { LABDESK_CONFIG_DIR: path.join(home, 'config'), LABDESK_SSH_CONFIG: path.join(home, 'ssh_config'), LABDESK_KNOWN_HOSTS: knownHosts, SSH_AUTH_SOCK: '' });
    await writeFile(path.join(home, 'ssh_config'), '');
    const browser = await chromium.launch({ ...(CHROMIUM && { executablePath: CHROMIUM }), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(web.url);
      await page.getByRole('button', { name: 'Server', exact: true }).click();
      await page.getByRole('button', { name: 'Activate gpu1', exact: true }).click();
      await page.getByRole('button', { name: /^Sync status: gpu1 connected/ }).waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+j');
      await page.getByRole('button', { name: 'New terminal' }).click();
      const terminal = page.getByRole('region', { name: 'Terminal gpu1' });
      await waitInPage(page, `/[$#]\\s*$/.test(document.querySelector('[aria-label="Terminal gpu1"] .xterm-rows')?.textContent?.trimEnd() ?? '')`, 20_000);
      await terminal.click();
      await sleep(500);
      const echo = await windowEcho(page, keys);
      const cat = await windowCat(page, web.pid);
      process.stdout.write(
        `echo of a key: window p50 ${ms(median(echo))}, p95 ${ms(percentile(echo, 0.95))} vs ssh -tt p50 ${ms(median(plainSsh))}, p95 ${ms(percentile(plainSsh, 0.95))} (${(median(echo) / median(plainSsh)).toFixed(2)}×); ssh -tt into tmux p50 ${ms(median(tmuxSsh))} (${(median(echo) / median(tmuxSsh)).toFixed(2)}×)\n`,
      );
      process.stdout.write(
        `cat of 100 MB: window ${cat.seconds.toFixed(2)} s to the prompt (page JS heap peak ${cat.heapMb.toFixed(0)} MB, was ${cat.heapBeforeMb.toFixed(0)}; labdesk web RSS peak ${cat.rssMb.toFixed(0)} MB, was ${cat.rssBeforeMb.toFixed(0)}) vs ssh -tt cat ${sshCat.toFixed(2)} s (${(cat.seconds / sshCat).toFixed(2)}×)\n`,
      );
    } finally {
      await browser.close();
      web.stop();
    }

    // --- one monitor sample ---
    const client = await connect(server, proxy.port);
    try {
      const spec = { disks: [remote], runs: [] };
      const shell = new SampleShell(client);
      let trips = 0;
      const exec = (command: string) => {
        trips += 1;
        return shell.exec(command);
      };
      const walls: number[] = [];
      let previousCpu = null;
      for (let n = 0; n < 11; n++) {
        const started = performance.now();
        const { cpu } = await takeSample(exec, { target: 'gpu1', host: 'gpu1', ...spec, previousCpu });
        previousCpu = cpu;
        if (n > 0) walls.push(performance.now() - started); // the first one also starts the shell
      }
      // The monitor shell's `times` before and after a sample: the CPU of the processes it ran.
      const cpuMs: number[] = [];
      const shellTimes = async () => cpuSecondsOf((await shell.exec('times')).stdout.toString('utf8'));
      for (let n = 0; n < 10; n++) {
        const before = await shellTimes();
        await shell.exec(monitorCommand(spec));
        cpuMs.push(((await shellTimes()) - before) * 1000);
      }
      shell.close();
      // What every fresh exec costs on this server (the login shell and its rc files), for scale.
      const { stdout } = await execCommand(client, 'times');
      const execStartMs = cpuSecondsOf(stdout.toString('utf8')) * 1000;
      const viaSsh: number[] = [];
      for (let n = 0; n < 5; n++) {
        const started = performance.now();
        await run('ssh', [...sshArgs, `nvidia-smi --query-gpu=${GPU_QUERY} --format=csv,noheader,nounits; nvidia-smi --query-compute-apps=${APPS_QUERY} --format=csv,noheader,nounits`]);
        viaSsh.push(performance.now() - started);
      }
      process.stdout.write(
        `monitor sample: ${trips / 11} round trip, ${ms(median(walls))} on the open connection vs ssh nvidia-smi as a process ${ms(median(viaSsh))} (${(median(walls) / median(viaSsh)).toFixed(2)}×); ` +
          `${ms(median(cpuMs))} CPU on the server per sample (${((median(cpuMs) / 2000) * 100).toFixed(2)}% of a core at one per 2 s; a fresh exec's shell alone costs ${ms(execStartMs)} here)\n`,
      );
    } finally {
      client.end();
    }
  } finally {
    proxy.child.kill();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/** The shell's `times`: user and system CPU of the shell, then of its children; all of it, in seconds. */
function cpuSecondsOf(times: string): number {
  return times
    .trim()
    .split(/\s+/)
    .reduce((sum, value) => sum + parseTimes(value), 0);
}

/** One figure of `times`, `0m0.012s`. */
function parseTimes(value: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : 0;
}

/** ssh -tt as a process: each key written to stdin, timed to its echo on stdout. */
async function sshEcho(sshArgs: readonly string[], command: readonly string[], keys: number): Promise<number[]> {
  const child = spawn('ssh', ['-tt', ...sshArgs, ...command], { stdio: ['pipe', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // eslint-disable-next-line no-control-regex -- escape sequences are taken out to find the prompt
  await until(() => /[$#] $/.test(output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trimEnd() + ' '), 20_000);
  await sleep(500);
  const times: number[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let n = 0; n < keys; n++) {
    const key = letters[n % letters.length] as string;
    const from = output.length;
    const started = performance.now();
    child.stdin.write(key);
    await until(() => output.slice(from).includes(key), 5_000);
    times.push(performance.now() - started);
    await sleep(20);
  }
  child.stdin.write('\x15exit\r');
  await stop(child);
  return times;
}

async function sshCatSeconds(sshArgs: readonly string[], file: string): Promise<number> {
  const started = performance.now();
  const child = spawn('ssh', ['-tt', ...sshArgs, `cat ${file}`], { stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdout.resume();
  await new Promise((resolve) => child.on('exit', resolve));
  return (performance.now() - started) / 1000;
}

/** Keys typed in the page; each timed from its keydown to the frame after xterm drew it. */
async function windowEcho(page: Page, keys: number): Promise<number[]> {
  await page.evaluate(`(() => {
    const rows = document.querySelector('[aria-label="Terminal gpu1"] .xterm-rows');
    const state = (window.__echo = { results: [], pending: null });
    document.addEventListener('keydown', () => { if (state.pending && !state.pending.t0) state.pending.t0 = performance.now(); }, true);
    // The line the cursor is on ends with what was typed so far: the key is on screen.
    const cursorLine = () => (rows.querySelector('.xterm-cursor')?.parentElement?.textContent ?? '').trimEnd();
    new MutationObserver(() => {
      const pending = state.pending;
      if (pending && pending.t0 && cursorLine().endsWith(pending.text)) {
        state.pending = null;
        requestAnimationFrame(() => state.results.push(performance.now() - pending.t0));
      }
    }).observe(rows, { subtree: true, childList: true, characterData: true });
    window.__expect = (text) => { state.pending = { text, t0: 0 }; };
  })()`);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let typed = '';
  for (let n = 0; n < keys; n++) {
    if (typed.length >= 26) {
      await page.keyboard.press('Control+u');
      await sleep(100);
      typed = '';
    }
    const key = letters[typed.length] as string;
    typed += key;
    await page.evaluate(`window.__expect(${JSON.stringify(typed)})`);
    await page.keyboard.press(key);
    await waitInPage(page, `window.__echo.results.length === ${n + 1}`, 5_000);
    await sleep(20);
  }
  await page.keyboard.press('Control+u');
  return (await page.evaluate('window.__echo.results')) as number[];
}

/** `cat` of the big file typed into the window's terminal, to the marker after it on screen. */
async function windowCat(page: Page, webPid: number): Promise<{ seconds: number; heapMb: number; heapBeforeMb: number; rssMb: number; rssBeforeMb: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0) / 1e6;
  const rss = async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${webPid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const heapBeforeMb = await heap();
  const rssBeforeMb = await rss();
  let heapMb = heapBeforeMb;
  let rssMb = rssBeforeMb;
  await page.keyboard.type('cat big.txt; echo "cat-$((40 + 2))-done"');
  await page.evaluate(`(() => {
    const rows = document.querySelector('[aria-label="Terminal gpu1"] .xterm-rows');
    const state = (window.__cat = {});
    document.addEventListener('keydown', (event) => { if (event.key === 'Enter' && !state.t0) state.t0 = performance.now(); }, true);
    new MutationObserver(() => {
      if (state.t0 && !state.done && rows.textContent.includes('cat-42-done')) requestAnimationFrame(() => (state.done = performance.now() - state.t0));
    }).observe(rows, { subtree: true, childList: true, characterData: true });
  })()`);
  await page.keyboard.press('Enter');
  for (;;) {
    heapMb = Math.max(heapMb, await heap());
    rssMb = Math.max(rssMb, await rss());
    const done = (await page.evaluate('window.__cat.done')) as number | undefined;
    if (done !== undefined) return { seconds: done / 1000, heapMb, heapBeforeMb, rssMb, rssBeforeMb };
    await sleep(200);
  }
}

function startWeb(project: string, env: NodeJS.ProcessEnv): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [CLI, 'web', '--port', '0', project], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) resolve({ url: match[0], pid: child.pid as number, stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`labdesk web exited with ${code}: ${output}`)));
  });
}

function connect(server: { username: string; clientKeyPath: string }, port: number): Promise<Client> {
  return readFile(server.clientKeyPath).then(
    (privateKey) =>
      new Promise((resolve, reject) => {
        const client = new Client();
        client.once('ready', () => resolve(client));
        client.once('error', reject);
        client.connect({ host: '127.0.0.1', port, username: server.username, privateKey });
      }),
  );
}

/**
 * Polls an expression in the page (evaluated over CDP: the page's CSP forbids the eval that
 * waitForFunction uses). The timings themselves are taken in the page, so polling adds nothing.
 */
async function waitInPage(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await sleep(10);
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
