/**
 * The exec channel a tar push runs in (tar-push.ts), from the moment it is asked for: the shell
 * prints READY once past its rc files, then reads one go byte (Y: the archive follows; N: it
 * exits having created nothing), then tar reads the archive and `find` lists what it wrote.
 *
 * Why a class of its own: the CLI starts this shell before it knows the push will need it
 * (startTarShell), right after authentication, so the shell's start (most of a second or
 * more on a server whose rc files run pyenv or conda init) overlaps the SFTP channel's opening, the remote scan
 * and the plan. Everything the channel says is recorded from the start, so READY is not lost
 * before the push adopts the shell; a shell nobody adopts is answered N and exits by itself
 * (killing one in its rc files can leave `pyenv rehash`'s lock behind, stalling later logins).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client, ClientChannel } from 'ssh2';
import { shellCommand } from '../../ssh';
import { findCommand } from '../remote/remote-scan';
import { timingMark } from '../sync-timing';

const READY_MARKER = 'LABDESK-TAR-READY';
/** The staging listing printed after tar (~70 bytes a file); beyond this the moves LSTAT instead. */
const MAX_LISTING_BYTES = 32 * 1024 * 1024;

/**
 * Run before READY: grows the shell's stdin pipe (sshd → tar) from 64 KiB to 1 MiB, the most an
 * unprivileged process may ask for (/proc/sys/fs/pipe-max-size). Why: whatever the pipe cannot
 * take waits in sshd's channel buffer, which OpenSSH grows by allocating, copying and zeroing
 * the whole buffer per arriving packet (channel-window.ts); with a 1 MiB pipe most of a burst
 * goes straight into the pipe instead, and sshd's CPU stays with the shell's start, which READY
 * waits for.
 * F_SETPIPE_SZ is fcntl 1031 on Linux; perl is in every Debian/Ubuntu/RHEL base system. Where
 * either is missing, or the call fails, the push goes on with the default pipe.
 */
const GROW_STDIN_PIPE = `perl -e 'fcntl(STDIN, 1031, 1048576)' 2>/dev/null; `;

/** A fresh staging folder for a push into `root`: `<root>/.labdesk/incoming-<12 hex>`. */
export function newStagingPath(root: string): string {
  return path.posix.join(root, '.labdesk', `incoming-${randomBytes(6).toString('hex')}`);
}

/**
 * The command: refuse a .labdesk that is a link (it would put staging, and rm -rf, elsewhere),
 * grow the pipe, READY, wait for the go byte, make staging [and `makeDirs`, a shell fragment],
 * extract, list. mkdir failures for target folders are not fatal: those files fail to move in.
 */
export function tarShellCommand(root: string, staging: string, makeDirs = ''): string {
  const labdesk = path.posix.join(root, '.labdesk');
  const refuseLink = `if ${shellCommand(['test', '-h', labdesk])}; then echo ${shellCommand([`${labdesk} is a symbolic link`])} >&2; exit 3; fi; `;
  return (
    refuseLink +
    GROW_STDIN_PIPE +
    `${shellCommand(['printf', '%s', READY_MARKER])} && go=$(dd bs=1 count=1 2>/dev/null) && [ "$go" = Y ] && ` +
    `${shellCommand(['mkdir', '-p', '--', staging])} && { ` +
    makeDirs +
    `${shellCommand(['tar', '-xpf', '-', '-C', staging])} && { ${findCommand(staging)} 2>/dev/null; true; }; }`
  );
}

export interface ExtractOutcome {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stderr: string;
  /** What the command printed after the READY marker (the staging listing). */
  readonly stdout: Buffer;
}

export class TarShell {
  /** The exec channel, once the server has opened it (rejects if it refused). */
  readonly channel: Promise<ClientChannel>;
  /** True once READY arrived; false if the channel closed (or the shell was declined) first. */
  readonly ready: Promise<boolean>;
  /** Settles when the channel has closed. */
  readonly closed: Promise<void>;
  isReady = false;
  isClosed = false;
  /** Y or N was sent (nothing more will be). */
  answered = false;
  /** Y was sent: the shell may have created the staging folder. */
  wentAhead = false;
  /** A push took it over (release() then leaves it alone). */
  adopted = false;
  private stdout = '';
  private readonly listing: Buffer[] = [];
  private listingBytes = 0;
  private stderr = '';
  private exitCode: number | null = null;
  private exitSignal: string | undefined;
  private markReady: (ready: boolean) => void = () => undefined;
  private markClosed: () => void = () => undefined;
  private open: ClientChannel | undefined;

  constructor(
    client: Client,
    /** tarShellCommand(root, staging, …) */
    readonly command: string,
    readonly root: string,
    readonly staging: string,
  ) {
    this.ready = new Promise<boolean>((resolve) => (this.markReady = resolve));
    this.closed = new Promise<void>((resolve) => (this.markClosed = resolve));
    timingMark('tar: exec sent');
    this.channel = new Promise<ClientChannel>((resolve, reject) => {
      try {
        client.exec(command, (error, channel) => {
          if (error) {
            this.closeNow();
            return reject(error);
          }
          this.open = channel;
          this.listen(channel);
          timingMark('tar: exec channel open');
          resolve(channel);
        });
      } catch (error) {
        this.closeNow();
        reject(error as Error);
      }
    });
    this.channel.catch(() => undefined); // whoever adopts the shell sees the error
  }

  private closeNow(): void {
    this.isClosed = true;
    this.markReady(false);
    this.markClosed();
  }

  private listen(channel: ClientChannel): void {
    channel.on('close', () => this.closeNow());
    channel.on('exit', (code: number | null, signal?: string) => {
      this.exitCode = code;
      this.exitSignal = signal ?? undefined;
    });
    // tar -x prints nothing on stdout: only the shell's rc files, our READY marker, then find's
    // listing of the staging folder.
    channel.on('data', (chunk: Buffer) => {
      if (this.isReady) {
        this.listingBytes += chunk.length;
        if (this.listingBytes <= MAX_LISTING_BYTES) this.listing.push(chunk);
        return;
      }
      if (this.stdout.length > 64 * 1024) return;
      this.stdout += chunk.toString('latin1');
      const marker = this.stdout.indexOf(READY_MARKER);
      if (marker >= 0) {
        // latin1 maps bytes to characters one to one: the rest of the chunk, byte for byte.
        const rest = Buffer.from(this.stdout.slice(marker + READY_MARKER.length), 'latin1');
        this.listing.push(rest);
        this.listingBytes += rest.length;
        this.stdout = '';
        this.isReady = true;
        timingMark('tar: shell ready');
        this.markReady(true);
      }
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk.toString('utf8');
    });
  }

  /** Y: tar is to read the archive that follows. */
  go(): void {
    if (this.answered || !this.open) return;
    this.answered = true;
    this.wentAhead = true;
    this.open.write('Y');
  }

  /**
   * Not needed (any more): before the go byte, answer N and let the shell exit by itself
   * (nothing waits for it); after it, tar is running and closing the channel is safe.
   */
  decline(): void {
    if (this.answered) return this.close();
    this.answered = true;
    this.markReady(false);
    void this.channel.then(
      (channel) => {
        try {
          channel.end('N');
        } catch {
          // the connection is gone already
        }
      },
      () => undefined,
    );
  }

  /** For whoever started it speculatively: declines it unless a push took it over. */
  release(): void {
    if (!this.adopted) this.decline();
  }

  close(): void {
    try {
      this.open?.close();
    } catch {
      // already closed with the connection
    }
  }

  /** After `closed`: how the command ended, and the listing it printed. */
  outcome(host: string): ExtractOutcome {
    if (this.exitCode === null && this.exitSignal === undefined && !this.stderr) {
      return { code: null, signal: undefined, stderr: `the connection to ${host} closed before tar finished`, stdout: Buffer.alloc(0) };
    }
    return { code: this.exitCode, signal: this.exitSignal, stderr: this.stderr, stdout: this.listingBytes <= MAX_LISTING_BYTES ? Buffer.concat(this.listing) : Buffer.alloc(0) };
  }
}

/**
 * Starts the shell for a tar push into `remoteRoot` before the push is planned (the CLI's first
 * push of a big tree): the command the engine's push runs (no target folders to make: the
 * engine makes or carries them), with a staging folder chosen now. Hand it to executeSync
 * (ExecuteOptions.tarShell), which uses it or declines it.
 */
export function startTarShell(client: Client, remoteRoot: string): TarShell {
  const root = remoteRoot.replace(/\/+$/, '') || '/';
  const staging = newStagingPath(root);
  return new TarShell(client, tarShellCommand(root, staging), root, staging);
}
