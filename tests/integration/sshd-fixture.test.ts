// The real-sshd fixture: ssh2 connects with a pinned host key, SFTP lists real files and has
// OpenSSH's posix-rename, a wrong pin is refused, and OpenSSH's own client accepts the files.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Client, type SFTPWrapper } from 'ssh2';
import {
  SSHD_MISSING_MESSAGE,
  publicKeyBlob,
  sha256Fingerprint,
  sshdAvailable,
  startSshd,
  withSshd,
  type SshdServer,
} from '../fixtures/sshd';

const execFileAsync = promisify(execFile);

interface Connection {
  client: Client;
  /** Fingerprints of every host key ssh2 asked the verifier about. */
  presented: string[];
}

class ConnectError extends Error {
  constructor(cause: Error, readonly presented: string[], sshdLog: string) {
    super(`${cause.message}\npresented host keys: ${presented.join(', ') || 'none'}\n--- sshd log ---\n${sshdLog}`, { cause });
  }
}

/** Connects with ssh2, accepting only a host key whose SHA256 fingerprint is `pinnedSha256`. */
function connect(server: SshdServer, pinnedSha256: string): Promise<Connection> {
  const client = new Client();
  const presented: string[] = [];
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(new ConnectError(error, presented, server.log()));
    };
    client.once('ready', () => {
      settled = true;
      resolve({ client, presented });
    });
    // `on`, not `once`: an error after 'ready' must not become an uncaught exception.
    client.on('error', fail);
    client.once('close', () => fail(new Error('connection closed before it was ready')));
    client.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.clientPrivateKey,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        const fingerprint = sha256Fingerprint(key);
        presented.push(fingerprint);
        return fingerprint === pinnedSha256;
      },
    });
  });
}

async function connectForTest(t: TestContext, server: SshdServer): Promise<Client> {
  const { client, presented } = await connect(server, server.hostKeySha256);
  t.after(() => client.end());
  assert.deepEqual(presented, [server.hostKeySha256]);
  return client;
}

/** Resolves when a TCP connection to 127.0.0.1:port opens (and closes it again). */
function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

// ssh2 keeps the server's SFTP extensions (name -> version) on a private field.
function sftpExtensions(sftp: SFTPWrapper): Record<string, string> {
  return (sftp as unknown as { _extensions: Record<string, string> })._extensions;
}

async function makeTempTree(t: TestContext, files: Record<string, string>, folders: string[]): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'labdesk-sftp-tree-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const folder of folders) await mkdir(path.join(root, folder));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(root, name), content);
  return root;
}

describe('sshd fixture', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  test('ssh2 lists a folder over SFTP; posix-rename is advertised and replaces an existing file', async (t) => {
    const server = await withSshd(t);
    const files = { 'plain.txt': 'plain', 'with space.txt': 'spaced', 'ünïcødé 文件.txt': 'unicode' };
    const root = await makeTempTree(t, files, ['subfolder']);

    const sftp = await openSftp(await connectForTest(t, server));
    const entries = await promisify(sftp.readdir.bind(sftp))(root);

    const names = entries.map((entry) => entry.filename).sort();
    assert.deepEqual(names, [...Object.keys(files), 'subfolder'].sort());
    const byName = new Map(entries.map((entry) => [entry.filename, entry.attrs]));
    assert.equal(byName.get('subfolder')?.isDirectory(), true);
    assert.equal(byName.get('ünïcødé 文件.txt')?.size, Buffer.byteLength('unicode'));

    assert.ok('posix-rename@openssh.com' in sftpExtensions(sftp), `extensions: ${JSON.stringify(sftpExtensions(sftp))}`);
    // Unlike plain SFTP rename on OpenSSH, posix-rename overwrites an existing target.
    await writeFile(path.join(root, 'plain.txt.tmp'), 'new');
    await promisify(sftp.ext_openssh_rename.bind(sftp))(`${root}/plain.txt.tmp`, `${root}/plain.txt`);
    assert.equal(await readFile(path.join(root, 'plain.txt'), 'utf8'), 'new');
    await assert.rejects(access(path.join(root, 'plain.txt.tmp')), { code: 'ENOENT' });
  });

  test('a host key that does not match the pinned fingerprint is refused', async (t) => {
    const server = await withSshd(t);
    // A real ed25519 key, just not the host's.
    const otherSha256 = sha256Fingerprint(publicKeyBlob(server.clientPublicKey));
    assert.notEqual(otherSha256, server.hostKeySha256);

    const error = await connect(server, otherSha256).then(
      ({ client }) => {
        client.end();
        assert.fail('connected although the host key did not match the pin');
      },
      (rejection: unknown) => rejection,
    );
    assert.ok(error instanceof ConnectError, String(error));
    assert.match(error.message, /^Host denied \(verification failed\)/);
    // The verifier saw the real host key and said no: the refusal is the pin, not something else.
    assert.deepEqual(error.presented, [server.hostKeySha256]);
  });

  test("hostKeySha256 and knownHostsPath agree with OpenSSH's own tools", async (t) => {
    const server = await withSshd(t);
    const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', server.knownHostsPath]);
    assert.equal(stdout.trim(), `256 ${server.hostKeySha256} [127.0.0.1]:${server.port} (ED25519)`);

    // OpenSSH's sftp client with strict host key checking: proves the known_hosts line, the
    // client key and the subsystem work without ssh2 (later code may shell out to OpenSSH).
    const root = await makeTempTree(t, { 'seen-by-openssh.txt': 'x' }, []);
    const sftpCli = execFileAsync('sftp', [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${server.knownHostsPath}`,
      '-o', 'IdentitiesOnly=yes',
      '-i', server.clientKeyPath,
      '-P', String(server.port),
      '-b', '-',
      `${server.username}@${server.host}:${root}`,
    ], { timeout: 10_000 });
    sftpCli.child.stdin?.end('ls -1\n');
    const { stdout: listing } = await sftpCli.catch((error: Error) => {
      throw new Error(`${error.message}\n--- sshd log ---\n${server.log()}`);
    });
    assert.match(listing, /seen-by-openssh\.txt/);
  });

  test('stop() ends sshd, frees the port and removes the temp dir; a second stop() is harmless', async () => {
    const server = await startSshd();
    await server.stop();
    await assert.rejects(access(server.dir), { code: 'ENOENT' });
    await assert.rejects(tcpConnect(server.port), { code: 'ECONNREFUSED' });
    await server.stop();
  });

  test('a bad config line fails startup with an error that includes the sshd log', async () => {
    await assert.rejects(startSshd({ extraConfig: ['NoSuchKeyword yes'] }), (error: Error) => {
      assert.match(error.message, /sshd exited during startup/);
      assert.match(error.message, /--- sshd log ---[\s\S]*Bad configuration option: NoSuchKeyword/);
      return true;
    });
  });
});
