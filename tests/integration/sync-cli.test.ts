import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { cliEnv, sshUrl } from '../fixtures/cli';
import { startSshd, type SshdServer } from '../fixtures/sshd';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * `labdesk sync` end to end: the real CLI, a real OpenSSH server on loopback, real files on both
 * sides. The remote root is a folder on this machine, so the test can look at it directly.
 */
describe('labdesk sync (CLI) against a real sshd', () => {
  let server: SshdServer;
  let home: string;
  let local: string;
  let remote: string;
  let outside: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startSshd();
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-sync-cli-'));
    local = path.join(home, 'project');
    remote = path.join(home, 'server', 'project');
    outside = path.join(home, 'scratch');
    await mkdir(outside, { recursive: true });
    const files: Record<string, string> = {
      'train.py': 'print("train")\n',
      'configs/base.yaml': 'lr: 0.1\n',
      'configs/sweep/a.yaml': 'lr: 0.2\n',
      'scripts/launch.sh': '#!/bin/sh\necho go\n',
      'données/été 2026.txt': 'unicode and spaces\n',
      '.gitignore': 'output/\n',
      'output/huge.log': 'ignored by .gitignore\n',
      '__pycache__/train.cpython-311.pyc': 'ignored by default\n',
    };
    for (const [relative, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(local, relative)), { recursive: true });
      await writeFile(path.join(local, relative), text);
    }
    await chmod(path.join(local, 'scripts/launch.sh'), 0o755);
    env = await cliEnv(home);
  });

  after(async () => {
    await server?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const target = () => sshUrl(server, remote);

  async function sync(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> | null }> {
    const args = ['out/cli/labdesk.js', 'sync', local, target(), '--identity', server.clientKeyPath, '--known-hosts', server.knownHostsPath, '--json', ...extra];
    try {
      const { stdout, stderr } = await run(process.execPath, args, { cwd: REPO, env, timeout: 60_000 });
      return { code: 0, stdout, stderr, json: lastJson(stdout) };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr, json: lastJson(failed.stdout) };
    }
  }

  it('first push: everything but ignored files arrives, with the execute bit', async () => {
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json?.uploaded, 6);
    assert.deepEqual(result.json?.conflicts, []);
    assert.equal(await readFile(path.join(remote, 'données/été 2026.txt'), 'utf8'), 'unicode and spaces\n');
    assert.equal(await readFile(path.join(remote, 'configs/sweep/a.yaml'), 'utf8'), 'lr: 0.2\n');
    assert.equal((await stat(path.join(remote, 'scripts/launch.sh'))).mode & 0o111, 0o111);
    assert.deepEqual((await readdir(remote)).sort(), ['.gitignore', 'configs', 'données', 'scripts', 'train.py']);
    // The base is kept in the project, never uploaded.
    const state = await readdir(path.join(local, '.labdesk', 'state'));
    assert.equal(state.length, 1);
  });

  it('a second run is a no-op', async () => {
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json?.uploaded, 0);
  });

  it('a local edit is pushed, and only it', async () => {
    await writeFile(path.join(local, 'train.py'), 'print("train v2")\n');
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json?.uploaded, 1);
    assert.equal(await readFile(path.join(remote, 'train.py'), 'utf8'), 'print("train v2")\n');
  });

  it('a file edited on the server is a conflict (exit 3) and is not overwritten', async () => {
    await writeFile(path.join(remote, 'configs/base.yaml'), 'lr: 0.05  # tuned on the server\n');
    await writeFile(path.join(local, 'configs/base.yaml'), 'lr: 0.3\n');
    const result = await sync();
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(result.json?.conflicts, [{ path: 'configs/base.yaml', reason: 'remote-changed' }]);
    assert.equal(await readFile(path.join(remote, 'configs/base.yaml'), 'utf8'), 'lr: 0.05  # tuned on the server\n');
    // Settle it for the next tests: take the server's version.
    await writeFile(path.join(local, 'configs/base.yaml'), 'lr: 0.05  # tuned on the server\n');
    assert.equal((await sync()).code, 0);
  });

  it('a remote symlink to a data disk is never written through or replaced', async () => {
    await symlink(outside, path.join(remote, 'data'));
    await mkdir(path.join(local, 'data'));
    await writeFile(path.join(local, 'data', 'sample.csv'), 'a,b\n');
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await readdir(outside), []);
    assert.equal((await import('node:fs')).lstatSync(path.join(remote, 'data')).isSymbolicLink(), true);
    await rm(path.join(local, 'data'), { recursive: true });
  });

  it('a local deletion stays local unless --delete; then it propagates', async () => {
    await rm(path.join(local, 'configs/sweep'), { recursive: true });
    assert.equal((await sync()).code, 0);
    assert.equal(await readFile(path.join(remote, 'configs/sweep/a.yaml'), 'utf8'), 'lr: 0.2\n');
    const result = await sync('--delete');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json?.deleted, 2); // the file and its now-empty folder
    await assert.rejects(stat(path.join(remote, 'configs/sweep')));
  });

  it('--dry-run writes nothing', async () => {
    await writeFile(path.join(local, 'new.py'), 'x = 1\n');
    const result = await sync('--dry-run');
    assert.equal(result.code, 0, result.stderr);
    await assert.rejects(stat(path.join(remote, 'new.py')));
    assert.equal((await sync()).json?.uploaded, 1);
  });

  it('an unknown host key is refused without --accept-new, and trusted with it', async () => {
    const empty = path.join(home, 'empty_known_hosts');
    await writeFile(empty, '');
    const args = (extra: string[]) => ['out/cli/labdesk.js', 'sync', local, target(), '--identity', server.clientKeyPath, '--known-hosts', empty, '--json', ...extra];
    const refused = await run(process.execPath, args([]), { cwd: REPO, env }).then(() => null, (error: { code: number; stderr: string }) => error);
    assert.equal(refused?.code, 1);
    assert.match(refused?.stderr ?? '', new RegExp(server.hostKeySha256.replace(/[+/]/g, '\\$&')));
    const accepted = await run(process.execPath, args(['--accept-new']), { cwd: REPO, env });
    assert.match(accepted.stdout, /"uploaded":0/);
    // Remembered in Labdesk's own trust store, not in ~/.ssh/known_hosts.
    assert.match(await readFile(path.join(home, 'config', 'known_hosts'), 'utf8'), new RegExp(`\\[127\\.0\\.0\\.1\\]:${server.port}`));
  });

  it('a changed host key is refused, naming both fingerprints', async () => {
    const wrong = path.join(home, 'wrong_known_hosts');
    const otherKey = (await readFile(server.clientKeyPath + '.pub', 'utf8').catch(() => server.clientPublicKey)).trim().split(' ').slice(0, 2).join(' ');
    await writeFile(wrong, `[127.0.0.1]:${server.port} ${otherKey}\n`);
    const args = ['out/cli/labdesk.js', 'sync', local, target(), '--identity', server.clientKeyPath, '--known-hosts', wrong];
    // A fresh config dir: the previous test trusted the real key in Labdesk's own store.
    const freshEnv = { ...env, LABDESK_CONFIG_DIR: path.join(home, 'config-fresh') };
    const error = await run(process.execPath, args, { cwd: REPO, env: freshEnv }).then(() => null, (failure: { code: number; stderr: string }) => failure);
    assert.equal(error?.code, 1, error?.stderr);
    assert.match(error?.stderr ?? '', /CHANGED/);
    assert.match(error?.stderr ?? '', new RegExp(server.hostKeySha256.replace(/[+/]/g, '\\$&')));
  });

  it('a key the server does not accept fails with a clear message', async () => {
    const keyDir = await mkdtemp(path.join(home, 'key-'));
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'stranger')]);
    const args = ['out/cli/labdesk.js', 'sync', local, target(), '--identity', path.join(keyDir, 'stranger'), '--known-hosts', server.knownHostsPath];
    const error = await run(process.execPath, args, { cwd: REPO, env }).then(() => null, (failure: { code: number; stderr: string }) => failure);
    assert.equal(error?.code, 1);
    assert.match(error?.stderr ?? '', /Authentication to .* failed/);
  });

  it('a port with no server fails fast with "refused"', async () => {
    const closed = `ssh://${server.username}@127.0.0.1:1${remote}`;
    const started = Date.now();
    const args = ['out/cli/labdesk.js', 'sync', local, closed, '--identity', server.clientKeyPath, '--known-hosts', server.knownHostsPath];
    const error = await run(process.execPath, args, { cwd: REPO, env }).then(() => null, (failure: { code: number; stderr: string }) => failure);
    assert.equal(error?.code, 1);
    assert.match(error?.stderr ?? '', /refused the connection/);
    assert.ok(Date.now() - started < 15_000);
  });
});

function lastJson(stdout: string): Record<string, unknown> | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
