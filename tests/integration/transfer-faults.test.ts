// Server-side faults during uploads, on a real sshd: a folder the user may not write to, a
// read-only file system and a full disk. Each gives a clear per-file error naming the file and
// the host, the old remote file is intact, nothing else is touched and no temp file is left.
//
// The fixture sshd runs as the current user. Root ignores chmod 0555, so as root the tests use
// `chattr +i` (EPERM even for root) and small tmpfs mounts; without root they use chmod and skip
// the mount-based cases with the reason.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client, SFTPWrapper } from 'ssh2';
import { HelperChannels } from '../../main/sync/transfer/helper-channels';
import { uploadFiles, type UploadItem, type UploadResult } from '../../main/sync/transfer/transfer';
import { SPLIT_MIN_BYTES } from '../../main/sync/transfer/write-lanes';
import type { RemoteStamp } from '../../main/sync/sync-types';
import { SSHD_MISSING_MESSAGE, sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { lockFolder } from '../fixtures/lock-folder';
import { TempDirs, remountReadOnly, tryMountTmpfs, unmount, writeTree } from '../fixtures/temp-project';
import { startSftpFixture, stopSftpFixture } from '../bench/ssh-connect';

const temp = new TempDirs();
const mounted: string[] = [];
const undo: Array<() => void> = [];
let server: SshdServer;
let client: Client;
let sftp: SFTPWrapper;
const HOST = 'gpu-faults';

before(async () => {
  if (!sshdAvailable()) return;
  ({ server, client, sftp } = await startSftpFixture());
});

after(async () => {
  await stopSftpFixture({ server, client });
  for (const step of undo.reverse()) step();
  for (const dir of mounted.reverse()) unmount(dir);
  await temp.cleanup();
});

async function itemFor(localRoot: string, remoteRoot: string, rel: string, expectRemote: RemoteStamp | null = null): Promise<UploadItem> {
  const localPath = path.join(localRoot, rel);
  const stats = await stat(localPath);
  return { localPath, remotePath: path.posix.join(remoteRoot, rel), mode: stats.mode, mtimeMs: stats.mtimeMs, expectRemote };
}

async function stampOf(file: string): Promise<RemoteStamp> {
  const stats = await lstat(file);
  return { size: stats.size, mtime: Math.floor(stats.mtimeMs / 1000), mode: stats.mode & 0o7777 };
}

function assertFailure(result: UploadResult | undefined, code: string, ...mentions: string[]): string {
  assert.ok(result && !result.ok, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.equal(result.code, code, result.message);
  for (const text of mentions) assert.ok(result.message.includes(text), `"${result.message}" mentions "${text}"`);
  return result.message;
}

/** A tmpfs mounted in a fresh folder, or the reason there is none. */
async function tmpfs(size: string): Promise<string | { reason: string }> {
  const dir = path.join(await temp.make('labdesk-xfer-fault-'), 'disk');
  await mkdir(dir);
  const reason = tryMountTmpfs(dir, size);
  if (reason) return { reason };
  mounted.push(dir);
  return dir;
}

describe('upload faults', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  test('a folder without write permission: permission-denied naming file and host; nothing else touched', async (t) => {
    const local = await temp.make('labdesk-xfer-local-');
    const remote = await temp.make('labdesk-xfer-remote-');
    await writeTree(local, { 'locked/existing.py': 'new content', 'locked/new.py': 'new file', 'open/ok.py': 'fine' });
    await writeTree(remote, { 'locked/existing.py': 'old content', 'open/.keep': '' });
    const existingStamp = await stampOf(path.join(remote, 'locked/existing.py'));
    const reason = lockFolder(path.join(remote, 'locked'), undo);
    if (reason) return t.skip(reason);

    const results = await uploadFiles(sftp, [
      await itemFor(local, remote, 'locked/existing.py', existingStamp),
      await itemFor(local, remote, 'locked/new.py'),
      await itemFor(local, remote, 'open/ok.py'),
    ], { host: HOST });

    const message = assertFailure(results[0], 'permission-denied', `${remote}/locked/existing.py`, HOST);
    assert.match(message, /permission denied .*write access to the folder/);
    assertFailure(results[1], 'permission-denied', `${remote}/locked/new.py`, HOST);
    assert.ok(results[2]?.ok, JSON.stringify(results[2]));
    assert.equal(await readFile(path.join(remote, 'locked/existing.py'), 'utf8'), 'old content');
    assert.deepEqual(await readdir(path.join(remote, 'locked')), ['existing.py']);
    assert.deepEqual((await readdir(path.join(remote, 'open'))).sort(), ['.keep', 'ok.py']);
  });

  test('a read-only file system: permission-denied saying so; the file is untouched', async (t) => {
    const disk = await tmpfs('1m');
    if (typeof disk !== 'string') return t.skip(`needs a tmpfs mount: ${disk.reason}`);
    const local = await temp.make('labdesk-xfer-local-');
    await writeTree(local, { 'config.yaml': 'lr: 0.2\n' });
    await writeFile(path.join(disk, 'config.yaml'), 'lr: 0.1\n');
    const stampBefore = await stampOf(path.join(disk, 'config.yaml'));
    const reason = remountReadOnly(disk);
    if (reason) return t.skip(reason);

    const [result] = await uploadFiles(sftp, [await itemFor(local, disk, 'config.yaml', stampBefore)], { host: HOST });
    assertFailure(result, 'permission-denied', `${disk}/config.yaml`, HOST, 'read-only file system');
    assert.equal(await readFile(path.join(disk, 'config.yaml'), 'utf8'), 'lr: 0.1\n');
    assert.deepEqual(await readdir(disk), ['config.yaml']);
  });

  test('a full disk: disk-full naming file and host; the old file is intact and no temp file is left', async (t) => {
    const disk = await tmpfs('256k');
    if (typeof disk !== 'string') return t.skip(`needs a tmpfs mount: ${disk.reason}`);
    const local = await temp.make('labdesk-xfer-local-');
    await writeTree(local, { 'weights.bin': randomBytes(400 * 1024), 'fresh.bin': randomBytes(400 * 1024) });
    const old = randomBytes(100 * 1024);
    await writeFile(path.join(disk, 'weights.bin'), old);

    const results = await uploadFiles(sftp, [
      await itemFor(local, disk, 'weights.bin', await stampOf(path.join(disk, 'weights.bin'))),
      await itemFor(local, disk, 'fresh.bin'),
    ], { host: HOST, concurrency: 1 });

    assert.match(assertFailure(results[0], 'disk-full', `${disk}/weights.bin`, HOST), /disk is full/);
    assertFailure(results[1], 'disk-full', `${disk}/fresh.bin`, HOST);
    assert.ok((await readFile(path.join(disk, 'weights.bin'))).equals(old), 'the old file is intact');
    assert.deepEqual(await readdir(disk), ['weights.bin'], 'no temp file left behind');
  });

  test('a full disk while a big file goes over helper channels: disk-full, the old file intact, no temp file left', async (t) => {
    const disk = await tmpfs('4m');
    if (typeof disk !== 'string') return t.skip(`needs a tmpfs mount: ${disk.reason}`);
    const local = await temp.make('labdesk-xfer-local-');
    await writeTree(local, { 'weights.bin': randomBytes(SPLIT_MIN_BYTES + 4 * 1024 * 1024) });
    const old = randomBytes(100 * 1024);
    await writeFile(path.join(disk, 'weights.bin'), old);
    const helpers = new HelperChannels(client, HOST);
    try {
      const [result] = await uploadFiles(sftp, [await itemFor(local, disk, 'weights.bin', await stampOf(path.join(disk, 'weights.bin')))], { host: HOST, helpers: helpers.sessions });
      assert.match(assertFailure(result, 'disk-full', `${disk}/weights.bin`, HOST), /disk is full/);
      assert.ok((await readFile(path.join(disk, 'weights.bin'))).equals(old), 'the old file is intact');
      assert.deepEqual(await readdir(disk), ['weights.bin'], 'no temp file left behind');
    } finally {
      helpers.close();
    }
  });

  test('uploading into a folder that is really a file fails cleanly', async () => {
    const local = await temp.make('labdesk-xfer-local-');
    const remote = await temp.make('labdesk-xfer-remote-');
    await writeTree(local, { 'data/x.csv': '1,2' });
    await writeTree(remote, { data: 'I am a file' });
    await chmod(path.join(remote, 'data'), 0o644);
    const [result] = await uploadFiles(sftp, [await itemFor(local, remote, 'data/x.csv')], { host: HOST });
    assert.match(assertFailure(result, 'failed', `${remote}/data`, HOST), /is a file, not a folder/);
    assert.equal(await readFile(path.join(remote, 'data'), 'utf8'), 'I am a file');
  });
});
