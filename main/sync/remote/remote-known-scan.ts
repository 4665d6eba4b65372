import { SftpError, sftpSession } from '../../sftp';
import { notAFolder } from './remote-scan';
import type { RemoteEntry } from '../sync-types';
import type { SFTPWrapper } from 'ssh2';
import { kindOfMode } from '../../common';

/**
 * The remote side of a resync, from the paths already known (the local scan's and the base's,
 * with every folder above them) instead of a walk of the whole tree: one pipelined LSTAT each
 * (READLINK for links), so the cost does not grow with the tree's depth. The plan only ever looks
 * at local and base paths, plus the folders above them (a remote symlink there means nothing is
 * written through it), so these entries give the same plan as the walk.
 *
 * What the walk would never list is dropped: anything below a remote entry that is not a folder
 * (a symlink, a file, a special file). LSTAT of `data/x` resolves a `data` symlink in the middle
 * of the path; its answer is read but never used, and nothing is written through it.
 *
 * The root is looked at with STAT (it may be a link: it is the folder the user chose). A missing
 * root is an empty list, a root that is not a folder the walk's error.
 */
export interface KnownPathsScan {
  /** Sorted by path (code unit order), root-relative POSIX paths. */
  readonly entries: RemoteEntry[];
  readonly rootExists: boolean;
}

/** LSTATs in flight: OpenSSH answers them in order, one round trip for the lot. */
const IN_FLIGHT = 1024;

export async function scanRemoteKnown(
  sftp: SFTPWrapper,
  remoteRoot: string,
  known: Iterable<string>,
  options: {
    hostLabel?: string;
    signal?: AbortSignal;
    /** More paths, known later (the local scan's, while the base's are already being looked up). */
    more?: Promise<Iterable<string>>;
  } = {},
): Promise<KnownPathsScan> {
  const root = remoteRoot.length > 1 ? remoteRoot.replace(/\/+$/, '') : remoteRoot;
  const host = options.hostLabel ?? 'the server';
  const session = sftpSession(sftp, options.hostLabel);
  options.signal?.throwIfAborted();
  const absolute = (relative: string) => (root === '/' ? `/${relative}` : `${root}/${relative}`);
  const paths = new Set<string>();
  /** The paths (and the folders above them) not looked up yet. */
  const newPaths = (relatives: Iterable<string>) => {
    const list: string[] = [];
    for (const relative of relatives) {
      for (let at = relative; at !== '' && !paths.has(at); at = parentOf(at)) {
        paths.add(at);
        list.push(at);
      }
    }
    return list;
  };

  const found = new Map<string, RemoteEntry>();
  let failed = false;
  const lookUp = async (relative: string) => {
    const stats = await session.lstatOrNull(absolute(relative));
    if (stats === null) return;
    const kind = kindOfMode(stats.mode);
    const entry: RemoteEntry = { path: relative, kind, size: stats.size, mtime: stats.mtime, mode: stats.mode & 0o7777 };
    if (kind !== 'symlink') {
      found.set(relative, entry);
      return;
    }
    const target = await session.readlink(absolute(relative)).catch((error: unknown) => {
      if (error instanceof SftpError && error.kind === 'no-such-file') return null; // removed in between
      throw error;
    });
    if (target !== null) found.set(relative, { ...entry, linkTarget: target });
  };
  const lookUpAll = async (list: readonly string[]) => {
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < list.length && !failed; index = next++) {
        options.signal?.throwIfAborted();
        try {
          await lookUp(list[index] as string);
        } catch (error) {
          failed = true; // the scan has failed: the other workers stop
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, list.length) }, worker));
  };

  const rootStats = session.stat(root).catch((error: unknown) => {
    if (error instanceof SftpError && error.kind === 'no-such-file') return null;
    throw error;
  });
  const first = lookUpAll(newPaths(known));
  const second = options.more?.then((more) => lookUpAll(newPaths(more)));
  // All settled before returning (nothing left running), the first failure reported.
  const outcomes = await Promise.allSettled([rootStats, first, ...(second ? [second] : [])]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  const rootState = (outcomes[0] as PromiseFulfilledResult<Awaited<typeof rootStats>>).value;
  if (rootState === null) return { entries: [], rootExists: false };
  if (!rootState.isDirectory()) throw notAFolder(host, root);

  // As the walk: nothing below an entry that is not a folder (or below a missing one).
  const entries: RemoteEntry[] = [];
  for (const entry of found.values()) {
    let listed = true;
    for (let dir = parentOf(entry.path); dir !== '' && listed; dir = parentOf(dir)) listed = found.get(dir)?.kind === 'dir';
    if (listed) entries.push(entry);
  }
  return { entries: entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), rootExists: true };
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}
