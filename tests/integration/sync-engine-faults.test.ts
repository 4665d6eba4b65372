// The sync engine's tar path and its safety rules against a real sshd: a server without a shell
// falls back to SFTP, a file that appeared on the server since the plan is never overwritten,
// nothing is created through a remote link, stale temp files are swept (only Labdesk's, never
// through a link), and a connection cut mid-scan or mid-hash fails fast instead of hanging.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand } from '../../main/ssh/remote-exec';
import { hashRemoteFiles } from '../../main/sync/local/content-hash';
import { loadIgnoreRules } from '../../main/sync/local/ignore-rules';
import { createRemoteDirs, sweepStaleTemps } from '../../main/sync/remote/remote-ops';
import { scanRemote } from '../../main/sync/remote/remote-scan';
import { TAR_OWNED_MIN_FILES, executeSync, prepareSync, type SyncSession } from '../../main/sync/sync-engine';
import { startTarShell } from '../../main/sync/tar/tar-shell';
import { SPLIT_MIN_BYTES } from '../../main/sync/transfer/write-lanes';
import { SyncState } from '../../main/sync/state/sync-state';
import { SSHD_MISSING_MESSAGE, sshdAvailable, startSshd, type SshdServer } from '../fixtures/sshd';
import { findTempFiles, writeTree } from '../fixtures/temp-project';
import { ShmDirs, connectFixture, openSftp, startSftpFixture, stopSftpFixture } from '../bench/ssh-connect';
import { ConnectionFacts } from '../../main/sync/connection-facts';

const shm = new ShmDirs();
const skip = sshdAvailable() ? false : SSHD_MISSING_MESSAGE;

after(async () => {
  await shm.cleanup();
});

async function sessionFor(client: Client, sftp: SFTPWrapper, local: string, remote: string, host: string): Promise<SyncSession> {
  const state = await SyncState.load(local, { target: 't', host, remoteRoot: remote });
  return { localRoot: local, remoteRoot: remote, hostLabel: host, client, sftp, state, ignore: await loadIgnoreRules(local), facts: new ConnectionFacts(client) };
}

function manyFiles(count: number): Record<string, string> {
  const tree: Record<string, string> = {};
  for (let i = 0; i < count; i++) tree[`src/m${i % 4}/f${i}.py`] = `x = ${i}\n`;
  return tree;
}

/** Channels open on the connection (ssh2's channel table; no public accessor). */
function openChannels(client: Client): number {
  return (client as unknown as { _chanMgr: { _count: number } })._chanMgr._count;
}

/** Cuts the TCP connection under ssh2 (as a dropped network does) once `after` calls of `method` went out. */
function cutAfter(client: Client, sftp: SFTPWrapper, method: 'readdir' | 'read', after: number): void {
  const raw = sftp as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = raw[method] as (...args: unknown[]) => unknown;
  let calls = 0;
  raw[method] = function (this: unknown, ...args: unknown[]) {
    calls += 1;
    if (calls === after) setImmediate(() => (client as unknown as { _sock: { destroy(): void } })._sock.destroy());
    return original.apply(this, args);
  };
}

describe('sync engine on a real sshd: tar path and safety', { skip }, () => {
  let server: SshdServer;
  let client: Client;
  let sftp: SFTPWrapper;

  before(async () => {
    ({ server, client, sftp } = await startSftpFixture());
  });
  after(async () => {
    await stopSftpFixture({ server, client });
  });

  test('tar path (forced): a file that appeared on the server after the plan is a conflict and stays', async () => {
    const local = await shm.make('labdesk-eng-conflict-local-');
    const remote = path.join(await shm.make('labdesk-eng-conflict-remote-'), 'p');
    await writeTree(local, { ...manyFiles(40), 'run.sh': '#!/bin/sh\necho run\n', 'late.txt': 'mine' });
    await chmod(path.join(local, 'run.sh'), 0o755);
    const session = await sessionFor(client, sftp, local, remote, 'gpu-tar');
    const prepared = await prepareSync(session, { deleteRemote: false });
    await mkdir(remote, { recursive: true });
    await writeFile(path.join(remote, 'late.txt'), 'theirs, written after the plan');

    const report = await executeSync(session, prepared, { tar: true });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.conflicts.map((conflict) => conflict.path), ['late.txt']);
    assert.equal(report.uploaded, 41);
    assert.equal(await readFile(path.join(remote, 'late.txt'), 'utf8'), 'theirs, written after the plan');
    assert.equal((await lstat(path.join(remote, 'run.sh'))).mode & 0o777, 0o755);
    assert.equal(session.state.entries.has('late.txt'), false, 'no base for a write that did not happen');
    assert.deepEqual(await findTempFiles(remote), []);
    assert.equal((await readdir(remote)).includes('.labdesk'), false);
  });

  test('tar path: each topmost new folder goes in with one RENAME, empty folders and folder modes too, all in the base', async () => {
    const local = await shm.make('labdesk-eng-folders-local-');
    const remote = path.join(await shm.make('labdesk-eng-folders-remote-'), 'p');
    await writeTree(local, { ...manyFiles(200), 'README.md': 'top', 'docs/a/b/deep.md': 'deep' });
    await mkdir(path.join(local, 'empty/inner'), { recursive: true });
    await chmod(path.join(local, 'docs/a'), 0o750);
    const session = await sessionFor(client, sftp, local, remote, 'gpu-folders');
    const prepared = await prepareSync(session, { deleteRemote: false });
    const renames: string[] = [];
    const raw = sftp as unknown as { rename: (...args: unknown[]) => unknown };
    const original = raw.rename;
    raw.rename = function (this: unknown, ...args: unknown[]) {
      renames.push(String(args[1]));
      return original.apply(this, args);
    };
    try {
      const report = await executeSync(session, prepared, { tar: true });
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.conflicts, []);
      assert.equal(report.uploaded, 202);
      assert.equal(report.viaTar, 202);
    } finally {
      raw.rename = original;
    }
    // src, docs and empty go in whole; README.md, in the root that existed, on its own.
    assert.deepEqual(renames.map((target) => path.relative(remote, target)).sort(), ['README.md', 'docs', 'empty', 'src']);
    assert.equal(await readFile(path.join(remote, 'docs/a/b/deep.md'), 'utf8'), 'deep');
    assert.equal(await readFile(path.join(remote, 'src/m3/f7.py'), 'utf8'), 'x = 7\n');
    assert.equal((await lstat(path.join(remote, 'empty/inner'))).isDirectory(), true);
    assert.equal((await lstat(path.join(remote, 'docs/a'))).mode & 0o777, 0o750);
    for (const dir of ['src', 'src/m0', 'docs', 'docs/a', 'docs/a/b', 'empty', 'empty/inner']) assert.equal(session.state.entries.get(dir)?.kind, 'dir', dir);
    assert.ok(session.state.entries.get('src/m1/f1.py')?.remote, 'files in a moved folder are in the base with their stamp');
    assert.deepEqual(await readdir(remote).then((names) => names.sort()), ['README.md', 'docs', 'empty', 'src']);
    // A second sync has nothing to do.
    const again = await prepareSync(session, { deleteRemote: false });
    assert.deepEqual(again.plan.actions.filter((action) => action.type === 'upload' || action.type === 'mkdir' || action.type === 'conflict'), []);
  });

  test('tar path: a new folder that appeared on the server during the push is not replaced; its files go one by one, nothing overwritten', async () => {
    const local = await shm.make('labdesk-eng-appeared-local-');
    const remote = path.join(await shm.make('labdesk-eng-appeared-remote-'), 'p');
    await writeTree(local, { ...manyFiles(40), 'other/x.txt': 'x' });
    const session = await sessionFor(client, sftp, local, remote, 'gpu-appeared');
    const prepared = await prepareSync(session, { deleteRemote: false });
    // After the plan, someone creates src/m1 on the server with a file of their own.
    await mkdir(path.join(remote, 'src/m1'), { recursive: true });
    await writeFile(path.join(remote, 'src/m1/f1.py'), 'theirs');

    const report = await executeSync(session, prepared, { tar: true });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.conflicts.map((conflict) => conflict.path), ['src/m1/f1.py']);
    assert.equal(report.uploaded, 40);
    assert.equal(await readFile(path.join(remote, 'src/m1/f1.py'), 'utf8'), 'theirs');
    assert.equal(await readFile(path.join(remote, 'src/m1/f5.py'), 'utf8'), 'x = 5\n');
    assert.equal(await readFile(path.join(remote, 'src/m2/f2.py'), 'utf8'), 'x = 2\n');
    assert.equal(await readFile(path.join(remote, 'other/x.txt'), 'utf8'), 'x');
    assert.equal(session.state.entries.has('src/m1/f1.py'), false, 'no base for a write that did not happen');
    assert.deepEqual(await findTempFiles(remote), []);
    assert.equal((await readdir(remote)).includes('.labdesk'), false, 'no staging folder left');
  });

  test('tar path: a new folder that became a link on the server during the push: nothing is written through it', async () => {
    const local = await shm.make('labdesk-eng-tarlink-local-');
    const base = await shm.make('labdesk-eng-tarlink-remote-');
    const remote = path.join(base, 'p');
    const outside = path.join(base, 'scratch');
    await mkdir(outside);
    await writeTree(local, { ...manyFiles(20), 'ok/c.txt': 'c' });
    const session = await sessionFor(client, sftp, local, remote, 'gpu-tarlink');
    const prepared = await prepareSync(session, { deleteRemote: false });
    await mkdir(remote);
    await symlink(outside, path.join(remote, 'src'));

    const report = await executeSync(session, prepared, { tar: true });
    assert.deepEqual(await readdir(outside), [], 'nothing was written through the link');
    assert.ok(report.errors.some((error) => error.path === 'src' && /symbolic link/.test(error.message)), JSON.stringify(report.errors));
    assert.ok(report.errors.some((error) => error.path === 'src/m0/f0.py' && /not uploaded.*symbolic link/.test(error.message)), JSON.stringify(report.errors));
    assert.equal(await readFile(path.join(remote, 'ok/c.txt'), 'utf8'), 'c');
    assert.equal((await lstat(path.join(remote, 'src'))).isSymbolicLink(), true, 'the link is left as it is');
    assert.equal((await readdir(remote)).includes('.labdesk'), false, 'no staging folder left');
  });

  test('a tar shell started before the plan is taken over by a big first push (tar alone, even on loopback)', async () => {
    const local = await shm.make('labdesk-eng-early-local-');
    const remote = path.join(await shm.make('labdesk-eng-early-remote-'), 'p');
    const tree = manyFiles(TAR_OWNED_MIN_FILES);
    await writeTree(local, tree);
    const session = await sessionFor(client, sftp, local, remote, 'gpu-early');
    const shell = startTarShell(client, remote);
    const report = await executeSync(session, await prepareSync(session, { deleteRemote: false }), { tarShell: shell });
    assert.deepEqual(report.errors, []);
    assert.equal(report.uploaded, TAR_OWNED_MIN_FILES);
    assert.equal(report.viaTar, TAR_OWNED_MIN_FILES, 'tar placed every file');
    assert.equal(shell.adopted, true);
    assert.equal(await readFile(path.join(remote, 'src/m2/f6.py'), 'utf8'), 'x = 6\n');
    assert.equal((await readdir(remote)).includes('.labdesk'), false, 'no staging folder left');
  });

  test('big files with helper channels (forced; on their own only on a long link): land whole, in the base, channels closed after', async () => {
    const local = await shm.make('labdesk-eng-helpers-local-');
    const remote = path.join(await shm.make('labdesk-eng-helpers-remote-'), 'p');
    const weights = randomBytes(SPLIT_MIN_BYTES * 2);
    await writeTree(local, { 'ckpt/model.pt': weights, 'ckpt/optim.pt': weights.subarray(0, SPLIT_MIN_BYTES), 'train.py': 'print(1)\n' });
    const session = await sessionFor(client, sftp, local, remote, 'gpu-helpers');
    const channelsBefore = openChannels(client);
    const report = await executeSync(session, await prepareSync(session, { deleteRemote: false }), { helperChannels: true });
    assert.deepEqual(report.errors, []);
    assert.equal(report.uploaded, 3);
    assert.ok(weights.equals(await readFile(path.join(remote, 'ckpt/model.pt'))));
    assert.ok(weights.subarray(0, SPLIT_MIN_BYTES).equals(await readFile(path.join(remote, 'ckpt/optim.pt'))));
    assert.equal(openChannels(client), channelsBefore, 'the helper channels were closed');
    assert.deepEqual(await findTempFiles(remote), []);
    const again = await prepareSync(session, { deleteRemote: false });
    assert.deepEqual(again.plan.actions.filter((action) => action.type === 'upload' || action.type === 'mkdir' || action.type === 'conflict'), [], 'recorded in the base: nothing to do');
  });

  test('a tar shell started before the plan and not needed is answered N: it exits by itself and creates nothing', async () => {
    const local = await shm.make('labdesk-eng-unused-local-');
    const remote = path.join(await shm.make('labdesk-eng-unused-remote-'), 'p');
    await writeTree(local, manyFiles(10));
    const session = await sessionFor(client, sftp, local, remote, 'gpu-unused');
    const shell = startTarShell(client, remote);
    const report = await executeSync(session, await prepareSync(session, { deleteRemote: false }), { tarShell: shell });
    assert.equal(report.uploaded, 10);
    assert.equal(report.viaTar, 0);
    assert.equal(shell.adopted, false);
    // The shell was not killed: it read N, skipped tar and exited with the channel.
    await Promise.race([shell.closed, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the declined shell did not exit')), 15_000))]);
    assert.equal(shell.wentAhead, false);
    assert.equal((await readdir(remote)).includes('.labdesk'), false, 'no staging folder was made');
  });

  // The shared first push ('auto'): SFTP starts at once; when tar's shell is ready, tar takes
  // the files SFTP has not started if SFTP would need longer than tarWorthSeconds for them.
  for (const worth of [0, Infinity]) {
    test(`shared push, tar ${worth === 0 ? 'always worth it' : 'never worth it'}: each file lands once, nothing is staged or left`, async () => {
      const local = await shm.make('labdesk-eng-shared-local-');
      const remote = path.join(await shm.make('labdesk-eng-shared-remote-'), 'p');
      const tree = manyFiles(3000);
      await writeTree(local, tree);
      const session = await sessionFor(client, sftp, local, remote, 'gpu-shared');
      const report = await executeSync(session, await prepareSync(session, { deleteRemote: false }), { tarMinFiles: 1000, tarWorthSeconds: worth, concurrency: 8 });
      assert.deepEqual(report.errors, []);
      assert.deepEqual(report.conflicts, []);
      assert.equal(report.uploaded, 3000);
      // Declined: the shell was answered N and placed nothing. Worth it: tar placed whatever SFTP had not started.
      if (worth === Infinity) assert.equal(report.viaTar, 0);
      else console.log(`  # tar placed ${report.viaTar} of 3000 files`);
      for (const rel of Object.keys(tree).filter((_rel, i) => i % 300 === 0)) assert.equal(await readFile(path.join(remote, rel), 'utf8'), tree[rel]);
      assert.equal(session.state.entries.size >= 3000, true, 'every file is in the base');
      assert.deepEqual(await findTempFiles(remote), []);
      assert.equal((await readdir(remote)).includes('.labdesk'), false, 'no staging folder left');
    });
  }

  for (const tar of ['auto', true] as const) {
  test(`nothing is created through a remote link, even one that appeared after the plan (tar: ${tar})`, async () => {
    const local = await shm.make('labdesk-eng-link-local-');
    const base = await shm.make('labdesk-eng-link-remote-');
    const remote = path.join(base, 'p');
    const outside = path.join(base, 'scratch');
    await mkdir(outside);
    await mkdir(path.join(remote, 'data'), { recursive: true });
    await writeTree(local, { 'data/new/a.csv': 'a', 'data/b.csv': 'b', 'ok/c.txt': 'c' });
    const session = await sessionFor(client, sftp, local, remote, 'gpu-link');
    const prepared = await prepareSync(session, { deleteRemote: false });
    // After the plan, the server's data/ becomes a link to a scratch disk.
    await rm(path.join(remote, 'data'), { recursive: true });
    await symlink(outside, path.join(remote, 'data'));

    const report = await executeSync(session, prepared, { tar });
    assert.deepEqual(await readdir(outside), [], 'nothing was written through the link');
    assert.ok(report.errors.some((error) => error.path === 'data/new' && /symbolic link/.test(error.message)), JSON.stringify(report.errors));
    // The scan saw a real folder; the engine's check before creating data/new catches the link.
    assert.ok(report.errors.some((error) => error.path === 'data/new/a.csv' && /not uploaded.*symbolic link/.test(error.message)), JSON.stringify(report.errors));
    assert.equal(await readFile(path.join(remote, 'ok/c.txt'), 'utf8'), 'c');

    const failed = await createRemoteDirs(sftp, remote, [{ path: 'data/x', mode: 0o755 }, { path: 'data/x/y', mode: 0o755 }]);
    assert.match(failed.get('data/x')?.message ?? '', /symbolic link/);
    assert.ok(failed.has('data/x/y'));
    assert.deepEqual(await readdir(outside), []);
  });
  }

  test('a resync on the same connection looks up the known paths only, with every safety rule', async () => {
    const local = await shm.make('labdesk-eng-known-local-');
    const base = await shm.make('labdesk-eng-known-remote-');
    const remote = path.join(base, 'p');
    const outside = path.join(base, 'scratch');
    await mkdir(outside);
    await writeTree(local, { 'src/a.py': 'a = 1\n', 'src/b.py': 'b = 1\n', 'data/x.csv': 'x\n', 'data/deep/y.csv': 'y\n', 'keep/k.txt': 'k\n', 'gone.txt': 'g\n' });
    const session = await sessionFor(client, sftp, local, remote, 'gpu-known');
    const first = await executeSync(session, await prepareSync(session, { deleteRemote: false }));
    assert.equal(first.uploaded, 6);

    // On the server: an edit since the base, data/ replaced by a link, a file of its own.
    await writeFile(path.join(remote, 'src/a.py'), 'a = "edited on the server"\n');
    await rm(path.join(remote, 'data'), { recursive: true });
    await symlink(outside, path.join(remote, 'data'));
    await writeFile(path.join(remote, 'theirs.txt'), 'the server\'s own');
    await writeFile(path.join(outside, 'x.csv'), 'behind the link');
    // Here: edits to both, a deletion.
    await writeFile(path.join(local, 'src/a.py'), 'a = 2\n');
    await writeFile(path.join(local, 'data/x.csv'), 'x, edited\n');
    await rm(path.join(local, 'gone.txt'));

    const prepared = await prepareSync(session, { deleteRemote: true });
    assert.equal(prepared.remote.has('theirs.txt'), false, 'no walk: only known paths were looked up');
    assert.equal(prepared.sweep, undefined);
    assert.equal(prepared.remote.get('data')?.kind, 'symlink');
    assert.equal(prepared.remote.has('data/x.csv'), false, 'nothing below a remote link is listed');
    const byPath = new Map(prepared.plan.actions.map((action) => [action.path, action]));
    const edited = byPath.get('src/a.py');
    assert.equal(edited?.type === 'conflict' && edited.reason, 'remote-changed');
    assert.equal(byPath.get('data/x.csv')?.type, 'skip');
    assert.equal(byPath.get('data/deep/y.csv')?.type, 'skip');
    assert.equal(byPath.get('gone.txt')?.type, 'delete');
    const report = await executeSync(session, prepared);
    assert.deepEqual(report.errors, []);
    assert.equal(await readFile(path.join(remote, 'src/a.py'), 'utf8'), 'a = "edited on the server"\n', 'a remote change is never overwritten');
    assert.deepEqual(await readdir(outside), ['x.csv']);
    assert.equal(await readFile(path.join(outside, 'x.csv'), 'utf8'), 'behind the link', 'nothing written through the link');
    assert.equal((await lstat(path.join(remote, 'data'))).isSymbolicLink(), true, 'the link is kept');
    await assert.rejects(lstat(path.join(remote, 'gone.txt')));
    assert.equal(await readFile(path.join(remote, 'theirs.txt'), 'utf8'), 'the server\'s own');
    assert.equal(session.state.entries.get('src/a.py')?.remote?.size, 6, 'the base of a conflict does not move');

    // Emptied locally: the plan halts, as with a walk.
    await rm(path.join(local, 'src'), { recursive: true });
    await rm(path.join(local, 'keep'), { recursive: true });
    await rm(path.join(local, 'data'), { recursive: true });
    const emptied = await prepareSync(session, { deleteRemote: true });
    assert.equal(emptied.remote.has('theirs.txt'), false);
    assert.match(emptied.plan.halted ?? '', /local folder is empty/);
    await assert.rejects(executeSync(session, emptied), /local folder is empty/);
    assert.equal(await readFile(path.join(remote, 'keep/k.txt'), 'utf8'), 'k\n');

    // The root gone on the server: looked up as missing, everything goes again.
    await writeTree(local, { 'keep/k.txt': 'k\n' });
    await rm(remote, { recursive: true });
    const again = await prepareSync(session, { deleteRemote: false });
    assert.equal(again.remote.size, 0);
    const resent = await executeSync(session, again);
    assert.deepEqual(resent.errors, []);
    assert.equal(await readFile(path.join(remote, 'keep/k.txt'), 'utf8'), 'k\n');
  });

  test('stale temp files and staging folders are swept: only Labdesk names, only old ones, never through a link', async () => {
    const base = await shm.make('labdesk-eng-sweep-');
    const remote = path.join(base, 'p');
    const outside = path.join(base, 'elsewhere');
    const hex = () => randomBytes(6).toString('hex');
    const staleTemp = `src/.model.py.labdesk-tmp-${hex()}`;
    const staleOld = `.train.py.labdesk-tmp-${hex()}.old`;
    const staging = `.labdesk/incoming-${hex()}`;
    const lookalikes = ['src/.x.labdesk-tmp-nothex000000', 'src/model.labdesk-tmp-abcdefabcdef', '.labdesk/state.json', '.labdesk/incoming-notours'];
    const linkedTemp = `.data.labdesk-tmp-${hex()}`;
    await writeTree(outside, { [`.inside.labdesk-tmp-${hex()}`]: 'behind a link: never touched' });
    await writeTree(remote, {
      [staleTemp]: 'half a file',
      [staleOld]: 'an old copy',
      [`${staging}/src/a.py`]: 'staged',
      ...Object.fromEntries(lookalikes.map((name) => [name, 'not ours'])),
      'src/model.py': 'real',
      linked: { link: outside },
      [linkedTemp]: { link: path.join(outside, 'target') },
    });

    // Fresh ones (a sync in flight on another machine) are kept.
    assert.deepEqual(await sweepStaleTemps(client, remote), []);
    // With no age limit (the test cannot make a file an hour old: ctime can't be set), Labdesk's own go.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const removed = await sweepStaleTemps(client, remote, { olderThanMinutes: 0 });
    assert.deepEqual(removed.sort(), [staleOld, staleTemp, staging].sort());
    for (const name of lookalikes) assert.equal(await readFile(path.join(remote, name), 'utf8'), 'not ours', name);
    assert.equal(await readFile(path.join(remote, 'src/model.py'), 'utf8'), 'real');
    assert.equal((await lstat(path.join(remote, linkedTemp))).isSymbolicLink(), true, 'a link is not a temp file');
    assert.equal((await readdir(outside)).length, 1, 'nothing behind the link was removed');

    // The engine starts the sweep itself when its scan sees Labdesk temp names.
    const fresh = `.again.py.labdesk-tmp-${hex()}`;
    await writeFile(path.join(remote, fresh), 'x');
    const local = await shm.make('labdesk-eng-sweep-local-');
    const second = await connectFixture(server);
    try {
      const session = await sessionFor(second, await openSftp(second), local, remote, 'gpu-sweep');
      const prepared = await prepareSync(session, { deleteRemote: false });
      assert.ok(prepared.sweep, 'a sweep was started');
      assert.deepEqual(await prepared.sweep, [], 'an hour has not passed: kept');
      assert.equal(await readFile(path.join(remote, fresh), 'utf8'), 'x');
    } finally {
      second.end();
    }
  });
});

describe('sync engine on an SFTP-only account (no shell): the tar path falls back to SFTP', { skip }, () => {
  let server: SshdServer;
  let client: Client;

  before(async () => {
    server = await startSshd({ extraConfig: ['ForceCommand internal-sftp'] });
    client = await connectFixture(server);
  });
  after(async () => {
    client?.end();
    await server?.stop();
  });

  for (const tar of [true, 'auto'] as const) {
    test(`tar: ${String(tar)}: every file lands over SFTP, nothing is staged`, async () => {
      const local = await shm.make('labdesk-eng-noshell-local-');
      const remote = path.join(await shm.make('labdesk-eng-noshell-remote-'), 'p');
      const tree = manyFiles(tar === true ? 60 : 1200);
      await writeTree(local, tree);
      const session = await sessionFor(client, await openSftp(client), local, remote, 'sftp-only');
      const started = performance.now();
      const report = await executeSync(session, await prepareSync(session, { deleteRemote: false }), { tar, tarMinFiles: 1000, tarWorthSeconds: 0 });
      assert.deepEqual(report.errors, []);
      assert.equal(report.uploaded, Object.keys(tree).length);
      assert.ok(performance.now() - started < 30_000);
      for (const rel of Object.keys(tree).slice(0, 5)) assert.equal(await readFile(path.join(remote, rel), 'utf8'), tree[rel]);
      assert.equal((await readdir(remote)).includes('.labdesk'), false);
    });
  }
});

describe('a connection cut mid-scan or mid-hash fails fast', { skip }, () => {
  let server: SshdServer;

  before(async () => {
    server = await startSshd();
  });
  after(async () => {
    await server?.stop();
  });

  test('the SFTP walk: an error within seconds, not a hang', async () => {
    const remote = await shm.make('labdesk-eng-cut-scan-');
    for (let dir = 0; dir < 40; dir++) await writeTree(remote, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`d${dir}/e${i}/f.txt`, 'x'])));
    const client = await connectFixture(server);
    try {
      const sftp = await openSftp(client);
      cutAfter(client, sftp, 'readdir', 30);
      const started = performance.now();
      await assert.rejects(scanRemote({ exec: (command) => execCommand(client, command), sftp }, remote, { method: 'sftp', hostLabel: 'gpu-cut' }), /connection|lost|No response/i);
      assert.ok(performance.now() - started < 5_000, 'failed fast');
    } finally {
      client.end();
    }
  });

  test('hashing a remote file over SFTP: an error within seconds, not a hang', async () => {
    const remote = await shm.make('labdesk-eng-cut-hash-');
    await writeFile(path.join(remote, 'big.bin'), randomBytes(24 * 1024 * 1024));
    const client = await connectFixture(server);
    try {
      const sftp = await openSftp(client);
      cutAfter(client, sftp, 'read', 20);
      const started = performance.now();
      // 24 MiB is above the size where the hash would go through sha256sum over exec: with
      // `sizes` saying it is small, it is read over SFTP.
      await assert.rejects(hashRemoteFiles(client, sftp, remote, ['big.bin'], { sizes: new Map([['big.bin', 1]]) }), /connection|lost/i);
      assert.ok(performance.now() - started < 5_000, 'failed fast');
    } finally {
      client.end();
    }
  });
});
