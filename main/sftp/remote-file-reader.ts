import { createHash } from 'node:crypto';
import type { Stats } from 'ssh2';
import { fail } from '../common';
import type { SftpSession } from './sftp-session';

/** READ requests kept in flight per file (× the server's max read length, 255 KiB on OpenSSH). */
const READS_IN_FLIGHT = 16;

export interface RemoteReadOutcome {
  /** fstat of the open file before the first READ and after the last one. */
  readonly before: Stats;
  readonly after: Stats;
  readonly size: number;
  /** sha256 of the bytes read, hex. */
  readonly sha256: string;
}

export interface RemoteReadOptions {
  readonly signal?: AbortSignal;
  /** Fails with `too-large` past this many bytes (a file that grew after it was looked at). */
  readonly maxBytes?: number;
  readonly onBytes?: (count: number) => void;
}

/**
 * Reads a whole server file through one handle, with several READs in flight, handing the
 * chunks to `sink` in order. Follows a link (OPEN does). The before/after fstat let the caller
 * see a file that changed while it was read; the bytes and the stats belong to the same inode
 * even if the name is replaced meanwhile.
 */
export async function readRemoteFile(session: SftpSession, remotePath: string, sink: (chunk: Buffer) => Promise<void> | void, options: RemoteReadOptions = {}): Promise<RemoteReadOutcome> {
  const { signal } = options;
  signal?.throwIfAborted();
  const handle = await session.open(remotePath, 'r');
  try {
    const before = await session.fstat(handle, remotePath);
    if (!before.isFile()) fail('not-supported', `${remotePath} on ${session.host} is not a regular file; it was not read.`, 'path');
    const chunk = session.limits.maxReadLen;
    const hash = createHash('sha256');
    const queue: { position: number; length: number; buffer: Buffer; done: Promise<number> }[] = [];
    let next = 0;
    const request = (position: number, length: number, front = false) => {
      const buffer = Buffer.allocUnsafe(length);
      const item = { position, length, buffer, done: session.read(handle, buffer, 0, length, position, remotePath) };
      item.done.catch(() => undefined); // awaited in order below; an early rejection is not unhandled
      if (front) queue.unshift(item);
      else queue.push(item);
    };
    // Up to the size seen at open; a file that ends on a chunk boundary needs one READ more to see its end.
    const fill = () => {
      while (queue.length < READS_IN_FLIGHT && (next < before.size || queue.length === 0)) {
        request(next, chunk);
        next += chunk;
      }
    };
    let size = 0;
    fill();
    while (queue.length > 0) {
      signal?.throwIfAborted();
      const item = queue.shift() as (typeof queue)[number];
      const count = await item.done;
      if (count === 0) break; // end of file: what is still in flight lies beyond it
      if (options.maxBytes !== undefined && size + count > options.maxBytes) {
        fail('not-supported', `${remotePath} on ${session.host} grew past ${options.maxBytes} bytes while it was read.`, 'path');
      }
      const data = item.buffer.subarray(0, count);
      hash.update(data);
      await sink(data);
      size += count;
      options.onBytes?.(count);
      if (count < item.length) {
        // sftp-server answers a READ with one read(2): short means end of file, unless the file
        // is still shorter than it was at open (another server): then ask for the rest first.
        if (item.position + count >= before.size) break;
        request(item.position + count, item.length - count, true);
      } else {
        fill();
      }
    }
    const after = await session.fstat(handle, remotePath);
    return { before, after, size, sha256: hash.digest('hex') };
  } finally {
    await session.close(handle, remotePath).catch(() => undefined);
  }
}

/** The whole file in memory (editor reads, at most a few MB). */
export async function readRemoteBytes(session: SftpSession, remotePath: string, maxBytes: number): Promise<RemoteReadOutcome & { bytes: Buffer }> {
  const chunks: Buffer[] = [];
  const outcome = await readRemoteFile(session, remotePath, (chunk) => void chunks.push(Buffer.from(chunk)), { maxBytes });
  return { ...outcome, bytes: Buffer.concat(chunks) };
}
