/**
 * Lists local folders with every entry's lstat (and each link's target) on a worker thread.
 *
 * Why: a sync scans the local tree while the main thread also drives ssh2 for the remote scan.
 * Listing 5,000 files the async way costs ~40 µs of main-thread time per lstat (a thread-pool
 * round trip each); the no-op resync of a 5,000-file project spent ~200 ms of its ~270 ms there
 * (loopback bench). On the worker the same listing is plain synchronous calls (~50 ms, ~2×
 * cheaper in CPU), and folders go over in batches: one message each way per batch.
 *
 * The worker's source is a string run with `eval`: it needs no bundler entry and runs the same
 * under tsx, the CLI and electron-vite's build. It starts on first use and does not keep the
 * process alive while idle. Where no worker can run, folders are listed on the main thread.
 */
import { lstat, readdir, readlink, type Dirent, type Stats } from 'node:fs';
import { Worker } from 'node:worker_threads';

export type ListedKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device' | 'other';

export interface ListedEntry {
  readonly name: string;
  /** What readdir said (before the lstat): decides the ignore check, as a dirent would. */
  readonly direntIsDir: boolean;
  /** Set when the lstat (or the link's readlink) failed, e.g. ENOENT for an entry removed meanwhile. */
  readonly error?: { readonly code?: string; readonly message: string };
  readonly kind?: ListedKind;
  readonly size?: number;
  readonly mtimeMs?: number;
  readonly mode?: number;
  readonly linkTarget?: string;
}

/** An fs error as thrown by node (message and `code`), rebuilt on this side of the thread. */
export function listingError(error: { code?: string; message: string }): NodeJS.ErrnoException {
  return Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code });
}

/** After this many worker deaths, folders are listed on the main thread. */
const MAX_WORKER_FAILURES = 3;

// Runs in the worker (CommonJS, nothing of ours imported).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const kindOf = (s) => s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink'
  : s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'device' : 'other';
const failure = (error) => ({ code: error && error.code, message: String(error && error.message || error) });
const listOne = (dir, sep) => {
  let dirents;
  try {
    dirents = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return { error: failure(error) };
  }
  const entries = dirents.map((dirent) => {
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
  });
  return { entries };
};
parentPort.on('message', ({ id, dirs, sep }) => {
  parentPort.postMessage({ id, listings: dirs.map((dir) => listOne(dir, sep)) });
});
`;

/** One folder's listing, or why the folder itself could not be read. */
export type Listing = { readonly entries: ListedEntry[]; readonly error?: undefined } | { readonly entries?: undefined; readonly error: { code?: string; message: string } };

interface Reply {
  readonly id: number;
  readonly listings: Listing[];
}

interface Pending {
  readonly dirs: readonly string[];
  readonly sep: string;
  readonly resolve: (listings: Listing[]) => void;
}

class ListThread {
  private worker: Worker | null = null;
  private failures = 0;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  list(dirs: readonly string[], sep: string): Promise<Listing[]> {
    const worker = this.start();
    if (!worker) return listAllOnMainThread(dirs, sep);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { dirs, sep, resolve });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, dirs, sep });
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
    worker.on('message', (reply: Reply) => {
      const request = this.pending.get(reply.id);
      if (!request) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      request.resolve(reply.listings);
    });
    // A worker that dies takes its requests with it: they are listed here instead, and the next
    // call starts a fresh worker.
    const lost = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failures += 1;
      const orphans = [...this.pending.values()];
      this.pending.clear();
      for (const request of orphans) void listAllOnMainThread(request.dirs, request.sep).then(request.resolve);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }
}

const thread = new ListThread();

/**
 * Every entry of each folder in `dirs` (absolute) with its lstat, and each link's target; in
 * the same order. One message each way for all of them (a thread hand-off costs more than a
 * folder's listing).
 */
export function listLocalDirs(dirs: readonly string[], sep: string): Promise<Listing[]> {
  return thread.list(dirs, sep);
}

function kindOf(stats: Stats): ListedKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'device';
  return 'other';
}

/** listLocalDirs without the worker (where none can run; exported so tests can compare the two). */
export function listAllOnMainThread(dirs: readonly string[], sep: string): Promise<Listing[]> {
  return Promise.all(
    dirs.map((dir) =>
      listOnMainThread(dir, sep).then(
        (entries): Listing => ({ entries }),
        (error: NodeJS.ErrnoException): Listing => ({ error: { ...(error.code !== undefined && { code: error.code }), message: error.message } }),
      ),
    ),
  );
}

/** The same listing with async calls on this thread (no worker available). */
async function listOnMainThread(dir: string, sep: string): Promise<ListedEntry[]> {
  const dirents = await new Promise<Dirent[]>((resolve, reject) => readdir(dir, { withFileTypes: true }, (error, found) => (error ? reject(error) : resolve(found))));
  const call = <T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void) =>
    new Promise<T | NodeJS.ErrnoException>((resolve) => run((error, value) => resolve(error ?? value)));
  return Promise.all(
    dirents.map(async (dirent): Promise<ListedEntry> => {
      const file = `${dir}${sep}${dirent.name}`;
      const base = { name: dirent.name, direntIsDir: dirent.isDirectory() };
      const stats = await call<Stats>((done) => lstat(file, done));
      if (stats instanceof Error) return { ...base, error: { ...(stats.code !== undefined && { code: stats.code }), message: stats.message } };
      const entry = { ...base, kind: kindOf(stats), size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode };
      if (entry.kind !== 'symlink') return entry;
      const target = await call<string>((done) => readlink(file, done));
      if (target instanceof Error) return { ...entry, error: { ...(target.code !== undefined && { code: target.code }), message: target.message } };
      return { ...entry, linkTarget: target };
    }),
  );
}
