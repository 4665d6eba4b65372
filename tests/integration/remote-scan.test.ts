// scanRemote against a real OpenSSH server on loopback: `find -printf` over exec and the SFTP
// walk must list the same tree, links are listed but never entered, and odd names survive.
// The "server" folder is on this machine, so the test builds it with plain fs calls.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand, openSftp } from '../../main/ssh/remote-exec';
import { findCommand, parseFindOutput, scanRemote, type RemoteScan, type RemoteScanTransport } from '../../main/sync/remote/remote-scan';
import type { RemoteEntry } from '../../main/sync/sync-types';
import { startSshd, withSshdAsSecondUser, type SshdServer } from '../fixtures/sshd';
import { connectFixture } from '../bench/ssh-connect';
import { TempDirs, isRoot, writeTree } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

interface Session {
  client: Client;
  sftp: SFTPWrapper;
  transport: RemoteScanTransport;
}

async function open(server: SshdServer): Promise<Session> {
  const client = await connectFixture(server);
  const sftp = await openSftp(client);
  return { client, sftp, transport: { exec: (command, options) => execCommand(client, command, options), sftp } };
}

/** A fake `find` on PATH, for the servers this machine is not: BSD find, or odd errors. */
async function fakeFind(dir: string, script: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'find'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return dir;
}

describe('scanRemote against a real sshd', () => {
  const temp = new TempDirs();
  let server: SshdServer;
  let session: Session;
  let base: string;
  let root: string;
  // Every exec starts the user's login shell, whose rc files can be slow (root's .bashrc here
  // runs `pyenv init`: 0.6-2 s). So the tree is scanned once up front and the edge cases,
  // each needing its own exec, run concurrently.
  let findScan: RemoteScan;
  let sftpScan: RemoteScan;
  let findMs: number;
  let sftpMs: number;
  let reference: RemoteEntry[];

  before(async () => {
    server = await startSshd();
    session = await open(server);
    base = await temp.make('labdesk-remote-scan-');
    root = path.join(base, 'project');
    await writeTree(path.join(base, 'scratch'), { 'ckpt/best.pt': 'weights', 'shard.bin': 'data' });
    await writeTree(root, {
      'train.py': 'print(1)\n',
      'run.sh': '#!/bin/sh\necho hi\n',
      'private.key': 'k',
      'src/model.py': 'class M: ...\n',
      'src/utils/io.py': '',
      'deep/a/b/c/d/e.txt': 'deep',
      empty: { dir: true },
      'with space.txt': '',
      'new\nline.txt': 'a newline in the name',
      "quote's.txt": '',
      'back\\slash.txt': '',
      '$(echo hi).txt': '',
      'données/été 2024.csv': 'a,b\n',
      'emoji 🚀.md': '',
      'tab\there.txt': '',
      // The seed habit: data on another disk, linked in. Listed as a link, never entered.
      data: { link: path.join(base, 'scratch') },
      latest: { link: 'src/model.py' },
      dangling: { link: 'not/there' },
      'src/up': { link: '../..' },
    });
    for (let folder = 0; folder < 10; folder++) {
      const files: Record<string, string> = {};
      for (let file = 0; file < 100; file++) files[`bulk/d${folder}/f${String(file).padStart(2, '0')}.txt`] = String(file);
      await writeTree(root, files);
    }
    await chmod(path.join(root, 'run.sh'), 0o755);
    await chmod(path.join(root, 'private.key'), 0o600);
    await mkdir(path.join(root, 'shared'), { mode: 0o755 });
    await chmod(path.join(root, 'shared'), 0o1777);
    await execFileAsync('mkfifo', [path.join(root, 'pipe')]);

    let started = performance.now();
    findScan = await scanRemote(session.transport, root, { method: 'find' });
    findMs = performance.now() - started;
    started = performance.now();
    sftpScan = await scanRemote(session.transport, root, { method: 'sftp' });
    sftpMs = performance.now() - started;
    reference = findScan.entries;
  });
  after(async () => {
    session?.client.end();
    await server?.stop();
    await temp.cleanup();
  });

  describe('one tree, both methods', () => {
    const byPath = (entries: RemoteEntry[]) => new Map(entries.map((entry) => [entry.path, entry]));
    it('find: one exec lists everything, links not entered, odd names intact', async () => {
      const scan = findScan;
      assert.equal(scan.method, 'find');
      const entries = byPath(scan.entries);
      assert.deepEqual(
        scan.entries.filter((entry) => !entry.path.startsWith('bulk/')).map((entry) => `${entry.path} ${entry.kind}`),
        [
          '$(echo hi).txt file',
          'back\\slash.txt file',
          'bulk dir',
          'dangling symlink',
          'data symlink',
          'deep dir',
          'deep/a dir',
          'deep/a/b dir',
          'deep/a/b/c dir',
          'deep/a/b/c/d dir',
          'deep/a/b/c/d/e.txt file',
          'données dir',
          'données/été 2024.csv file',
          'emoji 🚀.md file',
          'empty dir',
          'latest symlink',
          'new\nline.txt file',
          'pipe other',
          'private.key file',
          "quote's.txt file",
          'run.sh file',
          'shared dir',
          'src dir',
          'src/model.py file',
          'src/up symlink',
          'src/utils dir',
          'src/utils/io.py file',
          'tab\there.txt file',
          'train.py file',
          'with space.txt file',
        ],
      );
      assert.equal(scan.entries.filter((entry) => entry.path.startsWith('bulk/')).length, 1010);
      assert.equal(entries.get('data')?.linkTarget, path.join(base, 'scratch'));
      assert.equal(entries.get('latest')?.linkTarget, 'src/model.py');
      assert.equal(entries.get('dangling')?.linkTarget, 'not/there');
      assert.equal(entries.get('src/up')?.linkTarget, '../..');
      assert.equal(entries.get('deep/a/b/c/d/e.txt')?.size, 4);
      assert.equal(entries.get('run.sh')?.mode, 0o755);
      assert.equal(entries.get('private.key')?.mode, 0o600);
      assert.equal(entries.get('shared')?.mode, 0o1777);
      const stats = await lstat(path.join(root, 'train.py'));
      assert.deepEqual(entries.get('train.py'), { path: 'train.py', kind: 'file', size: 9, mtime: Math.floor(stats.mtimeMs / 1000), mode: stats.mode & 0o7777 });
      const linkStats = await lstat(path.join(root, 'data'));
      assert.deepEqual(entries.get('data'), {
        path: 'data',
        kind: 'symlink',
        size: linkStats.size,
        mtime: Math.floor(linkStats.mtimeMs / 1000),
        mode: 0o777,
        linkTarget: path.join(base, 'scratch'),
      });
    });

    it('the SFTP walk gives identical entries (timed against find)', async () => {
      const started = performance.now();
      const again = await scanRemote(session.transport, root, { method: 'sftp' });
      const againMs = performance.now() - started;
      console.log(
        `  remote scan of ${reference.length} entries on loopback: find ${findMs.toFixed(0)} ms (one exec, login shell included), ` +
          `sftp ${sftpMs.toFixed(0)} ms first, ${againMs.toFixed(0)} ms again`,
      );
      assert.equal(sftpScan.method, 'sftp');
      assert.deepEqual(sftpScan.entries, reference);
      assert.deepEqual(again.entries, reference);
    });
  });

  describe('auto: find and the SFTP walk race', () => {
    it('the first complete list wins, whichever it is, and it is the same list', async () => {
      const scan = await scanRemote(session.transport, root);
      assert.ok(scan.method === 'find' || scan.method === 'sftp');
      assert.deepEqual(scan.entries, reference);
    });

    // The timeout only bounds the wait, should the scan wait for the exec after all.
    it('a server whose exec hangs (a slow login shell) does not hold the scan: the walk wins', { timeout: 30_000 }, async () => {
      // The exec's shell blocks opening a fifo for reading until the test writes to it, which it
      // does only after the scan returned: a scan that returns did not wait for the exec.
      // findAfterMs 0 starts find at once, so the race really includes the hung exec.
      const gate = path.join(base, 'exec-gate');
      await execFileAsync('mkfifo', [gate]);
      let hung: ReturnType<typeof execCommand> | undefined;
      const transport: RemoteScanTransport = {
        exec: (command, options) => (hung = execCommand(session.client, `read _ < '${gate}'; ${command}`, options)),
        sftp: session.sftp,
      };
      const scan = await scanRemote(transport, root, { findAfterMs: 0 });
      assert.equal(scan.method, 'sftp');
      assert.deepEqual(scan.entries, reference);
      assert.ok(hung, 'find was started');
      // Released, the exec finishes on its own (its answer is dropped), and frees its channel
      // for the cases below, which share this connection.
      await writeFile(gate, '\n');
      assert.equal((await hung).code, 0);
    });
  });

  // Each of these needs its own exec; they run at the same time against the same server.
  describe('edge cases', { concurrency: true }, () => {
    it('a root that is itself a link is followed (nothing below it is)', async () => {
      const linkedRoot = path.join(base, 'project-link');
      await symlink(root, linkedRoot);
      const [viaFind, viaSftp] = await Promise.all([
        scanRemote(session.transport, linkedRoot, { method: 'find' }),
        scanRemote(session.transport, `${linkedRoot}/`, { method: 'sftp' }),
      ]);
      assert.equal(viaFind.method, 'find');
      assert.deepEqual(viaFind.entries, reference);
      assert.deepEqual(viaSftp.entries, reference);
    });

    it('a root that does not exist yet is an empty list, with either method', async () => {
      const missing = path.join(base, 'not-created-yet', 'project');
      const [viaFind, viaSftp] = await Promise.all([scanRemote(session.transport, missing, { method: 'find' }), scanRemote(session.transport, missing, { method: 'sftp' })]);
      assert.deepEqual(viaFind, { entries: [], method: 'find' });
      assert.deepEqual(viaSftp, { entries: [], method: 'sftp' });
    });

    it('a root that is a file is an error naming it, with either method', async () => {
      const file = path.join(root, 'train.py');
      const expected = { code: 'not-a-directory', message: `me@gpu1:22:${file} is not a folder; choose a folder as the remote root.` };
      await Promise.all(
        (['auto', 'find', 'sftp'] as const).map((method) => assert.rejects(scanRemote(session.transport, file, { method, hostLabel: 'me@gpu1:22' }), expected)),
      );
    });

    it('a server whose find has no -printf (BSD, busybox) falls back to SFTP', async () => {
      const bin = await fakeFind(path.join(base, 'bsd-bin'), 'echo "find: -printf: unknown primary or operator" >&2\nexit 1');
      const transport: RemoteScanTransport = { exec: (command) => execCommand(session.client, `PATH=${bin}:$PATH; export PATH; ${command}`), sftp: session.sftp };
      const scan = await scanRemote(transport, root, { method: 'find' });
      assert.equal(scan.method, 'sftp');
      assert.deepEqual(scan.entries, reference);
    });

    it('a login shell that prints a banner does not corrupt the find output', async () => {
      const transport: RemoteScanTransport = { exec: (command) => execCommand(session.client, `echo 'Welcome to gpu1!'; printf 'x\\0y\\0'; ${command}`), sftp: session.sftp };
      const scan = await scanRemote(transport, root, { method: 'find' });
      assert.equal(scan.method, 'find');
      assert.deepEqual(scan.entries, reference);
    });

    it("find's Permission denied becomes a permission-denied error naming host and folder", async () => {
      // find's own message, parsed on its own; the real unreadable folder is the case below.
      const locked = path.join(root, 'src');
      const bin = await fakeFind(path.join(base, 'denied-bin'), `echo "find: '${locked}': Permission denied" >&2\nexit 1`);
      const transport: RemoteScanTransport = { exec: (command) => execCommand(session.client, `PATH=${bin}:$PATH; export PATH; ${command}`), sftp: session.sftp };
      await assert.rejects(scanRemote(transport, root, { method: 'find', hostLabel: 'me@gpu1:22' }), {
        code: 'permission-denied',
        message: new RegExp(`^Permission denied reading me@gpu1:22:${locked}\\. `),
      });
    });

    it('an unreadable folder is a permission-denied error with either method', async (t) => {
      // The fixture sshd serves the current user. Root reads a chmod 000 folder anyway, so as
      // root the scan logs in as a second, ordinary account, for whom the mode counts.
      let other: Session | undefined;
      if (isRoot) {
        const second = await withSshdAsSecondUser(t);
        if (second.skip !== undefined) return t.skip(second.skip);
        other = await open(second.server);
      }
      const transport = (other ?? session).transport;
      // Its own tree (the other cases run at the same time and compare against the main one),
      // in a folder the second account can enter.
      const lockedRoot = path.join(await temp.make('labdesk-remote-scan-locked-'), 'locked-project');
      await chmod(path.dirname(lockedRoot), 0o755);
      const locked = path.join(lockedRoot, 'locked');
      await mkdir(lockedRoot);
      await chmod(lockedRoot, 0o755);
      await mkdir(locked);
      await chmod(locked, 0o000);
      try {
        for (const method of ['auto', 'find', 'sftp'] as const) {
          await assert.rejects(scanRemote(transport, lockedRoot, { method, hostLabel: 'me@gpu1:22' }), {
            code: 'permission-denied',
            message: new RegExp(`me@gpu1:22:${locked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
          });
        }
      } finally {
        other?.client.end();
        await chmod(locked, 0o755);
      }
    });
  });
});

describe('scanRemote on an SFTP-only account (ForceCommand internal-sftp)', () => {
  const temp = new TempDirs();
  let server: SshdServer;
  let session: Session;

  before(async () => {
    server = await startSshd({ extraConfig: ['ForceCommand internal-sftp'] });
    session = await open(server);
  });
  after(async () => {
    session?.client.end();
    await server?.stop();
    await temp.cleanup();
  });

  it('exec cannot run find, so the scan walks over SFTP', async () => {
    const root = await temp.make('labdesk-remote-sftp-only-');
    await writeTree(root, { 'a.py': 'x', 'sub/b.py': 'yy', link: { link: 'sub' } });
    const scan = await scanRemote(session.transport, root);
    assert.equal(scan.method, 'sftp');
    assert.deepEqual(
      scan.entries.map((entry) => [entry.path, entry.kind, entry.kind === 'dir' ? '-' : entry.size]),
      [['a.py', 'file', 1], ['link', 'symlink', 3], ['sub', 'dir', '-'], ['sub/b.py', 'file', 2]],
    );
  });
});

describe('findCommand and parseFindOutput', () => {
  it('quotes the root and the format for the remote shell', () => {
    assert.equal(
      findCommand("/home/me/it's here"),
      "printf '%s\\0' LABDESK-SCAN-START; env 'LC_ALL=C' find -H '/home/me/it'\\''s here' -printf '%P\\0%y\\0%s\\0%T@\\0%m\\0%l\\0'",
    );
    assert.match(findCommand('-odd'), / find -H \.\/-odd -printf /);
  });

  it('parses records, floors times without float rounding, and rejects output it does not recognise', () => {
    const ROOT = ['', 'd', '4096', '1700000000.5', '755', ''];
    const records = (...fields: string[]) => Buffer.from(`noise\nLABDESK-SCAN-START\0${fields.map((field) => `${field}\0`).join('')}`);
    assert.deepEqual(parseFindOutput(records(...ROOT, 'l', 'l', '3', '1700000001.0000000000', '777', 'a b', 'a b', 'f', '12', '1700000000.9999999999', '755', '')), {
      root: 'dir',
      entries: [
        { path: 'a b', kind: 'file', size: 12, mtime: 1700000000, mode: 0o755 },
        { path: 'l', kind: 'symlink', size: 3, mtime: 1700000001, mode: 0o777, linkTarget: 'a b' },
      ],
    });
    assert.equal(parseFindOutput(records(...ROOT, 'x', 's', '0', '5', '755', ''))?.entries[0]?.kind, 'other');
    assert.deepEqual(parseFindOutput(records(...ROOT)), { root: 'dir', entries: [] });
    assert.deepEqual(parseFindOutput(records('', 'f', '9', '5', '644', '')), { root: 'other', entries: [] }, 'the root is a file');
    assert.equal(parseFindOutput(records()), null, 'no record for the root');
    assert.equal(parseFindOutput(Buffer.from('a\0f\0')), null, 'no marker');
    assert.equal(parseFindOutput(records(...ROOT, 'a', 'f', '1')), null, 'truncated');
    assert.equal(parseFindOutput(records(...ROOT, 'a', 'file', 'x', '1', '644', '')), null, 'not find -printf output');
  });
});
