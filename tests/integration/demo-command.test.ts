// `labdesk demo` as a person runs it (the real command in a child process): the message when
// sshd is missing, and what the demo writes, where, and that it holds no secret except its own
// throwaway keys. The browser side (upload on save in the window) is tests/e2e/demo.spec.ts.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { rendererIsBuilt } from '../../main/host/renderer-dir';
import { activeTargetMemoryPath } from '../../main/sync/state/active-target-memory';
import { SSHD_MISSING_MESSAGE, sshdAvailable } from '../fixtures/sshd';

const REPO = path.resolve(import.meta.dirname, '../..');
const scratchDirs: string[] = [];
after(async () => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

interface DemoRun {
  readonly child: ChildProcess;
  readonly scratch: string;
  readonly home: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `labdesk demo ARGS` with TMPDIR and HOME in a scratch folder (so nothing lands in the real ones). */
async function startDemo(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<DemoRun> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'labdesk-demo-test-'));
  scratchDirs.push(scratch);
  const home = path.join(scratch, 'home');
  const child = spawn(process.execPath, ['out/cli/labdesk.js', 'demo', ...args], {
    cwd: REPO,
    env: { ...process.env, TMPDIR: scratch, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, scratch, home, output: () => output, exited };
}

async function waitForOutput(run: DemoRun, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(run.output());
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) assert.fail(`no ${pattern} in the demo's output:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

describe('labdesk demo', () => {
  it('without sshd: exit 1, a message naming what to install, an offer to go on without a server, nothing written', async () => {
    const run = await startDemo(['--web'], { LABDESK_SSHD: '/nonexistent/sshd' });
    const code = await run.exited;
    assert.equal(code, 1, run.output());
    const output = run.output();
    assert.match(output, /needs an OpenSSH server/);
    assert.match(output, /sshd\) not found at \/nonexistent\/sshd \(LABDESK_SSHD\)/);
    if (process.platform === 'linux') assert.match(output, /apt install openssh-server/);
    assert.match(output, /labdesk demo --no-server/);
    assert.deepEqual((await readdir(run.scratch)).filter((name) => name.startsWith('labdesk-demo-')), [], 'no demo folder was made');
  });

  it('--no-server opens the sample project without a target', async (t) => {
    if (!rendererIsBuilt()) return t.skip('the app is not built (npm run build)');
    const run = await startDemo(['--web', '--port', '0', '--no-server'], { LABDESK_SSHD: '/nonexistent/sshd' });
    try {
      await waitForOutput(run, /http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const [, project] = await waitForOutput(run, /project:\s+(\S+)/);
      const settings = JSON.parse(await readFile(path.join(project as string, '.labdesk', 'project.json'), 'utf8')) as { targets: object };
      assert.deepEqual(settings.targets, {});
      await assert.rejects(stat(activeTargetMemoryPath(project as string)), { code: 'ENOENT' });
      assert.match(await readFile(path.join(project as string, 'README.md'), 'utf8'), /without a server/);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await run.exited, 0, run.output());
  });

  it('writes a sample project whose active target is the throwaway server, keeps its keys in the demo folder, and cleans the server up on Ctrl+C', async (t) => {
    if (!sshdAvailable()) return t.skip(SSHD_MISSING_MESSAGE);
    if (!rendererIsBuilt()) return t.skip('the app is not built (npm run build)');
    const run = await startDemo(['--web', '--port', '0']);
    let dir = '';
    try {
      await waitForOutput(run, /http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      dir = (await waitForOutput(run, /demo folder:\s+(\S+)/))[1] as string;
      const serverFolder = (await waitForOutput(run, /server folder:\s+(\S+)/))[1] as string;
      const port = Number((await waitForOutput(run, /OpenSSH on 127\.0\.0\.1:(\d+)/))[1]);
      assert.ok(dir.startsWith(await realpath(run.scratch)), `${dir} is under the OS temp dir`);
      const project = path.join(dir, 'vision-lab');
      assert.equal(serverFolder, path.join(dir, 'server', 'vision-lab'));
      assert.match(run.output(), /Try this:[\s\S]*train\.py[\s\S]*Ctrl\+C/);
      assert.match(run.output(), /uploaded \d+ files/, 'the server folder starts as a copy of the project');

      // The project: an ML layout, with a README that says what to try.
      const projectFiles = await filesUnder(project);
      for (const expected of ['train.py', 'configs/base.yaml', 'models/resnet.py', '.gitignore', 'README.md', '.labdesk/project.json']) {
        assert.ok(projectFiles.includes(expected), `${expected} in ${projectFiles.join(', ')}`);
      }
      assert.match(await readFile(path.join(project, '.gitignore'), 'utf8'), /^\.labdesk\/state\/$/m);
      const readme = await readFile(path.join(project, 'README.md'), 'utf8');
      assert.ok(readme.includes(path.join(serverFolder, 'train.py')), readme);
      assert.equal(await readFile(path.join(serverFolder, 'train.py'), 'utf8'), await readFile(path.join(project, 'train.py'), 'utf8'));

      // Its target: the throwaway server, by path to a key in the demo folder; remembered as active.
      const settings = JSON.parse(await readFile(path.join(project, '.labdesk', 'project.json'), 'utf8')) as { targets: Record<string, Record<string, unknown>> };
      assert.deepEqual(settings.targets, {
        demo: { host: '127.0.0.1', port, user: os.userInfo().username, identityFile: path.join(dir, 'ssh', 'id_ed25519'), remoteRoot: serverFolder },
      });
      const memory = JSON.parse(await readFile(activeTargetMemoryPath(project), 'utf8')) as { target: string };
      assert.equal(memory.target, 'demo');
      const sshConfig = await readFile(path.join(dir, 'ssh_config'), 'utf8');
      assert.match(sshConfig, new RegExp(`Port ${port}`));
      assert.ok(sshConfig.includes(path.join(dir, 'ssh', 'known_hosts')));
      assert.doesNotMatch(sshConfig, /~\/\.ssh|\/\.ssh\//, 'never the real ~/.ssh');

      // Secrets: only the demo's own throwaway keys (documented), private to this user; nothing in HOME.
      const everything = await filesUnder(dir);
      const withPrivateKeys: string[] = [];
      for (const file of everything) {
        if ((await readFile(path.join(dir, file), 'utf8')).includes('PRIVATE KEY')) withPrivateKeys.push(file);
      }
      assert.deepEqual(withPrivateKeys, ['ssh/id_ed25519', 'ssh/ssh_host_ed25519_key']);
      for (const file of withPrivateKeys) assert.equal((await stat(path.join(dir, file))).mode & 0o077, 0, `${file} is readable by others`);
      await assert.rejects(stat(path.join(run.home, '.ssh')), { code: 'ENOENT' }, '~/.ssh is never touched');
      assert.ok(everything.some((file) => file.startsWith('config/')), "Labdesk's settings for the demo stay in the demo folder");
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await run.exited, 0, run.output());
    assert.match(run.output(), /Stopped the demo server/);
    // Kept: the project and the server folder. Gone: the server's keys and config.
    await stat(path.join(dir, 'vision-lab', 'train.py'));
    await stat(path.join(dir, 'server', 'vision-lab', 'train.py'));
    await assert.rejects(stat(path.join(dir, 'ssh')), { code: 'ENOENT' });
  });
});
