import path from 'node:path';
import { expandHome } from '../common';
import { type ConnectOptions, connectSsh, type SshSession } from './connect';
import type { Prompter } from './prompter';
import type { SecretCache } from './secret-cache';
import { type ResolvedHost, resolveJumpHop, resolveSshHost } from './ssh-config';
import { TrustStore } from './trust-store';

/** Where a target lives, as project.json or an ssh:// address names it. */
export interface TargetAddress {
  /** A Host alias from ssh config or a plain host name. */
  readonly host: string;
  readonly user?: string | undefined;
  readonly port?: number | undefined;
  readonly identityFile?: string | undefined;
}

export interface TargetConnectionSettings {
  readonly prompter: Prompter;
  /** Labdesk's config folder: its trust store of host keys accepted here. */
  readonly configDir: string;
  /** Typed passwords and passphrases, shared by reconnects so nothing is asked twice. */
  readonly secrets: SecretCache;
  /** Replaces ~/.ssh/config (default: LABDESK_SSH_CONFIG, which tests use to stay independent of the machine). */
  readonly sshConfigFile?: string | undefined;
  /** Replace the known_hosts files from ssh config. */
  readonly knownHostsFiles?: readonly string[] | undefined;
  /** Replaces the target's identity file (the CLI's --identity). */
  readonly identityFile?: string | undefined;
}

export interface TargetConnection {
  readonly host: ResolvedHost;
  /** `user@hostname:port`, the name a server has in messages and in the sync state. */
  readonly hostLabel: string;
  readonly options: ConnectOptions;
  /** A new connection each call (the first one, and every reconnect). */
  connect(): Promise<SshSession>;
}

/**
 * The one way a target becomes ssh connect options, for the window and the CLI alike: ssh
 * config applied to the host (user and port from the target win), the identity and known_hosts
 * overrides, ProxyJump hops resolved through the same config, and the agent from the environment.
 */
export async function targetConnection(target: TargetAddress, settings: TargetConnectionSettings): Promise<TargetConnection> {
  const configFile = settings.sshConfigFile ?? (process.env.LABDESK_SSH_CONFIG || undefined);
  const host = await resolveSshHost(target.host, {
    ...(configFile && { configFile }),
    ...(target.user !== undefined && { user: target.user }),
    ...(target.port !== undefined && { port: target.port }),
  });
  const identity = settings.identityFile ?? target.identityFile;
  const options: ConnectOptions = {
    prompter: settings.prompter,
    trustStore: new TrustStore(settings.configDir),
    secrets: settings.secrets,
    ...(settings.knownHostsFiles !== undefined && { knownHostsFiles: settings.knownHostsFiles.map((file) => path.resolve(expandHome(file))) }),
    ...(identity !== undefined && { identityFiles: [expandHome(identity)] }),
    resolveHop: (hop: string) => resolveJumpHop(hop, configFile ? { configFile } : {}),
    agent: process.env.SSH_AUTH_SOCK,
  };
  return { host, hostLabel: `${host.user}@${host.hostname}:${host.port}`, options, connect: () => connectSsh(host, options) };
}
