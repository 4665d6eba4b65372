import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand, shellCommand } from '../../ssh';
import { SftpError, sftpSession, type SftpSession } from '../../sftp';

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
 * Up to this many bytes in all, reading the files over SFTP beats one `sha256sum` over exec:
 * the exec starts the user's login shell (seconds with conda or pyenv init), while SFTP
 * reads that much in well under a second even on a long link.
 */
const SFTP_HASH_MAX_BYTES = 16 * 1024 * 1024;
/** Files hashed over SFTP at once (each has its own READs in flight). */
const SFTP_FILES_IN_FLIGHT = 16;

/**
 * sha256 of remote files, for deciding whether a file present on both sides without a base is
 * really the same. Few or small files (by `sizes`, the remote scan's) are read over SFTP and
 * hashed here; more go through one `sha256sum -z` per batch over exec, and whatever that could
 * not hash (no shell, no coreutils) is read over SFTP too. A lost connection rejects.
 */
export async function hashRemoteFiles(
  client: Client,
  sftp: SFTPWrapper,
  remoteRoot: string,
  paths: readonly string[],
  options: { sizes?: ReadonlyMap<string, number> } = {},
): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const { sizes } = options;
  const total = sizes ? paths.reduce((sum, path) => sum + (sizes.get(path) ?? Infinity), 0) : Infinity;
  if (total > SFTP_HASH_MAX_BYTES) {
    let batch: string[] = [];
    let size = 0;
    const flush = async () => {
      const got = await hashBatchWithShell(client, remoteRoot, batch).catch(() => null);
      for (const [path, hash] of got ?? []) hashes.set(path, hash);
      batch = [];
      size = 0;
    };
    for (const path of paths) {
      if (batch.length > 0 && size + path.length + 8 > MAX_COMMAND_BYTES) await flush();
      batch.push(path);
      size += path.length + 8;
    }
    if (batch.length > 0) await flush();
  }
  const rest = paths.filter((path) => !hashes.has(path));
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < rest.length; index = next++) {
      const path = rest[index] as string;
      // A file that vanished or cannot be read has no hash (so it is not "the same"); a lost
      // connection stops the whole comparison.
      const hash = await hashOverSftp(sftp, `${remoteRoot}/${path}`).catch(unlessConnectionLost);
      if (hash !== null) hashes.set(path, hash);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SFTP_FILES_IN_FLIGHT, rest.length) }, worker));
  return hashes;
}

function unlessConnectionLost(error: unknown): null {
  if (error instanceof SftpError && error.kind === 'connection-lost') throw error;
  return null;
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

/** READs kept in flight while hashing one remote file over SFTP. */
const READS_IN_FLIGHT = 8;

/**
 * Reads the file over SFTP and hashes it here. Goes through SftpSession: after a dropped
 * connection every request fails at once (ssh2 would silently drop a READ sent on a closed
 * channel, and a raw read stream would wait forever). Reads are pipelined, hashed in order.
 */
async function hashOverSftp(sftp: SFTPWrapper, remotePath: string): Promise<string> {
  const session = sftpSession(sftp);
  const chunk = session.limits.maxReadLen;
  const handle = await session.open(remotePath, 'r');
  try {
    const hash = createHash('sha256');
    const reads: Array<{ at: number; data: Promise<Buffer> }> = [];
    let position = 0;
    const readAt = (at: number) => {
      const buffer = Buffer.allocUnsafe(chunk);
      const data = session.read(handle, buffer, 0, chunk, at, remotePath).then((count) => buffer.subarray(0, count));
      data.catch(() => undefined); // awaited in order below; the ones after a failure are dropped
      reads.push({ at, data });
    };
    for (;;) {
      while (reads.length < READS_IN_FLIGHT) {
        readAt(position);
        position += chunk;
      }
      const next = reads.shift() as { at: number; data: Promise<Buffer> };
      const data = await next.data;
      if (data.length === 0) break;
      hash.update(data);
      if (data.length < chunk) {
        // A short read (servers may return less than asked): the reads after it are at the
        // wrong offsets, so drop them and go on one READ at a time from where it ended.
        await Promise.allSettled(reads.map((read) => read.data));
        reads.length = 0;
        await hashRest(session, handle, remotePath, hash, next.at + data.length, chunk);
        break;
      }
    }
    return hash.digest('hex');
  } finally {
    await session.close(handle, remotePath).catch(() => undefined);
  }
}

/** The sequential tail after a short read: one READ at a time until end of file. */
async function hashRest(session: SftpSession, handle: Buffer, remotePath: string, hash: Hash, from: number, chunk: number): Promise<void> {
  const buffer = Buffer.allocUnsafe(chunk);
  let position = from;
  for (;;) {
    const count = await session.read(handle, buffer, 0, chunk, position, remotePath);
    if (count === 0) return;
    hash.update(buffer.subarray(0, count));
    position += count;
  }
}
