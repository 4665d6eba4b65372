/**
 * Reads small local files whole, with their sha256, on a worker thread.
 *
 * Why: `fs.readFile` is four trips through libuv's thread pool per file (open, fstat, read,
 * close), and each trip wakes a pool thread with a futex call. On the 2-core VM this project is
 * measured on, `perf` put ~30% of the main thread's CPU during a 5,000-file push in those
 * hand-offs, plus ~7% hashing: time the main thread, which also drives ssh2, did not have.
 * Here a worker reads batches with synchronous calls and hashes them; the main thread gets one
 * message per batch. Synchronous reads on the main thread itself would stall the app on a slow
 * disk or a network home folder; here only the worker waits.
 *
 * The worker's source is a string run with `eval`: it needs no bundler entry and runs the same
 * under tsx, the CLI and electron-vite's build. It starts on first use and does not keep the
 * process alive while idle. Where no worker can run, files are read on the main thread.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface WholeFile {
  readonly data: Buffer;
  /** sha256 of `data`, hex. */
  readonly hash: string;
}

/** Files per message: large enough that messaging costs little per file, small enough to keep the worker busy early. */
const BATCH_FILES = 64;
/** After this many worker deaths, files are read on the main thread. */
const MAX_WORKER_FAILURES = 3;

type ReadResult = { offset: number; length: number; hash: string } | { error: string; code?: string };

interface WorkerReply {
  readonly id: number;
  readonly results: readonly ReadResult[];
  readonly data: ArrayBuffer;
}

// Runs in the worker (CommonJS, nothing of ours imported). Reads each file by its fstat size
// (as fs.readFile does) into one growing buffer per batch, which is transferred, not copied.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ id, paths }) => {
  const results = [];
  let buffer = Buffer.allocUnsafeSlow(256 * 1024);
  let used = 0;
  for (const file of paths) {
    let fd;
    try {
      fd = fs.openSync(file, 'r');
      const stats = fs.fstatSync(fd);
      if (!stats.isFile()) throw new Error('not a regular file');
      const size = stats.size;
      if (used + size > buffer.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(buffer.length * 2, used + size));
        buffer.copy(bigger, 0, 0, used);
        buffer = bigger;
      }
      let done = 0;
      while (done < size) {
        const count = fs.readSync(fd, buffer, used + done, size - done, done);
        if (count === 0) break;
        done += count;
      }
      const hash = createHash('sha256').update(buffer.subarray(used, used + done)).digest('hex');
      results.push({ offset: used, length: done, hash });
      used += done;
    } catch (error) {
      results.push({ error: String((error && error.message) || error), code: error && error.code });
    } finally {
      if (fd !== undefined) try { fs.closeSync(fd); } catch {}
    }
  }
  parentPort.postMessage({ id, results, data: buffer.buffer }, [buffer.buffer]);
});
`;

interface Request {
  readonly file: string;
  readonly resolve: (value: WholeFile) => void;
  readonly reject: (error: Error) => void;
}

class ReaderThread {
  private worker: Worker | null = null;
  private failures = 0;
  private nextId = 0;
  private readonly sent = new Map<number, Request[]>();
  private queued: Request[] = [];
  private flushScheduled = false;

  read(file: string): Promise<WholeFile> {
    return new Promise((resolve, reject) => {
      this.queued.push({ file, resolve, reject });
      if (this.queued.length >= BATCH_FILES) this.flush();
      else if (!this.flushScheduled) {
        // Everything asked for in this turn of the event loop goes in one message.
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, BATCH_FILES);
      const worker = this.start();
      if (!worker) {
        for (const request of batch) readOnMainThread(request.file).then(request.resolve, request.reject);
        continue;
      }
      const id = this.nextId++;
      this.sent.set(id, batch);
      if (this.sent.size === 1) worker.ref();
      worker.postMessage({ id, paths: batch.map((request) => request.file) });
    }
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    if (this.failures >= MAX_WORKER_FAILURES) return null;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch {
      this.failures = MAX_WORKER_FAILURES;
      return null;
    }
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(worker, reply));
    // A worker that dies takes its batches with it: they are read here instead, and the next
    // read starts a fresh worker.
    const lost = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failures += 1;
      const orphans = [...this.sent.values()].flat();
      this.sent.clear();
      for (const request of orphans) readOnMainThread(request.file).then(request.resolve, request.reject);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    const batch = this.sent.get(reply.id);
    if (!batch) return;
    this.sent.delete(reply.id);
    if (this.sent.size === 0) worker.unref();
    for (const [index, request] of batch.entries()) {
      const result = reply.results[index];
      if (!result) request.reject(new Error('no answer from the file reader thread'));
      else if ('error' in result) request.reject(Object.assign(new Error(result.error), result.code === undefined ? {} : { code: result.code }));
      else request.resolve({ data: Buffer.from(reply.data, result.offset, result.length), hash: result.hash });
    }
  }
}

/** readWholeFile without the worker (where none can run; exported so tests can compare the two). */
export function readOnMainThread(file: string): Promise<WholeFile> {
  return new Promise((resolve, reject) =>
    readFile(file, (error, data) => (error ? reject(error) : resolve({ data, hash: createHash('sha256').update(data).digest('hex') }))),
  );
}

const reader = new ReaderThread();

/**
 * A small local file, whole, with its sha256. Rejects with node's error (message and `code`:
 * ENOENT…, or "not a regular file") for the caller to put the path and context around. Meant
 * for small files: the whole content is held in memory.
 */
export function readWholeFile(file: string): Promise<WholeFile> {
  return reader.read(file);
}
