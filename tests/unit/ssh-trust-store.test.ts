// Labdesk's trust store is an OpenSSH known_hosts file: checked here with ssh-keygen itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findHostKeys } from '../../main/ssh/known-hosts';
import { TrustStore } from '../../main/ssh/trust-store';
import { defaultConfigDir } from '../../main/settings/config-dir';
import { TempDirs, findTempFiles } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

async function keyBlob(dir: string, name: string, type = 'ed25519'): Promise<Buffer> {
  const keyPath = path.join(dir, name);
  await execFileAsync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', keyPath]);
  return Buffer.from((await readFile(`${keyPath}.pub`, 'utf8')).split(' ')[1] ?? '', 'base64');
}

/** `ssh-keygen -F name -f file`: the line numbers OpenSSH finds (exit 1 = none). */
async function sshKeygenFind(name: string, file: string): Promise<number[]> {
  const result = await execFileAsync('ssh-keygen', ['-F', name, '-f', file]).catch((error: { code?: number; stdout?: string }) => {
    if (error.code === 1) return { stdout: '' };
    throw error;
  });
  return [...result.stdout.matchAll(/found: line (\d+)/g)].map((match) => Number(match[1]));
}

describe('TrustStore', () => {
  const temp = new TempDirs();
  let dir: string;
  let keyA: Buffer;
  let keyB: Buffer;

  before(async () => {
    dir = await temp.make('labdesk-trust-');
    [keyA, keyB] = await Promise.all([keyBlob(dir, 'a'), keyBlob(dir, 'b', 'ecdsa')]);
  });
  after(() => temp.cleanup());

  it('lives in the config dir by default', () => {
    assert.equal(new TrustStore().path, path.join(defaultConfigDir(), 'known_hosts'));
  });

  it('creates a private folder and file, in plain known_hosts lines that ssh-keygen finds', async () => {
    const store = new TrustStore(path.join(dir, 'fresh', 'config'));
    assert.deepEqual((await store.load()).lines, [], 'a missing store is empty');
    await store.trust('127.0.0.1', 2222, keyA);
    await store.trust('Gpu1.Lab', 22, keyB);

    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(store.path)).mode & 0o777, 0o600);
    const text = await readFile(store.path, 'utf8');
    const entries = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    assert.deepEqual(entries, [`[127.0.0.1]:2222 ssh-ed25519 ${keyA.toString('base64')}`, `gpu1.lab ecdsa-sha2-nistp256 ${keyB.toString('base64')}`]);
    assert.deepEqual(await sshKeygenFind('[127.0.0.1]:2222', store.path), [2]);
    assert.deepEqual(await sshKeygenFind('gpu1.lab', store.path), [3]);
    assert.deepEqual(await sshKeygenFind('127.0.0.1', store.path), [], 'port 22 is a different name');
    assert.deepEqual(await findTempFiles(store.dir), []);
  });

  it('records a HostKeyAlias without the port, as OpenSSH looks it up', async () => {
    const store = new TrustStore(path.join(dir, 'alias'));
    await store.trust('10.0.0.5', 2222, keyA, 'GPU-One');
    assert.deepEqual(await sshKeygenFind('gpu-one', store.path), [2]);
  });

  it('trusting the same key twice writes it once; concurrent trusts all land', async () => {
    const store = new TrustStore(path.join(dir, 'concurrent'));
    await store.trust('host0', 2222, keyA);
    await store.trust('host0', 2222, keyA);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.trust(`host${i}`, 2222, i % 2 === 0 ? keyA : keyB)));
    const { lines } = await store.load();
    // host0 already had keyA, so the concurrent batch added host1..host7 only.
    assert.equal(lines.length, 8);
    for (let i = 0; i < 8; i++) assert.equal(findHostKeys(lines, `host${i}`, 2222).matches.length, 1, `host${i}`);
  });

  it('appends after a file that lacks a final newline, keeping what was there', async () => {
    const store = new TrustStore(path.join(dir, 'no-newline'));
    await store.trust('first', 2222, keyA);
    await writeFile(store.path, (await readFile(store.path, 'utf8')).trimEnd());
    await store.trust('second', 2222, keyB);
    const { lines, malformed } = await store.load();
    assert.deepEqual(malformed, []);
    assert.deepEqual(lines.map((line) => line.keyType), ['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  });

  it('forget removes only that host, like ssh-keygen -R', async () => {
    const store = new TrustStore(path.join(dir, 'forget'));
    await store.trust('127.0.0.1', 2222, keyA);
    await store.trust('127.0.0.1', 2222, keyB);
    await store.trust('127.0.0.1', 2223, keyA);
    assert.equal(await store.forget('127.0.0.1', 2222), 2);
    assert.equal(await store.forget('127.0.0.1', 2222), 0);
    const { lines } = await store.load();
    assert.equal(findHostKeys(lines, '127.0.0.1', 2222).matches.length, 0);
    assert.equal(findHostKeys(lines, '127.0.0.1', 2223).matches.length, 1);
    assert.deepEqual(await sshKeygenFind('[127.0.0.1]:2223', store.path), [2]);
    assert.equal(await new TrustStore(path.join(dir, 'never-written')).forget('x', 22), 0);
  });
});
