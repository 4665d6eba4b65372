import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { createAuthHandler } from './auth-handler';
import { checkHostKey, describeVerdict, type HostKeyVerdict } from './host-key-check';
import type { Prompter } from './prompter';
import type { SecretCache } from './secret-cache';
import { type ResolvedHost } from './ssh-config';
import { SshConnectError, describeConnectError } from './ssh-errors';
import type { TrustStore } from './trust-store';

export interface ConnectOptions {
  readonly prompter: Prompter;
  readonly trustStore: TrustStore;
  readonly secrets: SecretCache;
  /** Replaces the known_hosts files from ssh config (the CLI's --known-hosts). */
  readonly knownHostsFiles?: readonly string[];
  /** Replaces the identity files from ssh config (a target's identityFile, the CLI's --identity). */
  readonly identityFiles?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Resolves a ProxyJump hop name through ssh config, like the final host. */
  readonly resolveHop: (hop: string) => Promise<ResolvedHost>;
  readonly agent?: string | undefined;
}

export interface SshSession {
  /** The connection to the target itself. */
  readonly client: Client;
  /** Connections to each ProxyJump hop, in order; closed together with the client. */
  readonly hops: readonly Client[];
  close(): void;
}

const DEFAULT_READY_TIMEOUT_MS = 15_000;
const DEFAULT_KEEPALIVE_MS = 15_000;

/**
 * Opens an SSH connection the way OpenSSH would for `ssh <alias>`: through every ProxyJump hop
 * (each verified against its own host key), with the host key checked against known_hosts and
 * Labdesk's trust store before any secret is sent, and agent → keys → 2FA → password.
 */
export async function connectSsh(host: ResolvedHost, options: ConnectOptions): Promise<SshSession> {
  if (host.proxyCommand !== null && host.proxyJump.length === 0) {
    throw new SshConnectError('proxy-failed', `${host.alias} uses ProxyCommand, which Labdesk does not run yet. Use ProxyJump in ~/.ssh/config for this host.`);
  }
  const hops: Client[] = [];
  let sock: Duplex | undefined;
  try {
    for (const hopName of host.proxyJump) {
      const hop = await options.resolveHop(hopName);
      // Identity overrides are for the target; each hop uses its own ssh config.
      const client = await connectOne(hop, sock, { ...options, identityFiles: undefined }, `jump host ${hopName}`);
      hops.push(client);
      sock = await forward(client, host.hostname, host.port, `${hopName} → ${host.hostname}:${host.port}`);
    }
    const client = await connectOne(host, sock, options, host.alias);
    return {
      client,
      hops,
      close() {
        client.end();
        for (const hop of [...hops].reverse()) hop.end();
      },
    };
  } catch (error) {
    for (const hop of hops.reverse()) hop.end();
    throw error;
  }
}

function connectOne(host: ResolvedHost, sock: Duplex | undefined, options: Omit<ConnectOptions, 'identityFiles'> & { identityFiles?: readonly string[] | undefined }, label: string): Promise<Client> {
  const where = `${label === host.hostname ? '' : `${label} (`}${host.user}@${host.hostname}:${host.port}${label === host.hostname ? '' : ')'}`;
  const timeoutMs = host.connectTimeout !== null ? host.connectTimeout * 1000 : (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  const knownHostsFiles = options.knownHostsFiles ?? [...host.userKnownHostsFiles, ...host.globalKnownHostsFiles];
  // With HostKeyAlias, OpenSSH looks the alias up alone (no [name]:port); checkHostKey knows that.
  const keyName = host.hostKeyAlias ?? host.hostname;
  // ssh2's readyTimeout would keep running while a person reads a host key or types a password;
  // our own handshake timer pauses for as long as a question is open.
  const timer = new PausableTimer(timeoutMs);
  const prompter = pausingPrompter(options.prompter, timer);
  const auth = createAuthHandler({
    host: host.hostname,
    user: host.user,
    agent: options.agent,
    identityFiles: options.identityFiles ?? host.identityFiles,
    prompter,
    secrets: options.secrets,
  });
  let refusal: SshConnectError | null = null;

  const hostVerifier = (key: Buffer, verify: (valid: boolean) => void) => {
    void decideHostKey(key).then(verify, (error: unknown) => {
      refusal = new SshConnectError('host-key-refused', `Could not check the host key of ${where}: ${String(error)}`);
      verify(false);
    });
  };

  async function decideHostKey(key: Buffer): Promise<boolean> {
    const verdict: HostKeyVerdict = await checkHostKey({
      host: host.hostname,
      port: host.port,
      hostKeyAlias: host.hostKeyAlias,
      keyBlob: key,
      knownHostsFiles: [...knownHostsFiles],
      trustStore: options.trustStore,
    });
    if (verdict.status === 'trusted') return true;
    if (verdict.status === 'unknown') {
      const autoAccept = host.strictHostKeyChecking === 'accept-new' || host.strictHostKeyChecking === 'no' || host.strictHostKeyChecking === 'off';
      const accepted = autoAccept || (await prompter.confirmHostKey({ host: keyName, port: host.port, keyType: verdict.keyType, fingerprint: verdict.fingerprint }));
      if (accepted) {
        await options.trustStore.trust(host.hostname, host.port, key, host.hostKeyAlias ?? undefined);
        return true;
      }
      refusal = new SshConnectError('host-key-refused', `${describeVerdict(verdict, host.hostname, host.port, host.alias)} The connection was not made.`);
      return false;
    }
    refusal = new SshConnectError('host-key-refused', describeVerdict(verdict, host.hostname, host.port, host.alias));
    return false;
  }

  const config: ConnectConfig = {
    host: host.hostname,
    port: host.port,
    username: host.user,
    readyTimeout: 0, // replaced by `timer` above
    keepaliveInterval: host.serverAliveInterval > 0 ? host.serverAliveInterval * 1000 : DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: host.serverAliveCountMax > 0 ? host.serverAliveCountMax : 3,
    hostVerifier,
    authHandler: auth.handler,
    ...(sock !== undefined && { sock }),
  };

  return new Promise((resolve, reject) => {
    const client = new Client();
    const onClose = () => fail(new Error('connection closed during the handshake'));
    const fail = (error: unknown) => {
      timer.stop();
      client.removeAllListeners('ready');
      client.removeListener('close', onClose);
      // ssh2 may emit more errors while tearing down (e.g. "Connection lost before handshake").
      client.on('error', () => undefined);
      // destroy, not end: a server that never answered would keep a polite close waiting forever.
      client.destroy();
      // A person who cancelled the password question gets "cancelled", not "authentication failed".
      const cancelledByPerson = auth.cancelled && (error as { level?: string } | null)?.level === 'client-authentication';
      reject(refusal ?? (cancelledByPerson ? new SshConnectError('cancelled', `Connecting to ${where} was cancelled: ${auth.tried.at(-1) ?? 'you cancelled the prompt'}.`) : describeConnectError(error, where, auth.tried, timeoutMs)));
    };
    timer.start(() => {
      const error = new Error('Timed out while waiting for handshake') as Error & { level: string };
      error.level = 'client-timeout';
      fail(error);
    });
    client.once('ready', () => {
      timer.stop();
      client.removeListener('error', fail);
      client.removeListener('close', onClose);
      // Later errors (a dropped link) are the owner's to handle; without a listener they would crash.
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', fail);
    client.once('close', onClose);
    client.connect(config);
    // From the first byte: Nagle + delayed ACK holds back each small packet until the previous
    // one is acknowledged, so every step of the handshake and of authentication (and later every
    // small SFTP request) would wait for the peer's delayed ACK (research/sync.md §3). ssh2 has
    // created its socket by now; node applies the option once the socket connects.
    client.setNoDelay(true);
  });
}

/** A one-shot timeout that can be paused (while a prompt is open) and resumed with the time left. */
class PausableTimer {
  private handle: NodeJS.Timeout | null = null;
  private remaining: number;
  private startedAt = 0;
  private onTimeout: (() => void) | null = null;
  private pauses = 0;

  constructor(timeoutMs: number) {
    this.remaining = timeoutMs;
  }

  start(onTimeout: () => void): void {
    this.onTimeout = onTimeout;
    this.resume();
  }

  pause(): void {
    this.pauses += 1;
    if (this.handle === null) return;
    clearTimeout(this.handle);
    this.handle = null;
    this.remaining -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.pauses > 0) this.pauses -= 1;
    if (this.pauses > 0 || this.handle !== null || this.onTimeout === null) return;
    this.startedAt = Date.now();
    this.handle = setTimeout(() => this.onTimeout?.(), Math.max(0, this.remaining));
  }

  stop(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.onTimeout = null;
  }
}

function pausingPrompter(prompter: Prompter, timer: PausableTimer): Prompter {
  const paused = async <T>(question: () => Promise<T>): Promise<T> => {
    timer.pause();
    try {
      return await question();
    } finally {
      timer.resume();
    }
  };
  return {
    confirmHostKey: (question) => paused(() => prompter.confirmHostKey(question)),
    askSecret: (question) => paused(() => prompter.askSecret(question)),
  };
}

function forward(client: Client, host: string, port: number, label: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
      if (error) reject(new SshConnectError('proxy-failed', `The jump host could not reach ${label}: ${error.message}`));
      else resolve(stream);
    });
  });
}
