// The sync engine end to end on 10,000 files against a real sshd: the first push (a big first
// push: the tar stream shares the work with the SFTP pipeline), then a no-op resync that plans
// nothing, then one edit that becomes exactly one upload. Runs in well under a minute on 2 cores.

import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client, SFTPWrapper } from 'ssh2';
import { loadIgnoreRules } from '../../main/sync/local/ignore-rules';
import { summarisePlan } from '../../main/sync/plan/plan';
import { TAR_MIN_FILES, executeSync, prepareSync, type SyncSession } from '../../main/sync/sync-engine';
import { SyncState } from '../../main/sync/state/sync-state';
import { SSHD_MISSING_MESSAGE, sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { findTempFiles } from '../fixtures/temp-project';
import { ShmDirs, startSftpFixture, stopSftpFixture } from '../bench/ssh-connect';
import { ConnectionFacts } from '../../main/sync/connection-facts';

const FILES = 10_000;
const MTIME_S = Date.UTC(2024, 0, 2, 3, 4, 5) / 1000;
const shm = new ShmDirs();
let server: SshdServer;
let client: Client;
let sftp: SFTPWrapper;

before(async () => {
  if (!sshdAvailable()) return;
  ({ server, client, sftp } = await startSftpFixture());
});

after(async () => {
  await stopSftpFixture({ server, client });
  await shm.cleanup();
});

/** 10,000 small files in 100 folders two levels deep, a few executable, one mtime for all. */
async function writeBigTree(root: string): Promise<string[]> {
  const rels: string[] = [];
  for (let dir = 0; dir < 100; dir++) {
    const folder = path.join(root, `pkg${dir % 10}`, `mod${dir}`);
    await mkdir(folder, { recursive: true });
    await Promise.all(
      Array.from({ length: FILES / 100 }, async (_, i) => {
        const rel = `pkg${dir % 10}/mod${dir}/f${i}.py`;
        rels.push(rel);
        await writeFile(path.join(root, rel), `# ${rel}\nx = ${i}\n`);
        await utimes(path.join(root, rel), MTIME_S, MTIME_S);
      }),
    );
  }
  for (const rel of rels.slice(0, 10)) await chmod(path.join(root, rel), 0o755);
  return rels.sort();
}

describe('sync engine, 10,000 files', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  let local: string;
  let remote: string;
  let session: SyncSession;
  let rels: string[];

  before(async () => {
    if (!sshdAvailable()) return;
    local = await shm.make('labdesk-10k-local-');
    remote = path.join(await shm.make('labdesk-10k-remote-'), 'project');
    rels = await writeBigTree(local);
    const state = await SyncState.load(local, { target: 'gpu', host: 'gpu-10k', remoteRoot: remote });
    session = { localRoot: local, remoteRoot: remote, hostLabel: 'gpu-10k', client, sftp, state, ignore: await loadIgnoreRules(local), facts: new ConnectionFacts(client) };
  });

  test('first push: every file lands, with its mode and mtime; nothing temporary is left', async () => {
    assert.ok(FILES >= TAR_MIN_FILES, 'big enough for the tar path');
    const started = performance.now();
    const prepared = await prepareSync(session, { deleteRemote: false });
    assert.equal(summarisePlan(prepared.plan).upload, FILES);
    const report = await executeSync(session, prepared);
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.conflicts, []);
    assert.equal(report.uploaded, FILES);
    console.log(`  # first push of ${FILES} files: ${seconds.toFixed(1)} s`);

    const landed: string[] = [];
    for (const top of await readdir(remote)) {
      for (const mod of await readdir(path.join(remote, top))) for (const name of await readdir(path.join(remote, top, mod))) landed.push(`${top}/${mod}/${name}`);
    }
    assert.deepEqual(landed.sort(), rels);
    for (const rel of [rels[0], rels[9], rels[10], rels[FILES - 1]] as string[]) {
      assert.equal(await readFile(path.join(remote, rel), 'utf8'), await readFile(path.join(local, rel), 'utf8'), rel);
      const [mine, theirs] = await Promise.all([lstat(path.join(local, rel)), lstat(path.join(remote, rel))]);
      assert.equal(theirs.mode & 0o777, mine.mode & 0o777, `${rel}: mode`);
      assert.equal(Math.floor(theirs.mtimeMs / 1000), MTIME_S, `${rel}: mtime`);
    }
    assert.deepEqual(await findTempFiles(remote), []);
    assert.equal((await readdir(remote)).includes('.labdesk'), false, 'the tar staging folder is gone');
    // The base records every file with the hash of what was sent.
    const base = session.state.entries.get(rels[0] as string);
    assert.match(base?.local?.hash ?? '', /^[0-9a-f]{64}$/);
  });

  test('a no-op resync plans nothing and writes nothing', async () => {
    const started = performance.now();
    const prepared = await prepareSync(session, { deleteRemote: false });
    assert.deepEqual(prepared.plan.actions, []);
    const report = await executeSync(session, prepared);
    console.log(`  # no-op resync of ${FILES} files (connection open): ${((performance.now() - started) / 1000).toFixed(2)} s`);
    assert.equal(report.uploaded + report.created + report.deleted, 0);
  });

  test('one edit: exactly one upload', async () => {
    const rel = rels[4321] as string;
    await writeFile(path.join(local, rel), '# edited\n');
    const prepared = await prepareSync(session, { deleteRemote: false });
    assert.deepEqual(prepared.plan.actions.map((action) => [action.type, action.path]), [['upload', rel]]);
    const report = await executeSync(session, prepared);
    assert.equal(report.uploaded, 1);
    assert.equal(await readFile(path.join(remote, rel), 'utf8'), '# edited\n');
    assert.deepEqual((await prepareSync(session, { deleteRemote: false })).plan.actions, []);
  });
});
