// Host key decisions against a real OpenSSH server's real host key: the key ssh2 receives in its
// hostVerifier is checked against known_hosts files written by the fixture, hashed by
// `ssh-keygen -H`, edited by `ssh-keygen -R`, and against Labdesk's trust store, which OpenSSH's
// own client must accept in turn.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { checkHostKey, describeVerdict, type HostKeyVerdict } from '../../main/ssh/host-key-check';
import { TrustStore } from '../../main/ssh/trust-store';
import { SSHD_MISSING_MESSAGE, publicKeyBlob, sha256Fingerprint, sshdAvailable, startSshd, type SshdServer } from '../fixtures/sshd';
import { TempDirs } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

/** The host key the server presents in a real handshake (the verifier refuses, so no login happens). */
function presentedHostKey(server: SshdServer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented: Buffer | undefined;
    client.on('error', (error) => (presented ? resolve(presented) : reject(error)));
    client.on('close', () => (presented ? resolve(presented) : reject(new Error('closed before a host key was seen'))));
    client.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        presented = key;
        return false;
      },
    });
  });
}

/** Connects with ssh2 and lets checkHostKey decide, as the product's connection code does. */
function connectVerified(server: SshdServer, knownHostsFiles: string[]): Promise<{ ok: boolean; verdict: HostKeyVerdict | undefined }> {
  return new Promise((resolve) => {
    const client = new Client();
    let verdict: HostKeyVerdict | undefined;
    const finish = (ok: boolean) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      resolve({ ok, verdict });
    };
    client.once('ready', () => finish(true));
    client.once('error', () => finish(false));
    client.connect({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.clientPrivateKey,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        void checkHostKey({ host: server.host, port: server.port, keyBlob: key, knownHostsFiles }).then((result) => {
          verdict = result;
          verify(result.status === 'trusted');
        });
      },
    });
  });
}

/** What OpenSSH's client says when it may only trust `knownHostsFile` and has no way to log in. */
async function sshHostKeyOutcome(server: SshdServer, knownHostsFile: string): Promise<string> {
  const result = await execFileAsync('ssh', [
    '-F', '/dev/null',
    '-o', `UserKnownHostsFile=${knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'PubkeyAuthentication=no',
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-p', String(server.port),
    `${server.username}@${server.host}`,
    'true',
  ]).then(
    () => assert.fail('ssh logged in without any credentials'),
    (error: { stderr?: string }) => error.stderr ?? '',
  );
  return result;
}

describe('checkHostKey against a real sshd', { skip: sshdAvailable() ? false : SSHD_MISSING_MESSAGE }, () => {
  const temp = new TempDirs();
  let server: SshdServer;
  let dir: string;
  let hostKey: Buffer;
  let name: string;
  /** A real ed25519 key that is not the host's (the fixture's client key). */
  let otherKeyLine: string;

  before(async () => {
    [server, dir] = await Promise.all([startSshd(), temp.make('labdesk-host-key-')]);
    hostKey = await presentedHostKey(server);
    name = `[127.0.0.1]:${server.port}`;
    otherKeyLine = server.clientPublicKey.split(' ').slice(0, 2).join(' ');
  });
  after(async () => {
    await server?.stop();
    await temp.cleanup();
  });

  const file = async (fileName: string, lines: string[]) => {
    const target = path.join(dir, fileName);
    await writeFile(target, lines.join('\n') + '\n');
    return target;
  };
  const check = (knownHostsFiles: string[], extra: { trustStore?: TrustStore; hostKeyAlias?: string } = {}) =>
    checkHostKey({ host: server.host, port: server.port, keyBlob: hostKey, knownHostsFiles, ...extra });

  it('sees the key the fixture generated', () => {
    assert.deepEqual(hostKey, publicKeyBlob(server.hostPublicKey));
    assert.equal(sha256Fingerprint(hostKey), server.hostKeySha256);
  });

  it("is trusted through the fixture's known_hosts", async () => {
    const verdict = await check([path.join(dir, 'missing'), server.knownHostsPath]);
    assert.deepEqual(verdict, {
      status: 'trusted',
      fingerprint: server.hostKeySha256,
      keyType: 'ssh-ed25519',
      lookupName: name,
      notes: [],
      source: server.knownHostsPath,
      line: 1,
    });
    assert.match(describeVerdict(verdict, server.host, server.port), /is trusted/);
  });

  it('is trusted through a copy hashed by ssh-keygen -H', async () => {
    const hashed = path.join(dir, 'hashed');
    await copyFile(server.knownHostsPath, hashed);
    await execFileAsync('ssh-keygen', ['-H', '-f', hashed]);
    assert.match(await readFile(hashed, 'utf8'), /^\|1\|/);
    const verdict = await check([hashed]);
    assert.equal(verdict.status, 'trusted');
  });

  it('is unknown with no files, empty files and an empty trust store; the message asks to verify', async () => {
    const empty = await file('empty', []);
    const store = new TrustStore(path.join(dir, 'unused-store'));
    const verdict = await check([empty, path.join(dir, 'missing')], { trustStore: store });
    assert.deepEqual(verdict, { status: 'unknown', fingerprint: server.hostKeySha256, keyType: 'ssh-ed25519', lookupName: name, notes: [] });
    const message = describeVerdict(verdict, server.host, server.port, 'gpu1');
    assert.match(message, new RegExp(`^gpu1 \\(127\\.0\\.0\\.1:${server.port}\\) is not a known host`));
    assert.ok(message.includes(server.hostKeySha256));
    assert.match(message, /ssh_host_ed25519_key\.pub/);
    assert.match(message, /--accept-new/);
  });

  it('has CHANGED when the file holds another key for [127.0.0.1]:PORT; the suggested ssh-keygen -R fixes it', async () => {
    const changed = await file('changed', ['# line 1', `other.example ${otherKeyLine}`, `${name} ${otherKeyLine}`]);
    const verdict = await check([changed]);
    const otherSha256 = sha256Fingerprint(publicKeyBlob(server.clientPublicKey));
    assert.equal(verdict.status, 'changed');
    assert.deepEqual(verdict.status === 'changed' && verdict.expected, [
      { fingerprint: otherSha256, keyType: 'ssh-ed25519', source: changed, line: 3, inTrustStore: false },
    ]);

    const message = describeVerdict(verdict, server.host, server.port, 'gpu1');
    assert.ok(
      message.startsWith(`The host key of gpu1 (127.0.0.1:${server.port}) has CHANGED. Expected ${otherSha256} (${changed} line 3), got ${server.hostKeySha256}.`),
      message,
    );
    assert.match(message, /someone is intercepting/);
    const command = `ssh-keygen -R '${name}' -f ${changed}`;
    assert.ok(message.includes(`\`${command}\``), message);

    // Run exactly what the message suggests (as arguments, not through a shell); the host is then unknown.
    await execFileAsync('ssh-keygen', ['-R', name, '-f', changed]);
    assert.equal((await check([changed])).status, 'unknown');
    assert.match(await readFile(changed, 'utf8'), /other\.example/, 'other hosts are kept');
  });

  it('is refused (not "unknown") when only a key of another type is known', async () => {
    const keyPath = path.join(dir, 'ecdsa_key');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', keyPath]);
    const ecdsaLine = (await readFile(`${keyPath}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    const verdict = await check([await file('other-type', [`${name} ${ecdsaLine}`])]);
    assert.equal(verdict.status, 'changed');
    const message = describeVerdict(verdict, server.host, server.port);
    assert.match(message, /does not match the known ones\. Expected ecdsa-sha2-nistp256 key SHA256:\S+ .* got ssh-ed25519 key SHA256:/);
  });

  it('is revoked by a matching @revoked line, even when another line trusts it', async () => {
    const revokedFile = await file('revoked', [`${name} ${server.hostPublicKey}`, `@revoked * ${server.hostPublicKey}`]);
    const verdict = await check([revokedFile]);
    assert.equal(verdict.status, 'revoked');
    assert.equal(verdict.status === 'revoked' && verdict.line, 2);
    assert.match(describeVerdict(verdict, server.host, server.port), /marked @revoked in .* line 2, so Labdesk refuses/);
    // A @revoked line for another key doesn't matter.
    const otherRevoked = await file('revoked-other', [`${name} ${server.hostPublicKey}`, `@revoked * ${otherKeyLine}`]);
    assert.equal((await check([otherRevoked])).status, 'trusted');
  });

  it('never trusts through @cert-authority, and says so', async () => {
    const caFile = await file('ca', [`@cert-authority * ${server.hostPublicKey}`]);
    const verdict = await check([caFile]);
    assert.equal(verdict.status, 'unknown');
    assert.match(verdict.notes.join(' '), /line 1 is a @cert-authority line; Labdesk can't check host certificates/);
    assert.match(describeVerdict(verdict, server.host, server.port), /@cert-authority/);
  });

  it('notes a known_hosts path it could not read, and still uses the others', async () => {
    const folder = path.join(dir, 'a-folder');
    await mkdir(folder, { recursive: true });
    const verdict = await check([folder, server.knownHostsPath]);
    assert.equal(verdict.status, 'trusted');
    assert.deepEqual(verdict.notes, [`Could not read ${folder} (it is a folder); keys in it were not considered.`]);
  });

  it('accepting into the trust store makes it trusted; OpenSSH reads that store and accepts the server', async () => {
    const store = new TrustStore(path.join(dir, 'config-dir'));
    assert.equal((await check([], { trustStore: store })).status, 'unknown');
    await store.trust(server.host, server.port, hostKey);

    const verdict = await check([], { trustStore: store });
    assert.equal(verdict.status, 'trusted');
    assert.equal(verdict.status === 'trusted' && verdict.source, store.path);
    assert.equal((await stat(store.path)).mode & 0o777, 0o600);
    assert.equal((await stat(store.dir)).mode & 0o777, 0o700);

    const { stdout } = await execFileAsync('ssh-keygen', ['-F', name, '-f', store.path]);
    assert.match(stdout, new RegExp(`found: line 2`));
    // OpenSSH's own client, with only the trust store and StrictHostKeyChecking=yes, accepts the
    // host key and goes on to authentication (refused on purpose: no session is needed, and an
    // exec on this sshd costs about a second). With an empty file it stops at the host key.
    assert.match(await sshHostKeyOutcome(server, store.path), /Permission denied/);
    assert.match(await sshHostKeyOutcome(server, await file('empty-for-ssh', [])), /Host key verification failed/);
  });

  it("lets the OpenSSH files outrank the trust store, which only speaks for hosts they don't know", async () => {
    const otherBlob = publicKeyBlob(server.clientPublicKey);
    const changedFile = await file('outranks', [`${name} ${otherKeyLine}`]);

    // The store vouches for the real key, but the person's known_hosts says otherwise: refused.
    const storeWithHostKey = new TrustStore(path.join(dir, 'outrank-store-1'));
    await storeWithHostKey.trust(server.host, server.port, hostKey);
    const refused = await check([changedFile], { trustStore: storeWithHostKey });
    assert.equal(refused.status, 'changed');
    assert.deepEqual(refused.status === 'changed' && refused.expected.map((ref) => ref.source), [changedFile]);

    // A stale key in the store doesn't matter when known_hosts has the right one.
    const staleStore = new TrustStore(path.join(dir, 'outrank-store-2'));
    await staleStore.trust(server.host, server.port, otherBlob);
    assert.equal((await check([server.knownHostsPath], { trustStore: staleStore })).status, 'trusted');

    // With nothing in the OpenSSH files, the store's stale key is a change, to be removed from the store.
    const storeOnly = await check([], { trustStore: staleStore });
    assert.equal(storeOnly.status, 'changed');
    assert.deepEqual(storeOnly.status === 'changed' && storeOnly.expected.map((ref) => ref.inTrustStore), [true]);
    assert.ok(describeVerdict(storeOnly, server.host, server.port).includes(`\`ssh-keygen -R '${name}' -f ${staleStore.path}\``));
    assert.equal(await staleStore.forget(server.host, server.port), 1);
    assert.equal((await check([], { trustStore: staleStore })).status, 'unknown');
  });

  it('with a HostKeyAlias, looks up the alias (without port) instead of the address', async () => {
    const store = new TrustStore(path.join(dir, 'alias-store'));
    await store.trust(server.host, server.port, hostKey, 'gpu-one');
    assert.equal((await check([], { trustStore: store, hostKeyAlias: 'GPU-One' })).status, 'trusted');
    assert.equal((await check([], { trustStore: store })).status, 'unknown');
    const aliased = await file('alias-known-hosts', [`gpu-one ${otherKeyLine}`]);
    const verdict = await check([aliased], { hostKeyAlias: 'gpu-one' });
    assert.equal(verdict.status, 'changed');
    assert.match(describeVerdict(verdict, server.host, server.port), /ssh-keygen -R gpu-one -f /);
  });

  it('drives a real ssh2 handshake: a trusted key logs in, a changed one is refused', async () => {
    const good = await connectVerified(server, [server.knownHostsPath]);
    assert.deepEqual([good.ok, good.verdict?.status], [true, 'trusted']);
    const bad = await connectVerified(server, [await file('changed-e2e', [`${name} ${otherKeyLine}`])]);
    assert.deepEqual([bad.ok, bad.verdict?.status], [false, 'changed']);
  });
});
