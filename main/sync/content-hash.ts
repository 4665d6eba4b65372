import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand } from '../ssh/remote-exec';
import { shellCommand } from '../ssh/shell-quote';

/** sha256 of a local file, streamed (a checkpoint may be gigabytes). */
export function hashLocalFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Stays well under ARG_MAX on every server. */
const MAX_COMMAND_BYTES = 64 * 1024;

/**
 * sha256 of remote files, for deciding whether a file present on both sides without a base is
 * really the same. One `sha256sum -z` per batch over exec; where the server has no shell or no
 * coreutils, the files are read over SFTP and hashed here.
 */
export async function hashRemoteFiles(client: Client, sftp: SFTPWrapper, remoteRoot: string, paths: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let batch: string[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const got = await hashBatchWithShell(client, remoteRoot, batch).catch(() => null);
    for (const path of batch) {
      const hash = got?.get(path) ?? (await hashOverSftp(sftp, `${remoteRoot}/${path}`).catch(() => null));
      if (hash !== null) hashes.set(path, hash);
    }
    batch = [];
    size = 0;
  };
  for (const path of paths) {
    if (size + path.length + 8 > MAX_COMMAND_BYTES) await flush();
    batch.push(path);
    size += path.length + 8;
  }
  await flush();
  return hashes;
}

async function hashBatchWithShell(client: Client, remoteRoot: string, paths: readonly string[]): Promise<Map<string, string>> {
  // -z: NUL-terminated output lines, so names with newlines or backslashes come back verbatim.
  const command = `cd ${shellCommand([remoteRoot])} && ${shellCommand(['sha256sum', '-z', '--', ...paths.map((path) => `./${path}`)])}`;
  const result = await execCommand(client, command);
  const hashes = new Map<string, string>();
  for (const record of result.stdout.toString('utf8').split('\0')) {
    const match = /^([0-9a-f]{64}) [ *]\.\/(.*)$/s.exec(record);
    if (match) hashes.set(match[2] as string, match[1] as string);
  }
  return hashes;
}

function hashOverSftp(sftp: SFTPWrapper, remotePath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    sftp
      .createReadStream(remotePath)
      .on('data', (chunk: Buffer) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
