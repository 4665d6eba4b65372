import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { connectSsh, type ConnectOptions } from '../../main/ssh/connect';
import { nonInteractivePrompter, type HostKeyQuestion, type Prompter } from '../../main/ssh/prompter';
import { execCommand } from '../../main/ssh/remote-exec';
import { SecretCache } from '../../main/ssh/secret-cache';
import { resolveJumpHop, resolveSshHost } from '../../main/ssh/ssh-config';
import { SshConnectError } from '../../main/ssh/ssh-errors';
import { TrustStore } from '../../main/ssh/trust-store';
import { startSshd, type SshdServer } from '../fixtures/sshd';

const run = promisify(execFile);

describe('connectSsh against real OpenSSH servers', () => {
  let bastion: SshdServer;
  let target: SshdServer;
  let home: string;
  let sshConfig: string;
  let knownHosts: string;

  before(async () => {
    [bastion, target] = await Promise.all([startSshd(), startSshd()]);
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-connect-'));
    knownHosts = path.join(home, 'known_hosts');
    await writeFile(knownHosts, (await readFile(bastion.knownHostsPath, 'utf8')) + (await readFile(target.knownHostsPath, 'utf8')));
    sshConfig = path.join(home, 'ssh_config');
    // Include + Host patterns, as researchers' configs have them.
    await writeFile(path.join(home, 'hosts.conf'), [
      'Host lab-bastion',
      '  HostName 127.0.0.1',
      `  Port ${bastion.port}`,
      `  IdentityFile ${bastion.clientKeyPath}`,
      'Host lab-gpu*',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      `  IdentityFile ${target.clientKeyPath}`,
      'Host lab-gpu-via-bastion',
      '  ProxyJump lab-bastion',
      '',
    ].join('\n'));
    await writeFile(sshConfig, [`Include ${path.join(home, 'hosts.conf')}`, 'Host lab-*', `  User ${target.username}`, `  UserKnownHostsFile ${knownHosts}`, '  IdentitiesOnly yes', ''].join('\n'));
  });

  after(async () => {
    await Promise.all([bastion?.stop(), target?.stop()]);
    if (home) await rm(home, { recursive: true, force: true });
  });

  function options(extra: Partial<ConnectOptions> = {}): ConnectOptions {
    return {
      prompter: nonInteractivePrompter({ acceptNewHostKeys: false }),
      trustStore: new TrustStore(path.join(home, 'labdesk-config')),
      secrets: new SecretCache(),
      resolveHop: (hop) => resolveJumpHop(hop, { configFile: sshConfig }),
      agent: undefined,
      ...extra,
    };
  }

  it('connects with a key from ~/.ssh/config (Include, Host patterns) and runs a command', async () => {
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    const session = await connectSsh(host, options());
    try {
      const result = await execCommand(session.client, 'echo connected');
      assert.equal(result.stdout.toString().trim(), 'connected');
    } finally {
      session.close();
    }
  });

  it('goes through a ProxyJump host, verifying each hop against its own key', async () => {
    const host = await resolveSshHost('lab-gpu-via-bastion', { configFile: sshConfig });
    assert.deepEqual(host.proxyJump, ['lab-bastion']);
    const before = bastion.log().split('direct-tcpip').length;
    const session = await connectSsh(host, options());
    try {
      assert.equal(session.hops.length, 1);
      assert.equal((await execCommand(session.client, 'echo through')).stdout.toString().trim(), 'through');
      // The bastion really forwarded the connection.
      assert.ok(bastion.log().split('direct-tcpip').length > before || /Accepted publickey/.test(bastion.log()), bastion.log());
    } finally {
      session.close();
    }
  });

  it('refuses the whole chain when the jump host key does not match', async () => {
    const wrongKnown = path.join(home, 'known_hosts_wrong_bastion');
    // The bastion's entry holds the target's key: a changed key for the hop.
    const targetKey = (await readFile(target.knownHostsPath, 'utf8')).trim().split(' ').slice(1).join(' ');
    await writeFile(wrongKnown, `[127.0.0.1]:${bastion.port} ${targetKey}\n` + (await readFile(target.knownHostsPath, 'utf8')));
    const host = await resolveSshHost('lab-gpu-via-bastion', { configFile: sshConfig });
    await assert.rejects(connectSsh(host, options({ knownHostsFiles: [wrongKnown] })), (error: unknown) => {
      assert.ok(error instanceof SshConnectError);
      assert.equal(error.failure, 'host-key-refused');
      assert.match(error.message, /CHANGED/);
      assert.match(error.message, new RegExp(bastion.hostKeySha256.replace(/[+/]/g, '\\$&')));
      return true;
    });
  });

  it('asks about an unknown host key, remembers the answer, and refuses when declined', async () => {
    const empty = path.join(home, 'empty_known_hosts');
    await writeFile(empty, '');
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    const trustStore = new TrustStore(path.join(home, 'ask-config'));
    const questions: HostKeyQuestion[] = [];
    const asking = (answer: boolean): Prompter => ({
      confirmHostKey: async (question) => {
        questions.push(question);
        return answer;
      },
      askSecret: async () => null,
    });
    await assert.rejects(connectSsh(host, options({ knownHostsFiles: [empty], trustStore, prompter: asking(false) })), /not made/);
    const session = await connectSsh(host, options({ knownHostsFiles: [empty], trustStore, prompter: asking(true) }));
    session.close();
    assert.equal(questions.length, 2);
    assert.equal(questions[0]?.fingerprint, target.hostKeySha256);
    // Now trusted from Labdesk's own store: no third question.
    const again = await connectSsh(host, options({ knownHostsFiles: [empty], trustStore, prompter: asking(false) }));
    again.close();
    assert.equal(questions.length, 2);
  });

  it('the handshake timeout pauses while the person reads the host key question', async () => {
    const empty = path.join(home, 'empty_known_hosts_slow');
    await writeFile(empty, '');
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    const slowYes: Prompter = {
      confirmHostKey: () => new Promise((resolve) => setTimeout(() => resolve(true), 2500)),
      askSecret: async () => null,
    };
    const session = await connectSsh(host, options({ knownHostsFiles: [empty], trustStore: new TrustStore(path.join(home, 'slow-config')), prompter: slowYes, readyTimeoutMs: 1500 }));
    session.close();
  });

  it('authenticates through a real ssh-agent', async (t) => {
    if (!existsSync('/usr/bin/ssh-agent')) return t.skip('ssh-agent is not installed (openssh-client)');
    const socket = path.join(home, 'agent.sock');
    const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    t.after(() => agent.kill());
    for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await run('ssh-add', [target.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    const session = await connectSsh({ ...host, identityFiles: [] }, options({ agent: socket, identityFiles: [] }));
    try {
      assert.equal((await execCommand(session.client, 'echo agent')).stdout.toString().trim(), 'agent');
    } finally {
      session.close();
    }
  });

  it('asks for the passphrase of an encrypted key once, and the reconnect does not ask again', async () => {
    const encrypted = path.join(home, 'encrypted_key');
    // Same key the server trusts, re-encrypted with a passphrase (ssh-keygen -p rewrites in place).
    await writeFile(encrypted, await readFile(target.clientKeyPath), { mode: 0o600 });
    await run('ssh-keygen', ['-q', '-p', '-N', 'correct horse', '-P', '', '-f', encrypted]);
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    const asked: string[] = [];
    const answers = ['wrong guess', 'correct horse'];
    const prompter: Prompter = {
      confirmHostKey: async () => false,
      askSecret: async (question) => {
        asked.push(`${question.kind}:${question.prompt}`);
        return answers.shift() ?? null;
      },
    };
    const secrets = new SecretCache();
    const first = await connectSsh(host, options({ identityFiles: [encrypted], prompter, secrets }));
    first.close();
    assert.deepEqual(asked, [`passphrase:Passphrase for ${encrypted}`, `passphrase:Passphrase for ${encrypted}`]);
    const second = await connectSsh(host, options({ identityFiles: [encrypted], prompter, secrets }));
    second.close();
    assert.equal(asked.length, 2, 'the cached passphrase is reused');
  });

  it('a closed port is reported as refused, at once', async () => {
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig, port: 1 });
    const started = Date.now();
    await assert.rejects(connectSsh(host, options()), (error: unknown) => error instanceof SshConnectError && error.failure === 'refused' && /refused the connection/.test(error.message));
    assert.ok(Date.now() - started < 5000);
  });

  it('a server that never answers times out with a clear message within the timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig, port });
      const started = Date.now();
      await assert.rejects(connectSsh(host, options({ readyTimeoutMs: 1500 })), (error: unknown) => error instanceof SshConnectError && error.failure === 'timeout' && /Timed out after 2 s/.test(error.message));
      assert.ok(Date.now() - started < 5000);
    } finally {
      silent.close();
    }
  });

  it('a key the server does not know fails authentication, naming what was tried', async () => {
    const host = await resolveSshHost('lab-gpu1', { configFile: sshConfig });
    await assert.rejects(connectSsh(host, options({ identityFiles: [bastion.clientKeyPath] })), (error: unknown) => {
      assert.ok(error instanceof SshConnectError);
      assert.equal(error.failure, 'auth-failed');
      assert.match(error.message, /tried key/);
      return true;
    });
  });
});
