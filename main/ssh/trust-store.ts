import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultConfigDir } from '../settings';
import { atomicWriteFile } from '../common';
import { formatKnownHostLine, type KnownHostsFile, lookupName, namesMatch, parseKnownHosts } from './known-hosts';

/**
 * Labdesk's own trust store: host keys the person accepted in Labdesk, kept in a known_hosts file
 * in the app config dir. Labdesk never writes ~/.ssh/known_hosts (the person's OpenSSH setup is
 * theirs; VS Code made the same choice), but the format is OpenSSH's, so the file can be read,
 * checked or cleaned with `ssh-keygen -F/-R ... -f <file>` and used with `ssh -o UserKnownHostsFile`.
 */

export const TRUST_STORE_FILE_NAME = 'known_hosts';

const HEADER = '# Host keys accepted in Labdesk (OpenSSH known_hosts format). Labdesk never writes ~/.ssh/known_hosts.\n';
// Which servers someone connects to is private, like ~/.ssh itself.
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export class TrustStore {
  readonly path: string;
  // Read-modify-write must not interleave, or two hosts accepted at once would lose one line.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dir: string = defaultConfigDir()) {
    this.path = path.join(dir, TRUST_STORE_FILE_NAME);
  }

  /** The parsed file; empty when it doesn't exist yet. */
  async load(): Promise<KnownHostsFile> {
    return parseKnownHosts((await this.readText()) ?? '', this.path);
  }

  /**
   * Remembers `keyBlob` for the host. The line uses OpenSSH's lookup name: `[host]:port`, or plain
   * `host` for port 22, or the HostKeyAlias (without port) when the host config sets one, so the
   * entry is found exactly where ssh would look. Trusting the same key twice changes nothing.
   */
  trust(host: string, port: number, keyBlob: Uint8Array, hostKeyAlias?: string | null): Promise<void> {
    const name = lookupName(host, port, hostKeyAlias);
    const line = formatKnownHostLine(name, keyBlob);
    return this.serialized(async () => {
      const text = (await this.readText()) ?? HEADER;
      const existing = parseKnownHosts(text, this.path).lines;
      const blob = Buffer.from(keyBlob);
      if (existing.some((entry) => entry.marker === null && entry.keyBlob.equals(blob) && namesMatch(entry.names, name))) return;
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      await atomicWriteFile(this.path, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`, FILE_MODE);
    });
  }

  /** Removes every key remembered for the host (like `ssh-keygen -R`); returns how many lines went. */
  forget(host: string, port: number, hostKeyAlias?: string | null): Promise<number> {
    const name = lookupName(host, port, hostKeyAlias);
    return this.serialized(async () => {
      const text = await this.readText();
      if (text === null) return 0;
      const doomed = new Set(
        parseKnownHosts(text, this.path).lines.filter((entry) => namesMatch(entry.names, name)).map((entry) => entry.line),
      );
      if (doomed.size === 0) return 0;
      const kept = text.split('\n').filter((_, index) => !doomed.has(index + 1));
      await atomicWriteFile(this.path, kept.join('\n'), FILE_MODE);
      return doomed.size;
    });
  }

  private async readText(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
