// The upload engine against a real OpenSSH sshd: files land byte-identical with mode and mtime,
// conflicts never overwrite the server's version, and a cut connection or a cancel never leaves a
// partial file at the target name.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client, SFTPWrapper } from 'ssh2';
import { shellCommand } from '../../main/ssh/shell-quote';
import { TEMP_MARKER } from '../../main/common/atomic-write';
import { serverLimits, hasExtension, sftpSession } from '../../main/sftp/sftp-session';
import { windowLimitFor } from '../../main/sftp/channel-window';
import { HelperChannels } from '../../main/sync/transfer/helper-channels';
import { uploadFiles, type UploadItem, type UploadProgress, type UploadResult } from '../../main/sync/transfer/transfer';
import { SPLIT_MIN_BYTES } from '../../main/sync/transfer/write-lanes';
import type { RemoteStamp } from '../../main/sync/sync-types';
import { SSHD_MISSING_MESSAGE, sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { TempDirs, findTempFiles, writeTree } from '../fixtures/temp-project';
import { ShmDirs, connectFixture, execOn, openSftp, startSftpFixture, stopSftpFixture } from '../bench/ssh-connect';

const temp = new TempDirs();
// RAM-backed folders keep the 64 MiB cases about the transfer, not the disk (the server is this
// machine, so "remote" folders are local paths too). Falls back to os.tmpdir().
const shm = new ShmDirs();
let server: SshdServer;
let client: Client;
let sftp: SFTPWrapper;
const HOST = 'gpu-test';
const MTIME_MS = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

before(async () => {
  if (!sshdAvailable()) return;
  ({ server, client, sftp } = await startSftpFixture());
});

after(async () => {
  await stopSftpFixture({ server, client });
  await temp.cleanup();
  await shm.cleanup();
});

/** An upload item for local file `localRoot/rel` → `remoteRoot/rel`, from the local stat. */
async function itemFor(localRoot: string, remoteRoot: string, rel: string, expectRemote: RemoteStamp | null = null): Promise<UploadItem> {
  const localPath = path.join(localRoot, rel);
  const stats = await stat(localPath);
  return { localPath, remotePath: path.posix.join(remoteRoot, rel), mode: stats.mode, mtimeMs: stats.mtimeMs, expectRemote, size: stats.size };
}

async function remoteStamp(file: string): Promise<RemoteStamp> {
  const stats = await lstat(file);
  return { size: stats.size, mtime: Math.floor(stats.mtimeMs / 1000), mode: stats.mode & 0o7777 };
}

function okResult(result: UploadResult | undefined): Extract<UploadResult, { ok: true }> {
  assert.ok(result, 'a result');
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result;
}

function failResult(result: UploadResult | undefined, code: string): Extract<UploadResult, { ok: false }> {
  assert.ok(result, 'a result');
  assert.equal(result.ok, false, `expected ${code}, got ${JSON.stringify(result)}`);
  assert.ok(!result.ok);
  assert.equal(result.code, code, result.message);
  return result;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Counts the OPEN, WRITE and CLOSE requests each helper channel sends (observing, not replacing, ssh2's calls). */
async function countRequests(helpers: HelperChannels): Promise<Array<{ open: number; write: number; close: number }>> {
  return (await helpers.sessions).map((session) => {
    const counts = { open: 0, write: 0, close: 0 };
    const channel = session.sftp as unknown as Record<keyof typeof counts, (...args: unknown[]) => unknown>;
    for (const name of ['open', 'write', 'close'] as const) {
      const original = channel[name].bind(channel);
      channel[name] = (...args: unknown[]) => {
        counts[name] += 1;
        return original(...args);
      };
    }
    return counts;
  });
}

/** Names in `dir` other than the expected ones (e.g. temp files). */
async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('uploadFiles', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  test('the server advertises what the engine uses, and limits@openssh.com is read', () => {
    const limits = serverLimits(sftp);
    assert.equal(limits.isOpenSSH, true);
    assert.ok(limits.maxWriteLen >= 32 * 1024, `maxWriteLen ${limits.maxWriteLen}`);
    assert.ok(limits.maxWriteLen > 64 * 1024, 'OpenSSH reports ~255 KiB, more than the 32 KiB fallback');
    assert.ok(limits.maxOpenHandles === null || limits.maxOpenHandles > 64, `maxOpenHandles ${limits.maxOpenHandles}`);
    for (const name of ['posix-rename@openssh.com', 'fsync@openssh.com', 'statvfs@openssh.com']) {
      assert.equal(hasExtension(sftp, name), true, name);
    }
    assert.equal(hasExtension(sftp, 'no-such-extension@example.com'), false);
  });

  test('on a fast link requests wait while sshd has a backlog, and every byte still lands (a big file’s reused read buffer too)', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const tree: Record<string, Buffer> = { 'big/checkpoint.bin': randomBytes(6 * 1024 * 1024 + 12_345) };
    for (let i = 0; i < 1500; i++) tree[`pkg${i % 7}/f${i}.py`] = randomBytes(2_000 + ((i * 7919) % 30_000));
    await writeTree(local, tree);
    const rels = Object.keys(tree);
    const items = await Promise.all(rels.map((rel) => itemFor(local, remote, rel)));
    const session = sftpSession(sftp);
    await session.lstat(remote); // one reply: the round trip is known, so the limit applies from the start
    const limit = windowLimitFor(session.roundTripMs);
    assert.ok(limit < 2 * 1024 * 1024, `loopback limit ${limit} is under OpenSSH's 2 MiB window`);
    let peak = 0;
    let sampling = true;
    const sample = () => {
      peak = Math.max(peak, session.backlogBytes);
      if (sampling) setImmediate(sample);
    };
    sample();
    const results = await uploadFiles(sftp, items, { host: HOST });
    sampling = false;
    for (const [i, rel] of rels.entries()) {
      okResult(results[i]);
      assert.ok((tree[rel] as Buffer).equals(await readFile(path.join(remote, rel))), `${rel} is byte-identical`);
    }
    // Checked before each send, so it can be over by at most one request (a full WRITE).
    const oneWrite = serverLimits(sftp).maxWriteLen + 1024;
    assert.ok(peak > 0 && peak <= limit + oneWrite, `peak backlog ${peak} within ${limit} + one WRITE`);
    assert.equal(session.backlogBytes, 0, 'nothing left unanswered');
  });

  test('500 small files in nested folders land byte-identical with modes and mtimes; no temp files', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const tree: Record<string, string | Buffer> = {};
    for (let i = 0; i < 500; i++) {
      const folder = ['src', `src/models/m${i % 4}`, `configs/exp${i % 3}/deep/er`, 'scripts'][i % 4] as string;
      tree[`${folder}/file${i}.${['py', 'yaml', 'md', 'sh'][i % 4]}`] = i % 50 === 0 ? randomBytes(20_000 + i) : `# file ${i}\n${'x = 1\n'.repeat(i % 37)}`;
    }
    tree['empty.txt'] = '';
    await writeTree(local, tree);
    await chmod(path.join(local, 'scripts/file3.sh'), 0o755);
    await chmod(path.join(local, 'src/file0.py'), 0o600);
    const rels = Object.keys(tree);
    for (const [i, rel] of rels.entries()) await utimes(path.join(local, rel), new Date(), new Date(MTIME_MS + i * 1000));

    const items = await Promise.all(rels.map((rel) => itemFor(local, remote, rel)));
    const reports: UploadProgress[] = [];
    const results = await uploadFiles(sftp, items, { host: HOST, onProgress: (p) => reports.push(p) });

    assert.equal(results.length, rels.length);
    for (const [i, rel] of rels.entries()) {
      const result = okResult(results[i]);
      assert.equal(result.remotePath, path.posix.join(remote, rel));
      const [want, got] = await Promise.all([readFile(path.join(local, rel)), readFile(path.join(remote, rel))]);
      assert.ok(want.equals(got), `${rel} is byte-identical`);
      const [localStats, remoteStats] = await Promise.all([stat(path.join(local, rel)), stat(path.join(remote, rel))]);
      assert.equal((remoteStats.mode & 0o777).toString(8), (localStats.mode & 0o777).toString(8), `${rel} mode`);
      assert.equal(Math.floor(remoteStats.mtimeMs / 1000), Math.floor((MTIME_MS + i * 1000) / 1000), `${rel} mtime (seconds)`);
      // The stamp the engine returns is what a later lstat sees: it becomes the next expectRemote.
      assert.deepEqual(result.remote, await remoteStamp(path.join(remote, rel)), `${rel} stamp`);
    }
    assert.equal(((await stat(path.join(remote, 'scripts/file3.sh'))).mode & 0o777).toString(8), '755', 'the script stays executable');
    assert.deepEqual(await findTempFiles(remote), []);
    const last = reports.at(-1);
    assert.ok(last, 'progress was reported');
    assert.equal(last.filesDone, rels.length);
    assert.equal(last.filesTotal, rels.length);
    assert.equal(last.bytesDone, last.bytesTotal);
    assert.ok(reports.length < rels.length, `progress is throttled (${reports.length} reports)`);
  });

  test('a file changed on the server since expectRemote is a conflict and is left untouched', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeTree(local, { 'train.py': 'v1\n', 'same-size.py': 'aaaa', 'mode.sh': 'echo' });
    const first = await uploadFiles(sftp, await Promise.all(['train.py', 'same-size.py', 'mode.sh'].map((rel) => itemFor(local, remote, rel))), { host: HOST });
    const stamps = first.map((result) => okResult(result).remote);

    // Someone edits on the server: new content; same size but a new mtime; only the mode.
    await writeFile(path.join(remote, 'train.py'), 'edited on the server\n');
    await writeFile(path.join(remote, 'same-size.py'), 'bbbb');
    await utimes(path.join(remote, 'same-size.py'), new Date(), new Date(Date.now() + 5_000));
    await chmod(path.join(remote, 'mode.sh'), 0o700);
    await writeTree(local, { 'train.py': 'v2 from the laptop\n', 'same-size.py': 'cccc', 'mode.sh': 'echo 2' });

    const items = await Promise.all(['train.py', 'same-size.py', 'mode.sh'].map((rel, i) => itemFor(local, remote, rel, stamps[i] ?? null)));
    const results = await uploadFiles(sftp, items, { host: HOST });
    for (const result of results) {
      const failure = failResult(result, 'conflict');
      assert.match(failure.message, new RegExp(`${failure.remotePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on ${HOST} changed on the server`));
    }
    assert.equal(await readFile(path.join(remote, 'train.py'), 'utf8'), 'edited on the server\n');
    assert.equal(await readFile(path.join(remote, 'same-size.py'), 'utf8'), 'bbbb');
    assert.equal(await readFile(path.join(remote, 'mode.sh'), 'utf8'), 'echo');
    assert.deepEqual(await namesIn(remote), ['mode.sh', 'same-size.py', 'train.py'], 'no temp files left');
  });

  test('expectRemote null but the file exists: conflict, for small and multi-chunk files', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeTree(local, { 'small.yaml': 'lr: 0.1\n', 'big.bin': randomBytes(3 * 1024 * 1024) });
    await writeTree(remote, { 'small.yaml': 'lr: 0.5 # tuned on the server\n', 'big.bin': 'server copy' });
    const results = await uploadFiles(sftp, [await itemFor(local, remote, 'small.yaml'), await itemFor(local, remote, 'big.bin')], { host: HOST });
    for (const result of results) assert.match(failResult(result, 'conflict').message, /already exists on the server/);
    assert.equal(await readFile(path.join(remote, 'small.yaml'), 'utf8'), 'lr: 0.5 # tuned on the server\n');
    assert.equal(await readFile(path.join(remote, 'big.bin'), 'utf8'), 'server copy');
    assert.deepEqual(await namesIn(remote), ['big.bin', 'small.yaml']);
  });

  test('successive saves chain expectRemote; a replace keeps the local mode (the execute bit)', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeTree(local, { 'run.sh': '#!/bin/sh\necho 0\n' });
    await chmod(path.join(local, 'run.sh'), 0o755);
    let expect: RemoteStamp | null = null;
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(local, 'run.sh'), `#!/bin/sh\necho ${i}\n`);
      await utimes(path.join(local, 'run.sh'), new Date(), new Date(MTIME_MS + i * 60_000));
      const [result] = await uploadFiles(sftp, [await itemFor(local, remote, 'run.sh', expect)], { host: HOST });
      expect = okResult(result).remote;
      assert.equal(await readFile(path.join(remote, 'run.sh'), 'utf8'), `#!/bin/sh\necho ${i}\n`);
    }
    const run = execFileSync(path.join(remote, 'run.sh'), { encoding: 'utf8' });
    assert.equal(run, '4\n', 'the uploaded script runs');
    assert.deepEqual(await namesIn(remote), ['run.sh']);
  });

  test('unicode, spaces and very long names', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const long = `${'λ'.repeat(100)}-${'n'.repeat(40)}.py`; // 245 bytes: the temp name must be shortened
    const tree = {
      'ünïcødé 文件.py': 'unicode',
      'with space/a b c.txt': 'spaced',
      "it's \"quoted\" $HOME `x`.md": 'shell characters',
      [`données/${long}`]: 'long name',
    };
    await writeTree(local, tree);
    const results = await uploadFiles(sftp, await Promise.all(Object.keys(tree).map((rel) => itemFor(local, remote, rel))), { host: HOST });
    for (const [i, [rel, content]] of Object.entries(tree).entries()) {
      okResult(results[i]);
      assert.equal(await readFile(path.join(remote, rel), 'utf8'), content, rel);
    }
    assert.deepEqual(await findTempFiles(remote), []);
  });

  test('a first push into a remote root that does not exist yet creates it and every folder', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const parent = await shm.make('labdesk-xfer-remote-');
    const remote = path.join(parent, 'new root', 'project');
    const tree = { 'a.py': 'a', 'pkg/b.py': 'b', 'pkg/deep/er/c.py': 'c', 'other/d.md': 'd' };
    await writeTree(local, tree);
    const results = await uploadFiles(sftp, await Promise.all(Object.keys(tree).map((rel) => itemFor(local, remote, rel))), { host: HOST });
    for (const [i, [rel, content]] of Object.entries(tree).entries()) {
      okResult(results[i]);
      assert.equal(await readFile(path.join(remote, rel), 'utf8'), content);
    }
    assert.deepEqual(await findTempFiles(parent), []);
  });

  test('a 64 MiB file is byte-identical (sha256 on both sides)', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const data = randomBytes(64 * 1024 * 1024);
    await writeFile(path.join(local, 'checkpoint.bin'), data);
    const [result] = await uploadFiles(sftp, [await itemFor(local, remote, 'checkpoint.bin')], { host: HOST });
    assert.equal(okResult(result).remote.size, data.length);
    const remoteSum = await execOn(client, shellCommand(['sha256sum', path.posix.join(remote, 'checkpoint.bin')]));
    assert.equal(remoteSum.code, 0, remoteSum.stderr);
    assert.equal(remoteSum.stdout.split(' ')[0], sha256(data));
    assert.deepEqual(await namesIn(remote), ['checkpoint.bin']);
  });

  test('a big file spreads its WRITEs over helper channels: byte-identical, hashed as sent, every helper handle closed', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const data = randomBytes(SPLIT_MIN_BYTES * 3);
    await writeTree(local, { 'model.pt': data, 'small.py': 'print(1)\n' });
    await writeFile(path.join(remote, 'model.pt'), 'old weights');
    await utimes(path.join(local, 'model.pt'), MTIME_MS / 1000, MTIME_MS / 1000);
    const helpers = new HelperChannels(client, HOST);
    try {
      const counts = await countRequests(helpers);
      assert.equal(counts.length, 2, 'both helper channels opened');
      const items = [await itemFor(local, remote, 'model.pt', await remoteStamp(path.join(remote, 'model.pt'))), await itemFor(local, remote, 'small.py')];
      const results = await uploadFiles(sftp, items, { host: HOST, hash: true, helpers: helpers.sessions });
      assert.equal(okResult(results[0]).hash, sha256(data), 'the hash of the bytes as sent, read in order');
      okResult(results[1]);
      assert.ok(data.equals(await readFile(path.join(remote, 'model.pt'))), 'byte-identical');
      assert.equal((await stat(path.join(remote, 'model.pt'))).mtimeMs, Math.floor(MTIME_MS / 1000) * 1000);
      for (const count of counts) {
        assert.ok(count.write > 0, `each helper carried a share: ${JSON.stringify(counts)}`);
        assert.deepEqual([count.open, count.close], [1, 1], 'one handle on the temp (the big file only), closed');
      }
      assert.deepEqual(await namesIn(remote), ['model.pt', 'small.py']);
    } finally {
      helpers.close();
    }
  });

  test('cancel while a big file goes over helper channels: the old file is kept, the temp removed, the helpers closed', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeTree(local, { 'model.pt': randomBytes(SPLIT_MIN_BYTES * 4) });
    await writeFile(path.join(remote, 'model.pt'), 'old weights');
    const helpers = new HelperChannels(client, HOST);
    try {
      const counts = await countRequests(helpers);
      const controller = new AbortController();
      const [result] = await uploadFiles(sftp, [await itemFor(local, remote, 'model.pt', await remoteStamp(path.join(remote, 'model.pt')))], {
        host: HOST,
        helpers: helpers.sessions,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.bytesDone >= SPLIT_MIN_BYTES) controller.abort();
        },
      });
      failResult(result, 'cancelled');
      assert.equal(await readFile(path.join(remote, 'model.pt'), 'utf8'), 'old weights');
      assert.deepEqual(await namesIn(remote), ['model.pt'], 'the temp file was removed');
      for (const count of counts) assert.equal(count.close, count.open, `helper handles closed: ${JSON.stringify(counts)}`);
      assert.ok(counts.some((count) => count.write > 0), 'the helpers were in use when it was cancelled');
    } finally {
      helpers.close();
    }
  });

  test('without posix-rename the fallback still replaces and creates, leaving no temp or backup', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeTree(local, { 'a.py': 'new a', 'b.py': 'new b', 'c.py': 'new c' });
    await writeTree(remote, { 'a.py': 'old a', 'c.py': 'old c, changed on the server' });
    const aStamp = await remoteStamp(path.join(remote, 'a.py'));
    const items = [await itemFor(local, remote, 'a.py', aStamp), await itemFor(local, remote, 'b.py'), await itemFor(local, remote, 'c.py')];
    const results = await uploadFiles(sftp, items, { host: HOST, posixRename: false });
    okResult(results[0]);
    okResult(results[1]);
    failResult(results[2], 'conflict');
    assert.equal(await readFile(path.join(remote, 'a.py'), 'utf8'), 'new a');
    assert.equal(await readFile(path.join(remote, 'b.py'), 'utf8'), 'new b');
    assert.equal(await readFile(path.join(remote, 'c.py'), 'utf8'), 'old c, changed on the server');
    assert.deepEqual(await namesIn(remote), ['a.py', 'b.py', 'c.py']);
  });
});

describe('interrupted uploads never leave a partial file at the target', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  const OLD = Buffer.alloc(1024 * 1024, 'O');

  /** A remote target holding OLD, and a 16 MiB local replacement with the right expectRemote. */
  async function replacement(): Promise<{ remote: string; item: UploadItem; target: string }> {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    await writeFile(path.join(local, 'model.bin'), Buffer.alloc(16 * 1024 * 1024, 'N'));
    await writeFile(path.join(remote, 'model.bin'), OLD);
    const item = await itemFor(local, remote, 'model.bin', await remoteStamp(path.join(remote, 'model.bin')));
    return { remote, item, target: path.join(remote, 'model.bin') };
  }

  /** Starts an upload on a fresh connection and calls `interrupt` once 2 MiB are acknowledged. */
  async function interrupted(
    item: UploadItem,
    interrupt: (connection: Client, controller: AbortController, serverPid: number) => void,
  ): Promise<UploadResult | undefined> {
    const connection = await connectFixture(server);
    try {
      const channel = await openSftp(connection);
      // The exec'd shell's parent is the sshd process serving this connection.
      const serverPid = Number((await execOn(connection, 'echo $PPID')).stdout.trim());
      const controller = new AbortController();
      let fired = false;
      const [result] = await uploadFiles(channel, [item], {
        host: HOST,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (fired || p.bytesDone < 2 * 1024 * 1024) return;
          fired = true;
          interrupt(connection, controller, serverPid);
        },
      });
      assert.ok(fired, 'the interruption happened mid-upload');
      return result;
    } finally {
      connection.end();
    }
  }

  async function assertOldContent(remote: string, target: string): Promise<void> {
    assert.ok((await readFile(target)).equals(OLD), 'the target still has the OLD content');
    for (const name of await readdir(remote)) {
      if (name !== 'model.bin') assert.ok(name.includes(TEMP_MARKER), `only temp names besides the target: ${name}`);
    }
  }

  test('the client socket is destroyed mid-upload', async () => {
    const { remote, item, target } = await replacement();
    const result = await interrupted(item, (connection) => {
      (connection as unknown as { _sock: { destroy(): void } })._sock.destroy();
    });
    assert.match(failResult(result, 'failed').message, /connection was lost.*not changed/);
    await assertOldContent(remote, target);
  });

  test("the server's per-connection sshd process is killed mid-upload", async () => {
    const { remote, item, target } = await replacement();
    const result = await interrupted(item, (_connection, _controller, serverPid) => process.kill(serverPid, 'SIGKILL'));
    failResult(result, 'failed');
    await assertOldContent(remote, target);
  });

  test('client.end() mid-upload', async () => {
    const { remote, item, target } = await replacement();
    const result = await interrupted(item, (connection) => {
      connection.end();
    });
    failResult(result, 'failed');
    await assertOldContent(remote, target);
  });

  test('cancel through the AbortSignal: old content kept and the temp file removed', async () => {
    const { remote, item, target } = await replacement();
    const result = await interrupted(item, (_connection, controller) => controller.abort());
    assert.match(failResult(result, 'cancelled').message, /cancelled.*not changed/);
    assert.ok((await readFile(target)).equals(OLD));
    assert.deepEqual(await namesIn(remote), ['model.bin'], 'the temp file was removed');
  });

  test('cancel during a batch: finished files stay, the rest are cancelled, no temp files', async () => {
    const local = await shm.make('labdesk-xfer-local-');
    const remote = await shm.make('labdesk-xfer-remote-');
    const tree: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) tree[`f${String(i).padStart(3, '0')}.bin`] = randomBytes(i % 10 === 0 ? 600_000 : 2_000);
    await writeTree(local, tree);
    const controller = new AbortController();
    const items = await Promise.all(Object.keys(tree).map((rel) => itemFor(local, remote, rel)));
    const results = await uploadFiles(sftp, items, {
      host: HOST,
      concurrency: 8,
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.filesDone >= 20) controller.abort();
      },
    });
    const done = results.filter((result) => result.ok);
    const cancelled = results.filter((result) => !result.ok && result.code === 'cancelled');
    assert.equal(done.length + cancelled.length, results.length, JSON.stringify(results.find((r) => !r.ok && r.code !== 'cancelled')));
    assert.ok(done.length >= 20 && cancelled.length > 0, `${done.length} done, ${cancelled.length} cancelled`);
    for (const result of done) assert.ok(tree[path.posix.basename(result.remotePath)]?.equals(await readFile(result.remotePath)));
    assert.deepEqual(await namesIn(remote), done.map((result) => path.posix.basename(result.remotePath)).sort());

    // An already-aborted signal sends nothing at all.
    const none = await uploadFiles(sftp, items.slice(0, 3), { host: HOST, signal: AbortSignal.abort() });
    assert.deepEqual(none.map((result) => (result.ok ? 'ok' : result.code)), ['cancelled', 'cancelled', 'cancelled']);
  });
});
