// Password and keyboard-interactive logins against a real OpenSSH server: sshd checking
// /etc/shadow itself (PasswordAuthentication, UsePAM no) and sshd asking through PAM
// (keyboard-interactive, UsePAM yes). The account is a throwaway system user with a known
// password, so these tests need root (CI runs them as root) and say so when skipped.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { LabdeskEvents } from '../../preload/api';
import { Session } from '../../main/api/session';
import { MAX_PASSWORD_TRIES } from '../../main/ssh/auth-handler';
import { connectSsh, type ConnectOptions } from '../../main/ssh/connect';
import type { Prompter, SecretQuestion } from '../../main/ssh/prompter';
import { execCommand } from '../../main/ssh/remote-exec';
import { SecretCache } from '../../main/ssh/secret-cache';
import { resolveJumpHop, resolveSshHost } from '../../main/ssh/ssh-config';
import { SshConnectError } from '../../main/ssh/ssh-errors';
import { TrustStore } from '../../main/ssh/trust-store';
import { moveToTrashWithNode } from '../../main/workspace/node-trash';
import { ensurePasswordUser, startSshd, type SshdServer } from '../fixtures/sshd';

// Fresh every run, long and unusual, so finding it in a file can only mean Labdesk wrote it.
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const READY_TIMEOUT_MS = 10_000;

/** A prompter that answers from a list (null = cancel) and records every question. */
function scripted(answers: (string | null)[]): Prompter & { asked: SecretQuestion[] } {
  const asked: SecretQuestion[] = [];
  return {
    asked,
    confirmHostKey: async () => false,
    askSecret: async (question) => {
      asked.push(question);
      return answers.length > 0 ? (answers.shift() as string | null) : null;
    },
  };
}

describe('password and keyboard-interactive authentication against a real sshd', () => {
  let skip: string | null = null;
  let username = '';
  let passwordServer: SshdServer;
  let pamServer: SshdServer;
  let home: string;
  let sshConfig: string;
  let knownHosts: string;

  before(async () => {
    const account = await ensurePasswordUser(PASSWORD);
    if (account.skip !== undefined) {
      skip = account.skip;
      return;
    }
    username = account.username;
    [passwordServer, pamServer] = await Promise.all([startSshd({ auth: 'password' }), startSshd({ auth: 'keyboard-interactive' })]);
    home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-password-'));
    sshConfig = path.join(home, 'ssh_config');
    await writeFile(sshConfig, '');
    knownHosts = path.join(home, 'known_hosts');
    await writeFile(knownHosts, (await readFile(passwordServer.knownHostsPath, 'utf8')) + (await readFile(pamServer.knownHostsPath, 'utf8')));
  });

  after(async () => {
    await Promise.all([passwordServer?.stop(), pamServer?.stop()]);
    if (home) await rm(home, { recursive: true, force: true });
  });

  const skipped = (t: TestContext) => {
    if (skip === null) return false;
    t.skip(skip);
    return true;
  };

  const hostOf = (server: SshdServer) => resolveSshHost('127.0.0.1', { configFile: sshConfig, user: username, port: server.port });

  function options(prompter: Prompter, extra: Partial<ConnectOptions> = {}): ConnectOptions {
    return {
      prompter,
      trustStore: new TrustStore(path.join(home, 'labdesk-config')),
      secrets: new SecretCache(),
      knownHostsFiles: [knownHosts],
      // No keys and no agent: only the password can get in.
      identityFiles: [],
      agent: undefined,
      readyTimeoutMs: READY_TIMEOUT_MS,
      resolveHop: (hop) => resolveJumpHop(hop, { configFile: sshConfig }),
      ...extra,
    };
  }

  async function whoami(server: SshdServer, connectOptions: ConnectOptions): Promise<string> {
    const session = await connectSsh(await hostOf(server), connectOptions).catch((error: Error) => {
      throw new Error(`${error.message}\n--- sshd log ---\n${server.log()}`);
    });
    try {
      return (await execCommand(session.client, 'id -un')).stdout.toString().trim();
    } finally {
      session.close();
    }
  }

  /** Connecting must fail with an auth error naming user@host, within the handshake timeout. */
  async function rejectsAuth(server: SshdServer, connectOptions: ConnectOptions, message: RegExp): Promise<SshConnectError> {
    const started = Date.now();
    let caught: unknown;
    await connectSsh(await hostOf(server), connectOptions).then(
      (session) => {
        session.close();
        assert.fail('connected with a wrong or missing password');
      },
      (error: unknown) => (caught = error),
    );
    assert.ok(caught instanceof SshConnectError, String(caught));
    assert.ok(caught.failure === 'auth-failed' || caught.failure === 'cancelled', caught.message);
    assert.match(caught.message, new RegExp(`${username}@127\\.0\\.0\\.1:${server.port}`));
    assert.match(caught.message, message);
    assert.ok(Date.now() - started < READY_TIMEOUT_MS, `took ${Date.now() - started} ms`);
    return caught;
  }

  describe('PasswordAuthentication (sshd checks /etc/shadow)', () => {
    it('the right password connects, is asked once, and a reconnect reuses it from memory', async (t) => {
      if (skipped(t)) return;
      const prompter = scripted([PASSWORD]);
      const secrets = new SecretCache();
      assert.equal(await whoami(passwordServer, options(prompter, { secrets })), username);
      assert.deepEqual(prompter.asked, [{ kind: 'password', host: '127.0.0.1', user: username, prompt: `Password for ${username}@127.0.0.1` }]);
      assert.equal(await whoami(passwordServer, options(prompter, { secrets })), username);
      assert.equal(prompter.asked.length, 1, 'the reconnect did not ask again');
      assert.match(passwordServer.log(), new RegExp(`Accepted password for ${username}`));
    });

    it(`a wrong password is asked again, ${MAX_PASSWORD_TRIES} times in all, then fails clearly within the timeout`, async (t) => {
      if (skipped(t)) return;
      const prompter = scripted(['wrong-1', 'wrong-2', 'wrong-3', 'never asked']);
      const secrets = new SecretCache();
      const error = await rejectsAuth(passwordServer, options(prompter, { secrets }), /Authentication to .* failed \(tried password\)/);
      assert.equal(prompter.asked.length, MAX_PASSWORD_TRIES, 'bounded: no fourth question');
      assert.equal(error.failure, 'auth-failed');
      assert.ok(prompter.asked.every((question) => question.kind === 'password'));
      assert.doesNotMatch(error.message, /wrong-/, 'the typed password is not in the message');
      assert.equal(secrets.get(`password:${username}@127.0.0.1`), undefined, 'a refused password is not kept');
    });

    it('a typo, then the right password, connects', async (t) => {
      if (skipped(t)) return;
      const prompter = scripted(['typo', PASSWORD]);
      assert.equal(await whoami(passwordServer, options(prompter)), username);
      assert.equal(prompter.asked.length, 2);
    });

    it('a remembered password the server now refuses is forgotten and asked for', async (t) => {
      if (skipped(t)) return;
      const secrets = new SecretCache();
      secrets.set(`password:${username}@127.0.0.1`, 'changed since');
      const prompter = scripted([PASSWORD]);
      assert.equal(await whoami(passwordServer, options(prompter, { secrets })), username);
      assert.equal(prompter.asked.length, 1);
    });

    it('cancelling the password prompt stops at once, with a message that says so', async (t) => {
      if (skipped(t)) return;
      const prompter = scripted([null, PASSWORD]);
      const error = await rejectsAuth(passwordServer, options(prompter), /you cancelled the password prompt/);
      assert.equal(prompter.asked.length, 1, 'nothing else is asked after a cancel');
      assert.equal(error.failure, 'cancelled', 'reported as cancelled (and not retried by the reconnecting connection)');
    });
  });

  describe('keyboard-interactive through PAM', () => {
    it("shows the server's own prompt, and the answer logs in", async (t) => {
      if (skipped(t)) return;
      const prompter = scripted([PASSWORD]);
      const secrets = new SecretCache();
      assert.equal(await whoami(pamServer, options(prompter, { secrets })), username);
      assert.equal(prompter.asked.length, 1);
      const [question] = prompter.asked;
      assert.equal(question?.kind, 'keyboard-interactive');
      assert.equal(question?.user, username);
      assert.match(question?.prompt ?? '', /^Password: ?$/, "PAM's own prompt text, as the server sent it");
      assert.equal(question?.echo, false, 'a password is typed hidden');
      assert.match(pamServer.log(), new RegExp(`Accepted keyboard-interactive/pam for ${username}`));
      // A lone "Password:" answer is the account password: a reconnect does not ask again.
      assert.equal(await whoami(pamServer, options(prompter, { secrets })), username);
      assert.equal(prompter.asked.length, 1);
    });

    it(`wrong answers are asked again, ${MAX_PASSWORD_TRIES} times in all, then fail clearly`, async (t) => {
      if (skipped(t)) return;
      const prompter = scripted(['wrong-1', 'wrong-2', 'wrong-3', 'never asked']);
      await rejectsAuth(pamServer, options(prompter), /tried keyboard-interactive/);
      assert.equal(prompter.asked.length, MAX_PASSWORD_TRIES);
      assert.ok(prompter.asked.every((question) => question.kind === 'keyboard-interactive'));
    });

    it('cancelling the prompt ends with a message that says so, and nothing else is asked', async (t) => {
      if (skipped(t)) return;
      const prompter = scripted([null, PASSWORD]);
      const error = await rejectsAuth(pamServer, options(prompter), /you cancelled the keyboard-interactive prompt/);
      assert.equal(prompter.asked.length, 1);
      assert.equal(error.failure, 'cancelled');
    });
  });

  describe('no question for a server that cannot be reached', () => {
    it('a server that never answers times out with a clear message, and no password is asked', async (t) => {
      if (skipped(t)) return;
      const silent = net.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const prompter = scripted([PASSWORD]);
        const host = await resolveSshHost('127.0.0.1', { configFile: sshConfig, user: username, port });
        const started = Date.now();
        await assert.rejects(connectSsh(host, options(prompter, { readyTimeoutMs: 1500 })), (error: unknown) => {
          assert.ok(error instanceof SshConnectError);
          assert.equal(error.failure, 'timeout');
          assert.match(error.message, new RegExp(`Timed out after 2 s connecting to ${username}@127\\.0\\.0\\.1:${port}`));
          return true;
        });
        assert.ok(Date.now() - started < 5_000);
        assert.deepEqual(prompter.asked, []);
      } finally {
        silent.close();
      }
    });

    it('a closed port is refused at once, and no password is asked', async (t) => {
      if (skipped(t)) return;
      const prompter = scripted([PASSWORD]);
      const host = await resolveSshHost('127.0.0.1', { configFile: sshConfig, user: username, port: 1 });
      const started = Date.now();
      await assert.rejects(connectSsh(host, options(prompter)), (error: unknown) => error instanceof SshConnectError && error.failure === 'refused' && /refused the connection/.test(error.message));
      assert.ok(Date.now() - started < 5_000);
      assert.deepEqual(prompter.asked, []);
    });
  });

  describe('the typed secret stays in memory', () => {
    it('after activating a password target in a window, no file Labdesk wrote contains the password', async (t) => {
      if (skipped(t)) return;
      const configDir = path.join(home, 'window-config');
      const project = path.join(home, 'project');
      await writeSampleFiles(project);
      const savedConfig = process.env.LABDESK_SSH_CONFIG;
      process.env.LABDESK_SSH_CONFIG = sshConfig;
      // An unknown host key too, so the trust store is written to the config dir.
      const session = new Session({ host: 'web', version: 'test', configDir, moveToTrash: moveToTrashWithNode, knownHostsFiles: [path.join(home, 'empty_known_hosts')] });
      await writeFile(path.join(home, 'empty_known_hosts'), '');
      const asked: string[] = [];
      session.events.subscribe((event, payload) => {
        if (event !== 'prompt') return;
        const prompt = payload as LabdeskEvents['prompt'];
        asked.push(prompt.kind === 'secret' ? `secret:${prompt.secretKind}` : prompt.kind);
        setImmediate(() => session.prompts.answer(prompt.id, prompt.kind === 'host-key' ? true : PASSWORD));
      });
      try {
        await session.openWorkspace(project);
        await session.sync.saveTarget({ name: 'pw', host: '127.0.0.1', port: passwordServer.port, user: username, remoteRoot: `/tmp/labdesk-pw-remote-${randomBytes(4).toString('hex')}` });
        const status = await session.sync.activate('pw');
        assert.equal(status.connection, 'connected', `${JSON.stringify(status)}\n${passwordServer.log()}`);
        assert.deepEqual(asked, ['host-key', 'secret:password']);
        await session.writeFile('train.py', 'print("saved while connected")\n');
        await session.sync.activate(null);
        await session.sync.activate('pw'); // re-activation uses the password kept in memory
        assert.deepEqual(asked, ['host-key', 'secret:password']);
      } finally {
        await session.close();
        if (savedConfig === undefined) delete process.env.LABDESK_SSH_CONFIG;
        else process.env.LABDESK_SSH_CONFIG = savedConfig;
      }
      const written = [...(await filesUnder(configDir)), ...(await filesUnder(path.join(project, '.labdesk')))];
      assert.ok(written.some((file) => file.endsWith('settings.json')), `settings written: ${written.join(', ')}`);
      assert.ok(written.some((file) => path.basename(file) === 'known_hosts'), `trusted host key written: ${written.join(', ')}`);
      for (const file of written) {
        const bytes = await readFile(file);
        assert.equal(bytes.includes(PASSWORD), false, `${file} contains the password`);
        assert.equal(bytes.includes(Buffer.from(PASSWORD).toString('base64')), false, `${file} contains the password in base64`);
      }
    });
  });
});

async function writeSampleFiles(project: string): Promise<void> {
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, 'train.py'), 'print("train")\n');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
