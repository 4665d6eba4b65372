/**
 * Lists local folders with every entry's lstat (and each link's target), on the fs thread
 * (local-fs-thread.ts): listed the async way, each lstat costs the main thread a thread-pool
 * hand-off, and a no-op resync of a big project spends most of its time there while ssh2 waits
 * for the same thread. Folders go over in batches: one message each way per batch.
 */
import { lstat, readdir, readlink, type Dirent, type Stats } from 'node:fs';
import { fsErrorRecord, onFsThread, type FsErrorRecord } from './local-fs-thread';

export type ListedKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'device' | 'other';

export interface ListedEntry {
  readonly name: string;
  /** What readdir said (before the lstat): decides the ignore check, as a dirent would. */
  readonly direntIsDir: boolean;
  /** Set when the lstat (or the link's readlink) failed, e.g. ENOENT for an entry removed meanwhile. */
  readonly error?: FsErrorRecord;
  readonly kind?: ListedKind;
  readonly size?: number;
  readonly mtimeMs?: number;
  readonly mode?: number;
  readonly linkTarget?: string;
}

/** One folder's listing, or why the folder itself could not be read. */
export type Listing = { readonly entries: ListedEntry[]; readonly error?: undefined } | { readonly entries?: undefined; readonly error: FsErrorRecord };

/**
 * Every entry of each folder in `dirs` (absolute) with its lstat, and each link's target; in
 * the same order. A folder that cannot be read is a listing with its error, not a rejection.
 */
export async function listLocalDirs(dirs: readonly string[], sep: string): Promise<Listing[]> {
  const reply = (await onFsThread({ op: 'list', dirs, sep })) as { listings: Listing[] } | null;
  return reply?.listings ?? listAllOnMainThread(dirs, sep);
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
        (error: NodeJS.ErrnoException): Listing => ({ error: fsErrorRecord(error) }),
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
      if (stats instanceof Error) return { ...base, error: fsErrorRecord(stats) };
      const entry = { ...base, kind: kindOf(stats), size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode };
      if (entry.kind !== 'symlink') return entry;
      const target = await call<string>((done) => readlink(file, done));
      if (target instanceof Error) return { ...entry, error: fsErrorRecord(target) };
      return { ...entry, linkTarget: target };
    }),
  );
}
