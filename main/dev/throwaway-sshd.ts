// A throwaway OpenSSH server on 127.0.0.1: the system's sshd, run as the current user on a free
// port with its own host key, client key and authorized_keys, no PAM, no system config. The
// tests' fixture (tests/fixtures/sshd.ts) and `labdesk demo` both start it; nothing here is for
// production connections.
//
//   const server = await startThrowawaySshd();
//   … connect to server.host:server.port as server.username with server.clientKeyPath …
//   await server.stop();

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findSshd, sshdMissingMessage } from './sshd-binary';

const execFileAsync = promisify(execFile);

export const SSHD_HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;
const PORT_ATTEMPTS = 5;
const PROBE_INTERVAL_MS = 25;

/**
 * How clients may log in besides the generated key:
 * - `publickey`: keys only (the default; works as any user).
 * - `password`: PasswordAuthentication with `UsePAM no`, so sshd checks /etc/shadow itself
 *   (needs root: only root can read /etc/shadow).
 * - `keyboard-interactive`: PAM's prompts (`UsePAM yes`, the system's /etc/pam.d/sshd; needs root).
 */
export type SshdAuthMode = 'publickey' | 'password' | 'keyboard-interactive';

export interface ThrowawaySshdOptions {
  /** Lines appended to sshd_config (later lines can't override earlier ones: sshd keeps the first). */
  readonly extraConfig?: readonly string[];
  /** How long to wait for the server to answer with its SSH banner. */
  readonly startTimeoutMs?: number;
  /** Folder for keys, config and pid file (created if needed); default: a new temp folder. `stop()` removes it either way. */
  readonly dir?: string;
  readonly auth?: SshdAuthMode;
  /** The sshd binary; default: findSshd() (LABDESK_SSHD, /usr/sbin/sshd, PATH). */
  readonly sshdPath?: string;
  /** Comment of the generated keys ("<label>-host", "<label>-client"), to recognise them later. */
  readonly keyLabel?: string;
}

export interface ThrowawaySshd {
  readonly host: typeof SSHD_HOST;
  readonly port: number;
  readonly username: string;
  readonly clientKeyPath: string;
  readonly clientPrivateKey: string;
  readonly clientPublicKey: string;
  /** The host key's .pub line: "ssh-ed25519 AAAA... comment". */
  readonly hostPublicKey: string;
  /** "SHA256:..." exactly as `ssh-keygen -l` prints it. */
  readonly hostKeySha256: string;
  /** A known_hosts file with a "[127.0.0.1]:PORT ssh-ed25519 AAAA..." line. */
  readonly knownHostsPath: string;
  readonly dir: string;
  /** The listener's process id while it runs. */
  readonly pid: () => number | undefined;
  /** Everything sshd wrote to stderr so far (LogLevel VERBOSE). */
  log(): string;
  /**
   * Ends sshd and, on Linux, the per-connection processes it started (they run in their own
   * sessions and would otherwise live until their client disconnects), then removes `dir`.
   * SIGTERM, SIGKILL after 2 s. Safe to call twice.
   */
  stop(): Promise<void>;
  /**
   * Ends sshd and every connection it serves, as a crash or reboot of the server would (clients
   * see their connection close), keeping keys, config and port so restart() brings the same
   * server back. Linux only (reads /proc).
   */
  kill(): Promise<void>;
  /** kill(), then sshd again on the same port with the same host key (fails if the port was taken meanwhile). */
  restart(): Promise<void>;
}

export class SshdNotFoundError extends Error {
  constructor(message = sshdMissingMessage()) {
    super(message);
    this.name = 'SshdNotFoundError';
  }
}

/** OpenSSH's SHA256 fingerprint of a public key blob (the wire format ssh2's hostVerifier gets). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The binary key blob inside a .pub / authorized_keys / known_hosts line. */
export function publicKeyBlob(publicKeyLine: string): Buffer {
  const base64 = publicKeyLine.trim().split(/\s+/)[1];
  if (!base64) throw new Error(`Not an OpenSSH public key line: ${JSON.stringify(publicKeyLine)}`);
  return Buffer.from(base64, 'base64');
}

export async function startThrowawaySshd(options: ThrowawaySshdOptions = {}): Promise<ThrowawaySshd> {
  const sshdPath = options.sshdPath ?? findSshd();
  if (sshdPath === null) throw new SshdNotFoundError();
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) await ensurePrivsepDir();

  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'labdesk-sshd-')));
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const files = await writeKeys(dir, options.keyLabel ?? 'labdesk-test');
    return await launchOnFreePort({ dir, files, runningAsRoot, options, sshdPath });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface ServerFiles {
  hostKeyPath: string;
  clientKeyPath: string;
  authorizedKeysPath: string;
  configPath: string;
  knownHostsPath: string;
  pidPath: string;
}

interface LaunchPlan {
  dir: string;
  files: ServerFiles;
  runningAsRoot: boolean;
  options: ThrowawaySshdOptions;
  sshdPath: string;
}

// Root's sshd chroots its privilege-separated child into /run/sshd and refuses to start without
// it; the directory normally comes from the systemd unit, which containers and CI don't run.
async function ensurePrivsepDir(): Promise<void> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
}

async function writeKeys(dir: string, label: string): Promise<ServerFiles> {
  const files: ServerFiles = {
    hostKeyPath: path.join(dir, 'ssh_host_ed25519_key'),
    clientKeyPath: path.join(dir, 'id_ed25519'),
    authorizedKeysPath: path.join(dir, 'authorized_keys'),
    configPath: path.join(dir, 'sshd_config'),
    knownHostsPath: path.join(dir, 'known_hosts'),
    pidPath: path.join(dir, 'sshd.pid'),
  };
  await Promise.all([generateKey(files.hostKeyPath, `${label}-host`), generateKey(files.clientKeyPath, `${label}-client`)]);
  await writeFile(files.authorizedKeysPath, await readFile(`${files.clientKeyPath}.pub`), { mode: 0o600 });
  return files;
}

async function generateKey(keyPath: string, comment: string): Promise<void> {
  await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', keyPath]);
}

// Probing for a free port and then handing it to sshd is racy (another process, or a fixture in
// a parallel test file, can take it in between), so a bind failure picks a new port and retries.
async function launchOnFreePort(plan: LaunchPlan): Promise<ThrowawaySshd> {
  const { files, options } = plan;
  const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const hostPublicKey = (await readFile(`${files.hostKeyPath}.pub`, 'utf8')).trim();
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    await writeFile(files.configPath, sshdConfig(port, files, plan.runningAsRoot, options));
    await writeFile(files.knownHostsPath, knownHostsLine(port, hostPublicKey));
    const extraArgs = await penaltyArgs(plan.sshdPath, files.hostKeyPath);
    const launch = () => new SshdProcess(plan.sshdPath, files.configPath, extraArgs);
    const sshd = launch();
    try {
      await sshd.waitUntilReady(port, startTimeoutMs);
    } catch (error) {
      await sshd.stop();
      if (error instanceof AddressInUseError && attempt < PORT_ATTEMPTS) continue;
      throw error;
    }
    return await describeServer(plan, port, hostPublicKey, sshd, launch, startTimeoutMs);
  }
}

async function describeServer(
  plan: LaunchPlan,
  port: number,
  hostPublicKey: string,
  first: SshdProcess,
  relaunch: () => SshdProcess,
  startTimeoutMs: number,
): Promise<ThrowawaySshd> {
  const { dir, files } = plan;
  let stopping: Promise<void> | undefined;
  let sshd = first;
  const logs: SshdProcess[] = [first];
  const kill = async () => {
    // Collected before the listener goes: its children are re-parented once it exits.
    const sessions = sshd.pid === undefined ? [] : await descendants(sshd.pid);
    await sshd.stop();
    await killAll(sessions);
  };
  return {
    host: SSHD_HOST,
    port,
    username: os.userInfo().username,
    clientKeyPath: files.clientKeyPath,
    clientPrivateKey: await readFile(files.clientKeyPath, 'utf8'),
    clientPublicKey: (await readFile(`${files.clientKeyPath}.pub`, 'utf8')).trim(),
    hostPublicKey,
    hostKeySha256: sha256Fingerprint(publicKeyBlob(hostPublicKey)),
    knownHostsPath: files.knownHostsPath,
    dir,
    pid: () => sshd.pid,
    log: () => logs.map((each) => each.log()).join(''),
    kill,
    restart: async () => {
      await kill();
      sshd = relaunch();
      logs.push(sshd);
      await sshd.waitUntilReady(port, startTimeoutMs);
    },
    stop: () => {
      stopping ??= kill().then(() => rm(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, SSHD_HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`Could not read the port of a probe socket: ${String(address)}`));
      });
    });
  });
}

/** The lines that decide which login methods sshd offers (see SshdAuthMode). */
function authLines(mode: SshdAuthMode): string[] {
  switch (mode) {
    case 'publickey':
      return ['UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no'];
    case 'password':
      // Without PAM sshd compares the password with /etc/shadow itself, so the test needs no
      // PAM stack, only root (to read /etc/shadow) and a user with a real password hash.
      return ['UsePAM no', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no', 'PermitEmptyPasswords no'];
    case 'keyboard-interactive':
      // PAM asks its own questions ("Password: ") through keyboard-interactive. sshd must run as
      // root for PAM to work; /etc/pam.d/sshd comes with the openssh-server package.
      return ['UsePAM yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication yes'];
  }
}

// Paths are quoted because os.tmpdir() may contain spaces (sshd splits arguments on whitespace).
function sshdConfig(port: number, files: ServerFiles, runningAsRoot: boolean, options: ThrowawaySshdOptions): string {
  const lines = [
    `Port ${port}`,
    `ListenAddress ${SSHD_HOST}`,
    `HostKey "${files.hostKeyPath}"`,
    `AuthorizedKeysFile "${files.authorizedKeysPath}"`,
    `PidFile "${files.pidPath}"`,
    // Without PAM (the default mode), sshd itself refuses "locked" accounts (password starting
    // with "!"): as root it reads /etc/shadow, where a user made by plain `useradd` has "!"; as
    // non-root it only sees "x", except for `nobody`, whom nss-systemd reports as "!*". Such a
    // refusal shows up in log() as "not allowed because account is locked".
    ...authLines(options.auth ?? 'publickey'),
    // The temp dir and /tmp are not owned the way StrictModes wants for ~/.ssh.
    'StrictModes no',
    'PubkeyAuthentication yes',
    // internal-sftp runs inside sshd: it doesn't depend on the distro's sftp-server path and
    // isn't started through the user's login shell, whose rc files could corrupt the SFTP stream
    // (or which may be nologin). It advertises the same openssh extensions (posix-rename etc.).
    'Subsystem sftp internal-sftp',
    // ProxyJump through a second server needs direct-tcpip forwarding.
    'AllowTcpForwarding yes',
    'LogLevel VERBOSE',
    ...(runningAsRoot ? ['PermitRootLogin yes'] : []),
    ...(options.extraConfig ?? []),
  ];
  return lines.join('\n') + '\n';
}

function knownHostsLine(port: number, hostPublicKey: string): string {
  const [keyType, keyBase64] = hostPublicKey.split(/\s+/);
  return `[${SSHD_HOST}]:${port} ${keyType} ${keyBase64}\n`;
}

// OpenSSH 9.8+ penalises addresses whose connections end before authenticating (readiness
// probes, tests with wrong keys or rejected host keys) and eventually refuses 127.0.0.1.
// Older sshd (Debian 12 ships 9.2) rejects the keyword, so ask sshd once whether it knows it;
// the probe uses an empty config so a bad extraConfig line can't spoil the answer.
const penaltySupport = new Map<string, Promise<boolean>>();

async function penaltyArgs(sshdPath: string, hostKeyPath: string): Promise<string[]> {
  const args = ['-o', 'PerSourcePenalties=no'];
  let supported = penaltySupport.get(sshdPath);
  if (supported === undefined) {
    supported = execFileAsync(sshdPath, ['-t', '-f', '/dev/null', '-o', `HostKey="${hostKeyPath}"`, ...args]).then(() => true, () => false);
    penaltySupport.set(sshdPath, supported);
  }
  return (await supported) ? args : [];
}

class AddressInUseError extends Error {}

/** One sshd child process: its stderr log, readiness and shutdown. */
class SshdProcess {
  private readonly child: ChildProcess;
  private readonly chunks: string[] = [];
  private readonly exited: Promise<void>;

  constructor(sshdPath: string, configPath: string, extraArgs: string[]) {
    // -D: stay in the foreground so the pid we hold is the listener; -e: log to stderr, not syslog.
    this.child = spawn(sshdPath, ['-D', '-e', '-f', configPath, ...extraArgs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => this.chunks.push(chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      // A spawn failure emits 'error' and never 'exit'.
      this.child.once('error', (error) => {
        this.chunks.push(`[labdesk] could not run ${sshdPath}: ${error.message}\n`);
        resolve();
      });
    });
  }

  log(): string {
    return this.chunks.join('');
  }

  get pid(): number | undefined {
    return this.hasExited() ? undefined : this.child.pid;
  }

  private hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined;
  }

  // The port must be bound by *this* sshd (its own "Server listening" line: otherwise a parallel
  // server that won the port race would answer the probe) and must answer with an SSH banner.
  async waitUntilReady(port: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const listeningLine = new RegExp(`Server listening on ${SSHD_HOST.replaceAll('.', '\\.')} port ${port}\\b`);
    while (Date.now() < deadline) {
      if (this.hasExited()) throw this.startupError(port, 'sshd exited during startup');
      if (listeningLine.test(this.log()) && (await receivesSshBanner(port, deadline - Date.now()))) return;
      await Promise.race([delay(PROBE_INTERVAL_MS), this.exited]);
    }
    throw this.startupError(port, `sshd did not answer with an SSH banner within ${timeoutMs} ms`);
  }

  private startupError(port: number, reason: string): Error {
    const log = this.log();
    const message = `${reason} (${SSHD_HOST}:${port}, exit ${this.child.exitCode ?? this.child.signalCode ?? 'none'}).` +
      `\n--- sshd log ---\n${log || '(empty)'}`;
    return /Address already in use/.test(log) ? new AddressInUseError(message) : new Error(message);
  }

  async stop(): Promise<void> {
    if (this.hasExited()) return;
    this.child.kill('SIGTERM');
    const escalate = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(escalate);
  }
}

function receivesSshBanner(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: SSHD_HOST, port });
    let received = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(Math.max(timeoutMs, 1), () => finish(false));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('SSH-2.0-')) finish(true);
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(received.includes('SSH-2.0-')));
  });
}

/** Every process below `pid` (sshd's per-connection processes), from /proc; none where there is no /proc. */
async function descendants(pid: number): Promise<number[]> {
  const names = await readdir('/proc').catch(() => [] as string[]);
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => null);
    if (stat === null) continue;
    // "pid (comm) state ppid …"; comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = queue.flatMap((parent) => children.get(parent) ?? []);
    found.push(...next);
    queue = next;
  }
  return found;
}

/** SIGTERM, then SIGKILL for whatever is left after the grace period. */
async function killAll(pids: readonly number[]): Promise<void> {
  if (pids.length === 0) return;
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  // A zombie (exited, not yet reaped by whoever inherited it) counts as gone.
  const running = async (pid: number) => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  let alive = [...pids];
  const deadline = Date.now() + STOP_GRACE_MS;
  while (Date.now() < deadline) {
    alive = (await Promise.all(alive.map(async (pid) => ((await running(pid)) ? [pid] : [])))).flat();
    if (alive.length === 0) return;
    await delay(PROBE_INTERVAL_MS);
  }
  for (const pid of alive) signal(pid, 'SIGKILL');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
