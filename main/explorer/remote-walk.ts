import type { Stats } from 'ssh2';
import { isLabdeskTempName } from '../common';
import { caseCollisions } from '../sync';
import { remoteBaseName, remoteChild, SftpError, type SftpSession } from '../sftp';

/** Folders read at once during a walk. */
const DIRS_IN_FLIGHT = 16;

export interface WalkedEntry {
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly remotePath: string;
  /** Where it goes, relative to the destination folder (POSIX). */
  readonly relative: string;
  readonly size: number;
  /** Whole seconds. */
  readonly mtime: number;
  readonly mode: number;
  readonly linkTarget?: string;
}

export interface Walk {
  /** Folders come before what is inside them. */
  readonly entries: WalkedEntry[];
  readonly skipped: { path: string; message: string }[];
}

/**
 * Everything the person picked on the server, folders with all they hold, read with lstat: a
 * link is an entry of its own and never entered. Names that would land on one file on a
 * case-insensitive disk are left out (both of them), like special files and Labdesk temp files.
 */
export async function walkRemoteSelection(session: SftpSession, picked: readonly string[], signal?: AbortSignal): Promise<Walk> {
  const entries: WalkedEntry[] = [];
  const skipped: { path: string; message: string }[] = [];
  const host = session.host;
  const clashes = caseCollisions(picked.map(remoteBaseName));
  const folders: WalkedEntry[] = [];

  const add = async (remotePath: string, relative: string, stats: Stats) => {
    const common = { remotePath, relative, size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o7777 };
    if (stats.isDirectory()) {
      const folder = { ...common, kind: 'dir' as const };
      entries.push(folder);
      folders.push(folder);
    } else if (stats.isFile()) {
      entries.push({ ...common, kind: 'file' });
    } else if (stats.isSymbolicLink()) {
      const linkTarget = await session.readlink(remotePath).catch(() => null);
      if (linkTarget === null) skipped.push({ path: remotePath, message: `${remotePath} on ${host} is a link that could not be read; it was skipped.` });
      else entries.push({ ...common, kind: 'symlink', linkTarget });
    } else {
      skipped.push({ path: remotePath, message: `${remotePath} on ${host} is a special file (device, pipe or socket); it was skipped.` });
    }
  };

  for (const remotePath of picked) {
    const name = remoteBaseName(remotePath);
    const others = clashes.get(name);
    if (others) {
      skipped.push({ path: remotePath, message: `${remotePath}: another chosen entry has the same name here, apart from upper/lower case (${others.join(', ')}); it was skipped.` });
      continue;
    }
    const stats = await session.lstat(remotePath).catch((error: unknown) => {
      if (error instanceof SftpError && error.kind === 'no-such-file') return null;
      throw error;
    });
    if (stats === null) skipped.push({ path: remotePath, message: `${remotePath} does not exist on ${host}; it was skipped.` });
    else await add(remotePath, name, stats);
  }

  // Folders in parallel; the sort at the end puts every folder before what it holds.
  let next = 0;
  const worker = async () => {
    while (next < folders.length) {
      signal?.throwIfAborted();
      const folder = folders[next++] as WalkedEntry;
      const listing = await session.readdirLimited(folder.remotePath, Number.POSITIVE_INFINITY).catch((error: unknown) => {
        if (error instanceof SftpError && error.kind === 'connection-lost') throw error;
        // One unreadable folder (permission denied) does not stop the rest of the download.
        skipped.push({ path: folder.remotePath, message: `${error instanceof Error ? error.message : String(error)} Nothing inside it was downloaded.` });
        return null;
      });
      if (listing === null) continue;
      // A save in flight on the server (a Labdesk temp file) is never copied.
      const items = listing.entries.filter((item) => !isLabdeskTempName(item.filename));
      const collisions = caseCollisions(items.map((item) => item.filename));
      const adding: Promise<void>[] = [];
      for (const item of items) {
        const child = remoteChild(folder.remotePath, item.filename);
        const others = collisions.get(item.filename);
        if (others) {
          skipped.push({ path: child, message: `${child} differs from ${others.join(', ')} only in upper/lower case; on a case-insensitive disk one would overwrite the other, so it was skipped.` });
          continue;
        }
        adding.push(add(child, `${folder.relative}/${item.filename}`, item.attrs)); // link texts read in parallel
      }
      await Promise.all(adding);
    }
  };
  // Workers pick folders up as earlier ones add them; one worker per slot keeps going until the queue is empty.
  while (next < folders.length) await Promise.all(Array.from({ length: Math.min(DIRS_IN_FLIGHT, folders.length - next) }, worker));
  return { entries: entries.sort((a, b) => depth(a.relative) - depth(b.relative)), skipped };
}

function depth(relative: string): number {
  return relative.split('/').length;
}
