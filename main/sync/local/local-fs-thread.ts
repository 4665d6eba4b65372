/**
 * One worker thread for the sync engine's synchronous local file work: listing folders with
 * each entry's lstat (local-listing.ts) and reading small files whole with their sha256
 * (local-reader.ts).
 *
 * Why a thread: every async fs call is a round trip through libuv's thread pool, and on a small
 * machine those hand-offs (a futex wake each) are the largest item in the main thread's CPU
 * during a push of many small files (perf), and most of a no-op resync's local scan. The main
 * thread is also the one that drives ssh2, so its CPU is the push's speed. Here the same
 * work is plain synchronous calls, batched, one message each way per batch; a slow disk or a
 * network home folder stalls only this thread.
 *
 * The worker's source is a string run with `eval`: it needs no bundler entry and runs the same
 * under tsx, the CLI and electron-vite's build. It starts on first use and keeps the process
 * alive only while it has work. Where no worker can run (or it keeps dying), `onFsThread`
 * answers null and callers do the work on the main thread the async way.
 */
import { Worker } from 'node:worker_threads';

/** An fs error as it crosses the thread boundary: node's message and `code`. */
export interface FsErrorRecord {
  readonly code?: string;
  readonly message: string;
}

/** The record of an fs error (the fallbacks on the main thread make the same records as the worker). */
export function fsErrorRecord(error: NodeJS.ErrnoException): FsErrorRecord {
  return { ...(error.code !== undefined && { code: error.code }), message: error.message };
}

/** An fs error as node would have thrown it (message and `code`), rebuilt from its record. */
export function fsErrorFrom(record: FsErrorRecord): NodeJS.ErrnoException {
  return Object.assign(new Error(record.message), record.code === undefined ? {} : { code: record.code });
}

export type FsRequest = { readonly op: 'list'; readonly dirs: readonly string[]; readonly sep: string } | { readonly op: 'read'; readonly paths: readonly string[] };

/** After this many worker deaths, everything runs on the main thread. */
const MAX_WORKER_FAILURES = 3;

// Runs in the worker (CommonJS, nothing of ours imported).
//   list: each folder's entries with lstat fields and link targets, or why the folder failed.
//   read: each file by its fstat size (as fs.readFile does) into one buffer of the batch's
//         summed size, which is transferred, not copied; per file its offset, length and
//         sha256, or why it failed.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const failure = (error) => ({ code: error && error.code, message: String((error && error.message) || error) });
const kindOf = (s) => s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink'
  : s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'device' : 'other';
const listOne = (dir, sep) => {
  let dirents;
  try {
    dirents = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return { error: failure(error) };
  }
  return { entries: dirents.map((dirent) => {
    const entry = { name: dirent.name, direntIsDir: dirent.isDirectory() };
    const file = dir + sep + dirent.name;
    try {
      const stats = fs.lstatSync(file);
      entry.kind = kindOf(stats);
      entry.size = stats.size;
      entry.mtimeMs = stats.mtimeMs;
      entry.mode = stats.mode;
      if (entry.kind === 'symlink') entry.linkTarget = fs.readlinkSync(file);
    } catch (error) {
      entry.error = failure(error);
    }
    return entry;
  }) };
};
const readAll = (paths) => {
  // Two passes: open + fstat every file, then one buffer of the summed size and the reads.
  // Growing one buffer by doubling copied what was read so far, into fresh memory each time.
  const opened = paths.map((file) => {
    try {
      const fd = fs.openSync(file, 'r');
      try {
        const stats = fs.fstatSync(fd);
        if (!stats.isFile()) throw new Error('not a regular file');
        return { fd, size: stats.size };
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
    } catch (error) {
      return { error: failure(error) };
    }
  });
  const total = opened.reduce((sum, entry) => sum + (entry.size ?? 0), 0);
  const buffer = Buffer.allocUnsafeSlow(Math.max(1, total));
  let used = 0;
  const results = opened.map((entry) => {
    if (entry.error) return { error: entry.error };
    try {
      let done = 0;
      while (done < entry.size) {
        const count = fs.readSync(entry.fd, buffer, used + done, entry.size - done, done);
        if (count === 0) break;
        done += count;
      }
      const result = { offset: used, length: done, hash: createHash('sha256').update(buffer.subarray(used, used + done)).digest('hex') };
      used += entry.size;
      return result;
    } catch (error) {
      return { error: failure(error) };
    } finally {
      try { fs.closeSync(entry.fd); } catch {}
    }
  });
  return { results, data: buffer.buffer };
};
parentPort.on('message', ({ id, request }) => {
  if (request.op === 'list') {
    parentPort.postMessage({ id, reply: { listings: request.dirs.map((dir) => listOne(dir, request.sep)) } });
  } else {
    const reply = readAll(request.paths);
    parentPort.postMessage({ id, reply }, [reply.data]);
  }
});
`;

class FsThread {
  private worker: Worker | null = null;
  private failures = 0;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: unknown) => void>();

  call(request: FsRequest): Promise<unknown> {
    const worker = this.start();
    if (!worker) return Promise.resolve(null);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, resolve);
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, request });
    });
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
    worker.on('message', ({ id, reply }: { id: number; reply: unknown }) => {
      const resolve = this.pending.get(id);
      if (!resolve) return;
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      resolve(reply);
    });
    // A worker that dies takes its requests with it: they answer null (done on the main thread
    // instead), and the next call starts a fresh worker.
    const lost = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failures += 1;
      const orphans = [...this.pending.values()];
      this.pending.clear();
      for (const resolve of orphans) resolve(null);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }
}

const thread = new FsThread();

/**
 * Runs `request` on the fs thread. Resolves to the worker's reply (typed by the caller, which
 * knows what it asked for), or null when there is no worker: then the caller does it itself.
 */
export function onFsThread(request: FsRequest): Promise<unknown> {
  return thread.call(request);
}
