/**
 * Reads small local files whole, with their sha256, on the fs thread (local-fs-thread.ts):
 * `fs.readFile` is four thread-pool round trips per file, and in a push of thousands of small
 * files those hand-offs (and the hashing) are a large share of the main thread's CPU, which
 * also drives ssh2. Requests made in
 * one turn of the event loop go over as one batch (up to BATCH_FILES), answered with one
 * transferred buffer.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs';
import { fsErrorFrom, onFsThread, type FsErrorRecord } from './local-fs-thread';

export interface WholeFile {
  readonly data: Buffer;
  /** sha256 of `data`, hex. */
  readonly hash: string;
}

/** Files per message: large enough that messaging costs little per file, small enough to keep the thread busy early. */
const BATCH_FILES = 64;

type ReadResult = { offset: number; length: number; hash: string } | { error: FsErrorRecord };

interface Request {
  readonly file: string;
  readonly resolve: (value: WholeFile) => void;
  readonly reject: (error: Error) => void;
}

const queued: Request[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  while (queued.length > 0) void send(queued.splice(0, BATCH_FILES));
}

async function send(batch: Request[]): Promise<void> {
  const reply = (await onFsThread({ op: 'read', paths: batch.map((request) => request.file) })) as { results: ReadResult[]; data: ArrayBuffer } | null;
  for (const [index, request] of batch.entries()) {
    const result = reply?.results[index];
    if (!reply || !result) readOnMainThread(request.file).then(request.resolve, request.reject);
    else if ('error' in result) request.reject(fsErrorFrom(result.error));
    else request.resolve({ data: Buffer.from(reply.data, result.offset, result.length), hash: result.hash });
  }
}

/** readWholeFile without the thread (where none can run; exported so tests can compare the two). */
export function readOnMainThread(file: string): Promise<WholeFile> {
  return new Promise((resolve, reject) =>
    readFile(file, (error, data) => (error ? reject(error) : resolve({ data, hash: createHash('sha256').update(data).digest('hex') }))),
  );
}

/**
 * A small local file, whole, with its sha256. Rejects with node's error (message and `code`:
 * ENOENT…, or "not a regular file") for the caller to put the path and context around. Meant
 * for small files: the whole content is held in memory.
 */
export function readWholeFile(file: string): Promise<WholeFile> {
  return new Promise((resolve, reject) => {
    queued.push({ file, resolve, reject });
    if (queued.length >= BATCH_FILES) flush();
    else if (!flushScheduled) {
      // Everything asked for in this turn of the event loop goes in one message.
      flushScheduled = true;
      setImmediate(flush);
    }
  });
}
