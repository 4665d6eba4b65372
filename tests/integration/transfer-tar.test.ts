// The tar first push against a real sshd and the server's GNU tar: files land byte-identical with
// modes and mtimes, existing files are never overwritten, and the staging folder is removed.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'ssh2';
import { pushWithTar } from '../../main/sync/tar/tar-push';
import type { UploadProgress } from '../../main/sync/transfer/transfer';
import { SSHD_MISSING_MESSAGE, sshdAvailable, startSshd, type SshdServer } from '../fixtures/sshd';
import { TempDirs, findTempFiles, tryMountTmpfs, unmount, writeTree } from '../fixtures/temp-project';
import { ShmDirs, connectFixture, openSftp } from '../bench/ssh-connect';

const temp = new TempDirs();
const shm = new ShmDirs();
const mounted: string[] = [];
let server: SshdServer;
let client: Client;
const HOST = 'gpu-tar';
const MTIME_S = Date.UTC(2023, 5, 6, 7, 8, 9) / 1000;

before(async () => {
  if (!sshdAvailable()) return;
  server = await startSshd();
  client = await connectFixture(server);
});

after(async () => {
  client?.end();
  await server?.stop();
  for (const dir of mounted.reverse()) unmount(dir);
  await temp.cleanup();
  await shm.cleanup();
});

describe('pushWithTar', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  test('1000 files land byte-identical with modes and mtimes; existing files are left untouched', async () => {
    const local = await shm.make('labdesk-tar-local-');
    const remote = await shm.make('labdesk-tar-remote-');
    const tree: Record<string, string | Buffer> = {};
    for (let i = 0; i < 990; i++) {
      const folder = ['src', `src/pkg${i % 5}/sub`, `configs/exp ${i % 3}`, 'notebooks'][i % 4] as string;
      tree[`${folder}/f${i}.${['py', 'yaml', 'md', 'ipynb'][i % 4]}`] = i % 97 === 0 ? randomBytes(150_000) : `# ${i}\n${'y = 2\n'.repeat(i % 23)}`;
    }
    const longDir = `very/${'deep-folder-name/'.repeat(8)}`; // > 100 bytes: needs prefix or pax
    Object.assign(tree, {
      'ünïcødé 文件.py': 'unicode',
      "quote's & $dollar.txt": 'shell characters',
      [`${longDir}${'é'.repeat(70)}.py`]: 'pax path (the name alone is > 100 bytes)',
      [`${longDir}short.py`]: 'ustar prefix + name',
      'empty.txt': '',
      'scripts/train.sh': '#!/bin/sh\necho train\n',
      'data/big.bin': randomBytes(3 * 1024 * 1024 + 17), // streamed, not read ahead
      'existing.py': 'local version',
      'src/existing.yaml': 'local version',
      'brand-new.md': 'new',
    });
    await writeTree(local, tree);
    await chmod(path.join(local, 'scripts/train.sh'), 0o755);
    await chmod(path.join(local, 'src/f0.py'), 0o640);
    const rels = Object.keys(tree);
    for (const [i, rel] of rels.entries()) await utimes(path.join(local, rel), new Date(), new Date((MTIME_S + i) * 1000));
    await writeTree(remote, { 'existing.py': 'server version', 'src/existing.yaml': 'server version' });

    const reports: UploadProgress[] = [];
    const results = await pushWithTar(client, local, rels, remote, { host: HOST, onProgress: (p) => reports.push(p) });

    assert.equal(results.length, rels.length);
    for (const [i, rel] of rels.entries()) {
      const result = results[i];
      assert.ok(result, rel);
      assert.equal(result.remotePath, path.posix.join(remote, rel));
      if (rel === 'existing.py' || rel === 'src/existing.yaml') {
        assert.ok(!result.ok && result.code === 'conflict', `${rel}: ${JSON.stringify(result)}`);
        assert.match(result.message, /already exists on the server.*left untouched/);
        assert.equal(await readFile(path.join(remote, rel), 'utf8'), 'server version');
        continue;
      }
      assert.ok(result.ok, `${rel}: ${JSON.stringify(result)}`);
      const [want, got] = await Promise.all([readFile(path.join(local, rel)), readFile(path.join(remote, rel))]);
      assert.ok(want.equals(got), `${rel} is byte-identical`);
      const [l, r] = await Promise.all([stat(path.join(local, rel)), lstat(path.join(remote, rel))]);
      assert.equal((r.mode & 0o777).toString(8), (l.mode & 0o777).toString(8), `${rel} mode`);
      assert.equal(Math.floor(r.mtimeMs / 1000), MTIME_S + i, `${rel} mtime`);
      assert.deepEqual(result.remote, { size: r.size, mtime: Math.floor(r.mtimeMs / 1000), mode: r.mode & 0o7777 }, `${rel} stamp`);
    }
    assert.ok(!(await readdir(remote)).includes('.labdesk'), 'the staging folder is gone');
    assert.deepEqual(await findTempFiles(remote), []);
    const last = reports.at(-1);
    assert.equal(last?.filesDone, rels.length);
    assert.equal(last?.bytesDone, last?.bytesTotal);
  });

  test('files read ahead up to the byte cap (120 files of 600 KB) land byte-identical, hashed as streamed', async () => {
    const local = await shm.make('labdesk-tar-local-');
    const remote = await shm.make('labdesk-tar-remote-');
    const tree: Record<string, Buffer> = {};
    for (let i = 0; i < 120; i++) tree[`shards/s${String(i).padStart(3, '0')}.bin`] = randomBytes(600_000 + i);
    await writeTree(local, tree);
    const rels = Object.keys(tree);
    const results = await pushWithTar(client, local, rels, remote, { host: HOST, hash: true });
    for (const [i, rel] of rels.entries()) {
      const result = results[i];
      assert.ok(result?.ok, `${rel}: ${JSON.stringify(result)}`);
      const want = tree[rel] as Buffer;
      assert.equal(result.hash, createHash('sha256').update(want).digest('hex'), `${rel} hash`);
      assert.ok(want.equals(await readFile(path.join(remote, rel))), `${rel} is byte-identical`);
    }
    assert.deepEqual(await findTempFiles(remote), []);
  });

  test('the moves take their stamps from the staging listing: one RENAME per file, no LSTAT', async () => {
    const local = await shm.make('labdesk-tar-stamps-local-');
    const remote = await shm.make('labdesk-tar-stamps-remote-');
    const tree = { 'a.py': 'a', 'sub/b.py': 'bb', 'sub/ünï €.txt': 'ccc', 'taken.py': 'mine' };
    await writeTree(local, tree);
    await chmod(path.join(local, 'a.py'), 0o750);
    await writeTree(remote, { 'taken.py': 'the server\'s' });
    const sftp = await openSftp(client);
    let lstats = 0;
    const original = sftp.lstat.bind(sftp);
    sftp.lstat = ((...args: Parameters<typeof sftp.lstat>) => {
      lstats += 1;
      return original(...args);
    }) as typeof sftp.lstat;
    try {
      const rels = Object.keys(tree);
      const results = await pushWithTar(client, local, rels, remote, { host: HOST, sftp, createParents: true });
      for (const [i, rel] of rels.entries()) {
        const result = results[i];
        if (rel === 'taken.py') {
          assert.ok(result && !result.ok && result.code === 'conflict', JSON.stringify(result));
          continue;
        }
        assert.ok(result?.ok, `${rel}: ${JSON.stringify(result)}`);
        const r = await lstat(path.join(remote, rel));
        assert.deepEqual(result.remote, { size: r.size, mtime: Math.floor(r.mtimeMs / 1000), mode: r.mode & 0o7777 }, `${rel} stamp`);
      }
      assert.equal(lstats, 1, 'only the refused move looked at what is there');
      assert.equal(await readFile(path.join(remote, 'taken.py'), 'utf8'), "the server's");
    } finally {
      sftp.end();
    }
  });

  test('bad relative paths and non-regular files are refused; the rest is pushed', async () => {
    const local = await shm.make('labdesk-tar-local-');
    const parent = await shm.make('labdesk-tar-remote-');
    const remote = path.join(parent, 'root');
    await writeTree(local, { 'ok.py': 'fine', 'sub/also.py': 'fine too' });
    await symlink('ok.py', path.join(local, 'link.py'));
    await mkdir(path.join(local, 'a-folder'));
    const rels = ['ok.py', '../escape.py', '/etc/passwd', 'sub/../ok.py', 'link.py', 'a-folder', 'missing.py', '.labdesk/x', 'sub/also.py'];
    const results = await pushWithTar(client, local, rels, remote, { host: HOST });
    const codes = results.map((result) => (result.ok ? 'ok' : result.code));
    assert.deepEqual(codes, ['ok', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'ok']);
    assert.deepEqual((await readdir(parent)).sort(), ['root']);
    assert.deepEqual((await readdir(remote)).sort(), ['ok.py', 'sub']);
    const link = results[4];
    assert.ok(link && !link.ok && /not a regular file/.test(link.message), JSON.stringify(link));
  });

  test('a full disk: disk-full for every file, nothing moved in, staging removed, old files intact', async (t) => {
    const disk = path.join(await temp.make('labdesk-tar-disk-'), 'disk');
    await mkdir(disk);
    const reason = tryMountTmpfs(disk, '512k');
    if (reason) return t.skip(`needs a tmpfs mount: ${reason}`);
    mounted.push(disk);
    await writeFile(path.join(disk, 'keep.txt'), 'old');
    const local = await shm.make('labdesk-tar-local-');
    const tree: Record<string, Buffer> = {};
    for (let i = 0; i < 12; i++) tree[`w${i}.bin`] = randomBytes(100 * 1024);
    tree['keep.txt'] = Buffer.from('new');
    await writeTree(local, tree);
    const results = await pushWithTar(client, local, Object.keys(tree), disk, { host: HOST });
    for (const result of results) {
      assert.ok(!result.ok && result.code === 'disk-full', JSON.stringify(result));
      assert.match(result.message, /disk is full/);
      assert.ok(result.message.includes(result.remotePath));
    }
    assert.deepEqual(await readdir(disk), ['keep.txt']);
    assert.equal(await readFile(path.join(disk, 'keep.txt'), 'utf8'), 'old');
  });

  test('cancel mid-stream: every file cancelled, nothing outside staging, staging removed', async () => {
    const local = await shm.make('labdesk-tar-local-');
    const remote = await shm.make('labdesk-tar-remote-');
    const tree: Record<string, Buffer> = {};
    for (let i = 0; i < 40; i++) tree[`part${i}.bin`] = randomBytes(512 * 1024);
    await writeTree(local, tree);
    const controller = new AbortController();
    const results = await pushWithTar(client, local, Object.keys(tree), remote, {
      host: HOST,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.bytesDone > 4 * 1024 * 1024) controller.abort();
      },
    });
    assert.ok(controller.signal.aborted, 'the push was cancelled mid-stream');
    for (const result of results) assert.ok(!result.ok && result.code === 'cancelled', JSON.stringify(result));
    assert.deepEqual(await readdir(remote), []);
  });
});
