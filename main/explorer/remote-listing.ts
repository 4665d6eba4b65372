import type { Stats } from 'ssh2';
import type { EntryKind, RemoteEntry, RemoteListing } from '../../preload/api';
import { ApiError } from '../common';
import { remoteBaseName, remoteChild, SftpError, type SftpSession } from '../sftp';

/** Entries one listing returns at most; the rest of a huge folder is left out (`truncated`). */
export const LIST_LIMIT = 20_000;
/** READLINK + STAT pairs in flight while describing a folder's links. */
const LINK_LOOKUPS_IN_FLIGHT = 64;

/** One collator for every sort, numeric so `run10` comes after `run9` (as in the Files tree). */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

export function kindOf(stats: Stats): EntryKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function entryOf(remotePath: string, stats: Stats): RemoteEntry {
  return { path: remotePath, name: remoteBaseName(remotePath), kind: kindOf(stats), size: stats.size, mtimeMs: stats.mtime * 1000, mode: stats.mode & 0o7777 };
}

/** The link text and what it points at (STAT follows it; a dangling link or a loop is null). */
async function withLinkInfo(session: SftpSession, entry: RemoteEntry): Promise<RemoteEntry> {
  const [linkTarget, target] = await Promise.all([session.readlink(entry.path).catch(() => '?'), session.stat(entry.path).catch(() => null)]);
  const linkKind = target === null ? null : target.isFile() ? 'file' : target.isDirectory() ? 'dir' : 'other';
  return { ...entry, linkTarget, linkKind };
}

/** One entry as it is (lstat), with its link text and target kind when it is a link. */
export async function describeRemote(session: SftpSession, remotePath: string): Promise<RemoteEntry> {
  const entry = entryOf(remotePath, await session.lstat(remotePath));
  return entry.kind === 'symlink' ? withLinkInfo(session, entry) : entry;
}

/**
 * A folder's entries, folders (and links to folders) first, then by name. Listing follows links
 * (`dir` may be a link, and links inside are described, not entered).
 */
export async function listRemoteDir(session: SftpSession, dir: string, limit = LIST_LIMIT): Promise<RemoteListing> {
  let listed: Awaited<ReturnType<SftpSession['readdirLimited']>>;
  try {
    listed = await session.readdirLimited(dir, limit);
  } catch (error) {
    throw await listingError(session, dir, error);
  }
  const entries = listed.entries.map((item) => entryOf(remoteChild(dir, item.filename), item.attrs));
  const links = entries.flatMap((entry, index) => (entry.kind === 'symlink' ? [index] : []));
  let nextLink = 0;
  const worker = async () => {
    for (let i = nextLink++; i < links.length; i = nextLink++) {
      const index = links[i] as number;
      entries[index] = await withLinkInfo(session, entries[index] as RemoteEntry);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LINK_LOOKUPS_IN_FLIGHT, links.length) }, worker));
  entries.sort((a, b) => rank(a) - rank(b) || NAME_ORDER.compare(a.name, b.name));
  return { dir, entries, truncated: listed.truncated };
}

function rank(entry: RemoteEntry): number {
  return entry.kind === 'dir' || entry.linkKind === 'dir' ? 0 : 1;
}

/**
 * OpenSSH answers OPENDIR on a file with "no such file" (ENOTDIR maps to it), so a failure is
 * looked at once more to say which it was.
 */
async function listingError(session: SftpSession, dir: string, error: unknown): Promise<unknown> {
  if (!(error instanceof SftpError)) return error;
  const where = `${dir} on ${session.host}`;
  if (error.kind === 'permission-denied') return new ApiError({ code: 'permission-denied', message: `Could not list ${where}: permission denied.` });
  if (error.kind !== 'no-such-file') return error;
  const stats = await session.stat(dir).catch(() => null);
  if (stats && !stats.isDirectory()) return new ApiError({ code: 'not-a-directory', message: `${where} is a file, not a folder.` });
  const link = await session.lstatOrNull(dir).catch(() => null);
  if (link?.isSymbolicLink()) return new ApiError({ code: 'not-found', message: `${where} is a link to something that does not exist.` });
  return new ApiError({ code: 'not-found', message: `${where} does not exist.` });
}
