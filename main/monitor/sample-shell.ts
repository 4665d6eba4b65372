import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { ExecResult } from '../ssh';

/** A sample that takes longer than this (a hung nvidia-smi, a dead NFS mount under df) is given up. */
const SAMPLE_TIMEOUT_MS = 15_000;

/**
 * One long-lived `sh` on the server that runs each monitor sample sent to it. Every ssh exec
 * starts the user's login shell and its rc files first (conda or pyenv init: a tenth of a second
 * of CPU on the server, every 2 s); this pays that once. Each sample is one round trip: the
 * script goes in on stdin, its output comes back up to a marker. A sample that fails or hangs
 * closes the shell, and the next one starts a new shell.
 */
export class SampleShell {
  private channel: ClientChannel | null = null;
  private opening: Promise<ClientChannel> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: Client,
    private readonly timeoutMs = SAMPLE_TIMEOUT_MS,
  ) {}

  /** Runs `script` (POSIX sh); resolves with its stdout, stderr dropped. Samples run one at a time. */
  exec(script: string): Promise<ExecResult> {
    const next = this.queue.then(() => this.run(script));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }

  private async run(script: string): Promise<ExecResult> {
    const channel = await this.open();
    const marker = `@@labdesk-done-${randomBytes(6).toString('hex')}`;
    return new Promise((resolve, reject) => {
      const decoder = new StringDecoder('utf8');
      let output = '';
      const finish = (error: Error | null) => {
        clearTimeout(timer);
        channel.removeListener('data', onData);
        channel.removeListener('close', onClose);
        if (error) {
          this.close();
          reject(error);
          return;
        }
        resolve({ code: 0, stdout: Buffer.from(output.slice(0, output.lastIndexOf(marker)), 'utf8'), stderr: '' });
      };
      const onData = (chunk: Buffer) => {
        const before = output.length;
        output += decoder.write(chunk);
        // The marker ends the output (searched from just before the new text).
        if (output.indexOf(`${marker}\n`, Math.max(0, before - marker.length - 1)) !== -1) finish(null);
      };
      const onClose = () => finish(new Error('The monitor shell on the server ended.'));
      const timer = setTimeout(() => finish(new Error(`A monitor sample took longer than ${this.timeoutMs / 1000} s; the server may be stuck on a GPU driver or a disk.`)), this.timeoutMs);
      channel.on('data', onData);
      channel.once('close', onClose);
      channel.write(`{\n${script}\n} 2>/dev/null </dev/null; printf '\\n%s\\n' '${marker}'\n`);
    });
  }

  private open(): Promise<ClientChannel> {
    if (this.channel) return Promise.resolve(this.channel);
    this.opening ??= new Promise<ClientChannel>((resolve, reject) => {
      // `exec sh`: the login shell (and its rc files) once, then a plain sh reading samples.
      this.client.exec('exec /bin/sh', (error, channel) => {
        this.opening = null;
        if (error) return reject(error);
        channel.stderr.resume();
        channel.once('close', () => {
          if (this.channel === channel) this.channel = null;
        });
        this.channel = channel;
        resolve(channel);
      });
    });
    return this.opening;
  }
}

const shells = new WeakMap<Client, SampleShell>();

/** The connection's monitor shell (one per connection; a new connection gets a new one). */
export function sampleShellOf(client: Client): SampleShell {
  let shell = shells.get(client);
  if (!shell) shells.set(client, (shell = new SampleShell(client)));
  return shell;
}
