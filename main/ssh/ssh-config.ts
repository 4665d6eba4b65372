import { execFile } from 'node:child_process';
import os from 'node:os';
import { ApiError, fail } from '../common';
import { computeSshConfig, type SshOptionValues } from './ssh-config-fallback';
import { formatJumpHop, type JumpHop, parseProxyJump } from './proxy-jump';
import { expandPath, expandTilde, type TokenContext } from './ssh-tokens';

export { formatJumpHop, parseProxyJump, type JumpHop };

/**
 * Where to connect for an ssh alias, as OpenSSH itself would resolve it from ~/.ssh/config.
 *
 * `ssh -G alias` is asked first: it is the only way to get Include, Match, Host patterns,
 * tokens and defaults exactly right for the user's OpenSSH version (research/sync.md §4; tools
 * that re-implemented ssh_config keep shipping Include bugs). Only when the `ssh` binary is
 * missing does ssh-config-fallback.ts emulate it.
 */

export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new' | 'off';

export interface ResolvedHost {
  /** The name asked for (a Host alias or a plain host name). */
  alias: string;
  /** HostName after %h expansion, lowercased (as ssh does). */
  hostname: string;
  port: number;
  user: string;
  /** Absolute paths (`~`, %tokens and ${VARS} expanded); the OpenSSH defaults when none is set. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Hops in order, each "[user@]host[:port]"; [] for none. */
  proxyJump: string[];
  /** ProxyCommand, when the config uses one instead of ProxyJump (null otherwise). */
  proxyCommand: string | null;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** "no" and "off" mean the same to OpenSSH; both are reported as 'no'. */
  strictHostKeyChecking: StrictHostKeyChecking;
  /** Lowercased; when set, known_hosts entries are looked up under this name (without port). */
  hostKeyAlias: string | null;
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Seconds, or null when unset (ssh then uses the TCP timeout). */
  connectTimeout: number | null;
  source: 'ssh -G' | 'ssh-config';
}

export interface ResolveSshHostOptions {
  /** Like `ssh -F file`: only this file is read (not ~/.ssh/config nor /etc/ssh/ssh_config). */
  configFile?: string;
  /** The ssh client to ask; default "ssh" on PATH. A missing binary selects the fallback. */
  sshBinary?: string;
  /** Environment for ssh and for `${VAR}` in paths; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Like `ssh -l user` / `ssh -p port`: win over User/Port in the config (jump hops use these). */
  user?: string;
  port?: number;
  /**
   * The home folder for `~` and %d, and for the fallback's ~/.ssh. Default: the account's home
   * (what ssh uses: the passwd entry, not $HOME). ssh -G itself always uses the account's home for
   * the paths it expands (UserKnownHostsFile), so set this only with the fallback (tests).
   */
  homeDir?: string;
}

const SSH_G_TIMEOUT_MS = 10_000;
// Keys whose ssh -G line holds several space-separated paths (IdentityFile gets one line each).
const LIST_KEYS = new Set(['userknownhostsfile', 'globalknownhostsfile']);

export async function resolveSshHost(alias: string, options: ResolveSshHostOptions = {}): Promise<ResolvedHost> {
  checkAlias(alias);
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1 && options.port <= 65535)) {
    fail('bad-argument', `${options.port} is not a port number (1-65535).`, 'port');
  }
  const env = options.env ?? process.env;
  const local = localAccount(env);
  const homeDir = options.homeDir ?? local.homeDir;
  let values = await runSshG(alias, options, env);
  let source: ResolvedHost['source'] = 'ssh -G';
  if (values === null) {
    source = 'ssh-config';
    values = await computeSshConfig(alias, {
      ...(options.configFile !== undefined && { configFile: options.configFile }),
      ...(options.user !== undefined && { user: options.user }),
      ...(options.port !== undefined && { port: options.port }),
      homeDir,
      localUser: local.user,
      localHostname: os.hostname(),
      uid: local.uid,
      env,
      platform: process.platform,
    });
  }
  return toResolvedHost(alias, values, source, { homeDir, localUser: local.user, uid: local.uid, env });
}

/**
 * A ProxyJump hop ("user@bastion:2200"): its host goes through ssh config like any alias (so a
 * hop can be an alias with its own User, Port, IdentityFile), and the user and port written in
 * the hop win, as they do for `ssh -J`.
 */
export async function resolveJumpHop(hop: string | JumpHop, options: Omit<ResolveSshHostOptions, 'user' | 'port'> = {}): Promise<ResolvedHost> {
  let parsed: JumpHop;
  if (typeof hop === 'string') {
    const hops = parseProxyJump(hop);
    if (hops.length !== 1 || !hops[0]) fail('bad-argument', `"${hop}" is not a single jump host.`, 'proxyJump');
    parsed = hops[0];
  } else {
    parsed = hop;
  }
  return resolveSshHost(parsed.host, {
    ...options,
    ...(parsed.user !== undefined && { user: parsed.user }),
    ...(parsed.port !== undefined && { port: parsed.port }),
  });
}

// An alias starting with "-" would be read by ssh as an option, and "@" or "/" make ssh parse a
// user or URI out of it; none of these are Host names, so refuse them before running anything.
function checkAlias(alias: string): void {
  const hasControl = [...alias].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
  if (alias === '' || alias.startsWith('-') || hasControl || /[\s@/\\]/.test(alias)) {
    fail('bad-argument', `"${alias}" is not a host name or ssh config alias.`, 'alias');
  }
}

/** The parsed `ssh -G` output, or null when there is no ssh binary to ask. */
async function runSshG(alias: string, options: ResolveSshHostOptions, env: NodeJS.ProcessEnv): Promise<SshOptionValues | null> {
  const args = [
    '-G',
    ...(options.configFile !== undefined ? ['-F', options.configFile] : []),
    ...(options.user !== undefined ? ['-l', options.user] : []),
    ...(options.port !== undefined ? ['-p', String(options.port)] : []),
    '--',
    alias,
  ];
  const binary = options.sshBinary ?? 'ssh';
  return new Promise((resolve, reject) => {
    execFile(binary, args, { env, timeout: SSH_G_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve(parseSshGOutput(stdout));
        return;
      }
      // No ssh at all, or one too old (< 6.8) or not OpenSSH, so without -G: emulate it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || /(illegal|unknown|invalid) option.*\bG\b/i.test(stderr)) {
        resolve(null);
        return;
      }
      if (error.killed) {
        reject(apiError('internal', `Reading the SSH settings for "${alias}" took more than ${SSH_G_TIMEOUT_MS / 1000} s (\`${binary} -G\` did not finish; a Match exec command may hang).`));
        return;
      }
      // stderr carries ssh's own message, e.g. "config line 6: keyword identityfile extra arguments at end of line".
      const message = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^Pseudo-terminal will not be allocated/.test(line)).join(' ');
      reject(apiError('bad-argument', `The SSH settings for "${alias}" could not be read: ssh says "${message || error.message}".`, 'alias'));
    });
  });
}

function apiError(code: 'internal' | 'bad-argument', message: string, argument?: string): ApiError {
  return new ApiError(argument === undefined ? { code, message } : { code, message, argument });
}

/** `ssh -G` prints one "key value" line per option, keys lowercase; repeated keys accumulate. */
export function parseSshGOutput(text: string): SshOptionValues {
  const values: SshOptionValues = new Map();
  for (const line of text.split(/\r?\n/)) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space).toLowerCase();
    const value = line.slice(space + 1).trim();
    const list = values.get(key) ?? [];
    list.push(...(LIST_KEYS.has(key) ? splitPathList(value) : [value]));
    values.set(key, list);
  }
  return values;
}

/**
 * ssh -G joins a list of paths with single spaces and no quoting, so "/home/Jo Smith/.ssh/kh"
 * can't be told apart from two paths. Splitting only where the next word starts like a path
 * (/, ~, \, a drive letter, %token, $var) keeps spaces inside the usual absolute paths intact,
 * notably Windows homes such as "C:\Users\Jo Smith".
 */
export function splitPathList(value: string): string[] {
  const paths: string[] = [];
  for (const word of value.split(' ')) {
    const last = paths.length - 1;
    if (last >= 0 && !/^([/~\\%$]|[A-Za-z]:)/.test(word)) paths[last] += ` ${word}`;
    else if (word !== '') paths.push(word);
  }
  return paths;
}

interface LocalContext {
  homeDir: string;
  localUser: string;
  uid: number | null;
  env: NodeJS.ProcessEnv;
}

function toResolvedHost(alias: string, values: SshOptionValues, source: ResolvedHost['source'], local: LocalContext): ResolvedHost {
  const one = (key: string): string | undefined => values.get(key)?.[0];
  const notNone = (value: string) => value.toLowerCase() !== 'none';
  const hostname = one('hostname') ?? alias.toLowerCase();
  const port = integer(one('port') ?? '22', 'Port', alias);
  const user = one('user') ?? local.localUser;
  const hostKeyAlias = one('hostkeyalias') ?? null;
  const context: TokenContext = {
    homeDir: local.homeDir,
    localUser: local.localUser,
    localHostname: os.hostname(),
    uid: local.uid,
    alias,
    hostname,
    port,
    remoteUser: user,
    hostKeyAlias,
    env: local.env,
  };
  const proxyCommand = one('proxycommand');
  const connectTimeout = one('connecttimeout');
  return {
    alias,
    hostname,
    port,
    user,
    identityFiles: (values.get('identityfile') ?? []).filter(notNone).map((file) => expandPath(file, context)),
    identitiesOnly: isYes(one('identitiesonly')),
    proxyJump: parseProxyJump(one('proxyjump') ?? 'none').map(formatJumpHop),
    proxyCommand: proxyCommand !== undefined && notNone(proxyCommand) ? proxyCommand : null,
    // ssh -G expands UserKnownHostsFile but prints GlobalKnownHostsFile as written.
    userKnownHostsFiles: (values.get('userknownhostsfile') ?? []).filter(notNone).map((file) => expandTilde(file, local.homeDir)),
    globalKnownHostsFiles: (values.get('globalknownhostsfile') ?? []).filter(notNone).map((file) => expandTilde(file, local.homeDir)),
    strictHostKeyChecking: strictness(one('stricthostkeychecking') ?? 'ask', alias),
    hostKeyAlias,
    serverAliveInterval: integer(one('serveraliveinterval') ?? '0', 'ServerAliveInterval', alias),
    serverAliveCountMax: integer(one('serveralivecountmax') ?? '3', 'ServerAliveCountMax', alias),
    connectTimeout: connectTimeout === undefined || !notNone(connectTimeout) ? null : integer(connectTimeout, 'ConnectTimeout', alias),
    source,
  };
}

function isYes(value: string | undefined): boolean {
  return value === 'yes' || value === 'true';
}

// ssh -G prints the first name of each state in its table: "true" for yes, "false" for no/off.
function strictness(value: string, alias: string): StrictHostKeyChecking {
  switch (value.toLowerCase()) {
    case 'yes':
    case 'true':
      return 'yes';
    case 'no':
    case 'false':
    case 'off':
      return 'no';
    case 'ask':
      return 'ask';
    case 'accept-new':
      return 'accept-new';
    default:
      fail('bad-argument', `Invalid StrictHostKeyChecking "${value}" in the SSH config for "${alias}".`, 'alias');
  }
}

function integer(value: string, keyword: string, alias: string): number {
  if (!/^\d+$/.test(value)) fail('bad-argument', `Invalid ${keyword} "${value}" in the SSH config for "${alias}".`, 'alias');
  return Number(value);
}

function localAccount(env: NodeJS.ProcessEnv): { user: string; homeDir: string; uid: number | null } {
  const uid = process.getuid?.() ?? null;
  try {
    const info = os.userInfo();
    return { user: info.username, homeDir: info.homedir, uid };
  } catch {
    // os.userInfo() throws when the account has no passwd entry (some containers).
    return { user: env.USER ?? env.USERNAME ?? '', homeDir: os.homedir(), uid };
  }
}
