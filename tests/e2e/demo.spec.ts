import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import { sshdAvailable } from '../fixtures/sshd';
import { expect, treeItem, typeInEditor } from './labdesk-web';

/**
 * `npm run demo` as a newcomer meets it: the real `labdesk demo --web` starts its throwaway sshd,
 * writes the sample project and opens it with the `demo` target already active; a save in the
 * window lands in the server folder; Ctrl+C (SIGINT) leaves no sshd behind.
 */
const REPO = path.resolve(import.meta.dirname, '../..');

test.skip(!sshdAvailable(), 'OpenSSH server (sshd) is not installed');
test.setTimeout(90_000);

interface Demo {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function startDemo(scratch: string): Demo {
  const child = spawn(process.execPath, ['out/cli/labdesk.js', 'demo', '--web', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: scratch, HOME: path.join(scratch, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function printed(demo: Demo, pattern: RegExp): Promise<string> {
  await expect.poll(() => pattern.test(demo.output()), { timeout: 30_000, message: `the demo prints ${pattern}` }).toBe(true);
  return (pattern.exec(demo.output()) as RegExpExecArray)[1] as string;
}

/** Processes whose command line mentions `needle`, and all their descendants (Linux /proc). */
async function processesOf(needle: string): Promise<number[]> {
  const parents = new Map<number, number>();
  const matching: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const [cmdline, stat] = await Promise.all([readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''), readFile(`/proc/${name}/stat`, 'utf8').catch(() => '')]);
    if (stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // gone or a zombie
    parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    if (cmdline.replaceAll('\0', ' ').includes(needle)) matching.push(Number(name));
  }
  const found = new Set(matching);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

async function alive(pids: readonly number[]): Promise<number[]> {
  const states = await Promise.all(pids.map(async (pid) => ({ pid, stat: await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '') })));
  return states.filter(({ stat }) => stat !== '' && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')).map(({ pid }) => pid);
}

test('labdesk demo: the target is active when the window opens, a save reaches the server folder, Ctrl+C leaves no sshd', async ({ page }) => {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'labdesk-e2e-demo-'));
  const demo = startDemo(scratch);
  try {
    const url = await printed(demo, /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/);
    const serverFolder = await printed(demo, /server folder:\s+(\S+)/);
    const demoFolder = await printed(demo, /demo folder:\s+(\S+)/);
    expect(demo.output()).toContain(`Look at ${path.join(serverFolder, 'train.py')}`);

    await page.goto(url);
    await expect(page.getByRole('tree', { name: 'Project files' })).toBeVisible();
    // Nobody pressed Activate: the demo's remembered target connects as the project opens.
    const syncStatus = page.getByRole('button', { name: /^Sync status: demo/ });
    await expect(syncStatus).toHaveAccessibleName('Sync status: demo connected · sync: up to date', { timeout: 20_000 });

    await treeItem(page, 'train.py').click();
    await expect(page.locator('.monaco-editor .view-lines')).toContainText('def main');
    await typeInEditor(page, '# my first Labdesk save\n');
    await page.keyboard.press('Control+s');
    const onServer = () => readFile(path.join(serverFolder, 'train.py'), 'utf8').catch(() => null);
    await expect.poll(onServer, { timeout: 5_000 }).toMatch(/^# my first Labdesk save\nimport yaml/);
    await expect(syncStatus).toHaveAccessibleName('Sync status: demo connected · sync: up to date');

    const serverProcesses = process.platform === 'linux' ? await processesOf(path.join(demoFolder, 'ssh', 'sshd_config')) : [];
    if (process.platform === 'linux') expect(serverProcesses.length, 'the listener and the window\'s connection').toBeGreaterThanOrEqual(2);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain('Stopped the demo server');
    expect(await alive(serverProcesses), 'sshd processes left after Ctrl+C').toEqual([]);
    // The demo folder is kept (project + server copy); the server's keys are gone.
    expect(await readFile(path.join(serverFolder, 'train.py'), 'utf8')).toMatch(/^# my first Labdesk save/);
    expect(await readdir(demoFolder)).not.toContain('ssh');
  } finally {
    // A failed test still stops the demo the polite way, so its sshd goes too.
    if (demo.child.exitCode === null) {
      demo.child.kill('SIGINT');
      await Promise.race([demo.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
    await rm(scratch, { recursive: true, force: true });
  }
});
