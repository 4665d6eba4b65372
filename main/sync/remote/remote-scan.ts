import type { FileEntry, SFTPWrapper } from 'ssh2';
import { ApiError, kindOfMode } from '../../common';
import { shellCommand } from '../../ssh';
import { SftpError, sftpSession, type SftpSession } from '../../sftp';
import type { RemoteEntry } from '../sync-types';

/** What the scan needs from a connection; the connection manager provides it. */
export interface RemoteScanTransport {
  /** Runs a command line (built with shellCommand) through the user's shell on the server. */
  exec(command: string, options?: { signal?: AbortSignal }): Promise<{ code: number | null; stdout: Buffer; stderr: string }>;
  readonly sftp: SFTPWrapper;
}

export interface RemoteScanOptions {
  /** `user@host:port`, for messages. */
  readonly hostLabel?: string;
  /**
   * 'auto' (default): `find` over exec and the SFTP walk race, the first complete list wins.
   * 'find': find, SFTP only when find cannot do it. 'sftp': SFTP only.
   */
  readonly method?: 'auto' | 'find' | 'sftp';
  /** Folders listed at once by the SFTP walk. */
  readonly concurrency?: number;
  /** 'auto': start find only if the walk is still running after this long (default 1 s). */
  readonly findAfterMs?: number;
  readonly signal?: AbortSignal;
}

export interface RemoteScan {
  /** Sorted by path (code unit order), root-relative POSIX paths. */
  readonly entries: RemoteEntry[];
  readonly method: 'find' | 'sftp';
}

/** Folders listed at once by the walk: OpenSSH keeps any number of handles; 128 hides 20 ms RTT on wide trees. */
const DEFAULT_CONCURRENCY = 128;
/** 'auto' starts find only if the walk has not finished by then (see raceScans). */
const FIND_AFTER_MS = 1000;
const SFTP_PERMISSION_DENIED = 3;

/**
 * Lists everything under `remoteRoot` on the server, never following a symlink below the root
 * (the root itself may be one: it is the folder the user chose). A root that does not exist
 * yet is an empty list. A folder the server will not let us read is an error naming it, since
 * leaving it out would look like deleted files.
 *
 * First choice is one `find` over exec: a single round trip for any depth (research/sync.md §3.2).
 * Where there is no shell or no GNU find (`-printf`), a pipelined SFTP walk gives the same list.
 */
export async function scanRemote(transport: RemoteScanTransport, remoteRoot: string, options: RemoteScanOptions = {}): Promise<RemoteScan> {
  const root = remoteRoot.length > 1 ? remoteRoot.replace(/\/+$/, '') : remoteRoot;
  const host = options.hostLabel ?? 'the server';
  const session = sftpSession(transport.sftp, options.hostLabel);
  options.signal?.throwIfAborted();
  const viaSftp = async (signal?: AbortSignal): Promise<RemoteScan> => {
    // The walk starts at once. OpenSSH answers OPENDIR of a missing root or of a file with
    // NO_SUCH_FILE alike, which the walk takes for "nothing there"; a STAT of the root, sent
    // with it, tells a missing root from a file and an empty folder without another round trip.
    const rootKind = statRoot(session, root, host);
    rootKind.catch(() => undefined); // looked at only when the walk finds nothing or fails
    const entries = await scanWithSftp(session, root, host, { ...options, ...(signal && { signal }) }).catch(async (error: unknown) => {
      await rootKind; // a root that is not a folder is the better error
      throw error;
    });
    if (entries.length === 0) await rootKind;
    return { entries, method: 'sftp' };
  };
  if (options.method === 'sftp') return viaSftp();
  if (options.method === 'find') {
    const found = await scanWithFind(transport, session, root, host);
    return found !== null ? { entries: found, method: 'find' } : viaSftp();
  }
  return raceScans(transport, session, root, host, viaSftp, options.signal, options.findAfterMs ?? FIND_AFTER_MS);
}

/**
 * find is one round trip for any depth, but each exec starts the user's login shell, which on
 * GPU servers often runs conda/pyenv init (up to seconds, and that much server CPU); the SFTP walk needs a few round trips per folder level and no shell.
 * Neither wins everywhere, so they race: the walk starts at once, find joins if the walk is not
 * done after `findAfterMs` (small trees and missing roots then cost no exec at all), and the
 * first complete list is used; the other is cancelled.
 */
async function raceScans(
  transport: RemoteScanTransport,
  session: SftpSession,
  root: string,
  host: string,
  viaSftp: (signal?: AbortSignal) => Promise<RemoteScan>,
  signal: AbortSignal | undefined,
  findAfterMs: number,
): Promise<RemoteScan> {
  const stopFind = new AbortController();
  const stopWalk = new AbortController();
  const onAbort = () => {
    stopFind.abort(signal?.reason);
    stopWalk.abort(signal?.reason);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const unavailable = new Error('find is not available');
  const walked = viaSftp(stopWalk.signal);
  let timer: NodeJS.Timeout | undefined;
  const found = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, findAfterMs);
    // The walk failing early (say, a permission problem) needs find's view too.
    walked.catch(resolve);
  }).then(async (): Promise<RemoteScan> => {
    if (stopFind.signal.aborted) throw unavailable;
    const entries = await scanWithFind(transport, session, root, host, stopFind.signal);
    if (entries === null) throw unavailable;
    return { entries, method: 'find' };
  });
  try {
    const winner = await Promise.any([found, walked]);
    signal?.throwIfAborted();
    return winner;
  } catch (error) {
    signal?.throwIfAborted();
    // Both failed: the walk's error is the more specific one (find often just cannot run).
    const errors = error instanceof AggregateError ? error.errors : [error];
    throw errors[1] ?? errors[0] ?? error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    clearTimeout(timer);
    stopFind.abort();
    stopWalk.abort();
    found.catch(() => undefined);
    walked.catch(() => undefined);
  }
}

// Anything a login shell prints before the command (a chatty .bashrc) comes before this.
const START_MARKER = 'LABDESK-SCAN-START';
const FIND_FORMAT = '%P\\0%y\\0%s\\0%T@\\0%m\\0%l\\0';
const FIELDS = 6;

/**
 * The exec command. `env LC_ALL=C` works from any login shell and keeps find's messages in
 * English; `-H` follows the root if it is a link and nothing below it. The root itself is
 * listed too (as the record with an empty path), so a root that is a file is caught without
 * another round trip.
 */
export function findCommand(root: string): string {
  const start = root.startsWith('-') ? `./${root}` : root; // else find would read it as an option
  return `${shellCommand(['printf', '%s\\0', START_MARKER])}; ${shellCommand(['env', 'LC_ALL=C', 'find', '-H', start, '-printf', FIND_FORMAT])}`;
}

/** The entries find listed, [] for a missing root, or null when find cannot do it (use SFTP). */
async function scanWithFind(transport: RemoteScanTransport, session: SftpSession, root: string, host: string, signal?: AbortSignal): Promise<RemoteEntry[] | null> {
  // Not cancelled when the walk wins: closing the channel could kill the login shell in the
  // middle of its rc files (an interrupted `pyenv rehash` leaves a lock that stalls every later
  // shell for 60 s). It finishes on its own and its answer is dropped.
  const result = await transport.exec(findCommand(root)).catch(() => null);
  if (signal?.aborted) return null;
  if (result === null) return null; // no exec channel (SFTP-only account)
  if (result.code === 0) {
    const parsed = parseFindOutput(result.stdout);
    if (parsed?.root === 'dir') return parsed.entries;
    if (parsed?.root === 'other') throw notAFolder(host, root);
    return null;
  }
  // find failed: a missing root, a folder it could not read, or a find without -printf.
  if ((await statRoot(session, root, host)) === 'missing') return [];
  const denied = /^find: (.*): Permission denied$/m.exec(result.stderr);
  if (denied) throw permissionDenied(host, unquoteFindPath(denied[1] ?? root));
  return null;
}

/**
 * Parses find's NUL-separated records (the root's own record has an empty path). Null when the
 * output is not what the command prints, e.g. an exec that ran something else.
 */
export function parseFindOutput(stdout: Buffer): { root: 'dir' | 'other'; entries: RemoteEntry[] } | null {
  const text = stdout.toString('utf8');
  const marker = text.indexOf(`${START_MARKER}\0`);
  if (marker < 0) return null;
  const fields = text.slice(marker + START_MARKER.length + 1).split('\0');
  if (fields.pop() !== '' || fields.length % FIELDS !== 0) return null;
  const entries: RemoteEntry[] = [];
  let root: 'dir' | 'other' | null = null;
  for (let i = 0; i < fields.length; i += FIELDS) {
    const [path = '', type = '', size = '', time = '', mode = '', link = ''] = fields.slice(i, i + FIELDS);
    if (!/^[a-zA-Z]$/.test(type) || !/^\d+$/.test(size) || !/^-?\d+(\.\d+)?$/.test(time) || !/^[0-7]+$/.test(mode)) return null;
    if (path === '') {
      root = type === 'd' ? 'dir' : 'other';
      continue;
    }
    const kind = type === 'f' ? 'file' : type === 'd' ? 'dir' : type === 'l' ? 'symlink' : 'other';
    entries.push({
      path,
      kind,
      size: Number(size),
      mtime: wholeSeconds(time),
      mode: parseInt(mode, 8) & 0o7777,
      ...(kind === 'symlink' && { linkTarget: link }),
    });
  }
  return root === null ? null : { root, entries: entries.sort(byPath) };
}

// Math.floor(Number('1700000000.9999999999')) is 1700000001: a double cannot hold that fraction.
function wholeSeconds(time: string): number {
  const [whole = '0', fraction = ''] = time.split('.');
  const seconds = Number(whole);
  return whole.startsWith('-') && /[1-9]/.test(fraction) ? seconds - 1 : seconds;
}

// GNU find quotes names in messages shell-style: 'a b', 'it'\''s'. Simple cases read back cleanly.
function unquoteFindPath(quoted: string): string {
  const simple = /^'([^']*)'$/.exec(quoted) ?? /^‘(.*)’$/.exec(quoted);
  return simple?.[1] ?? quoted;
}

/** The root's state before walking: missing, or a folder (anything else is an error). */
async function statRoot(session: SftpSession, root: string, host: string): Promise<'missing' | 'dir'> {
  const stats = await session.stat(root).catch((error: unknown) => {
    if (error instanceof SftpError && error.kind === 'no-such-file') return null;
    throw sftpError(error, host, root);
  });
  if (stats === null) return 'missing';
  if (!stats.isDirectory()) throw notAFolder(host, root);
  return 'dir';
}

/**
 * The SFTP walk, with many requests in flight at once: each folder's listing (OPENDIR, READDIRs,
 * CLOSE) overlaps with the others, and links are read with READLINK as they are found. Folder
 * entries carry lstat attributes (OpenSSH), so links are never followed. Every request goes
 * through SftpSession, so a dropped connection fails the walk at once instead of leaving it
 * waiting for answers ssh2 would never deliver.
 */
async function scanWithSftp(session: SftpSession, root: string, host: string, options: RemoteScanOptions): Promise<RemoteEntry[]> {
  const limit = options.concurrency ?? DEFAULT_CONCURRENCY;
  const absolute = (relative: string) => (relative === '' ? root : root === '/' ? `/${relative}` : `${root}/${relative}`);
  const entries: RemoteEntry[] = [];
  const dirs: string[] = [''];
  const links: RemoteEntry[] = [];
  let failure: unknown;
  let active = 0;
  let wake: (() => void) | undefined;

  const listDir = async (dir: string) => {
    const list = await session.readdir(absolute(dir)).catch((error: unknown) => {
      // A folder removed while scanning is simply gone; anything else stops the scan.
      if (error instanceof SftpError && error.kind === 'no-such-file') return [];
      throw sftpError(error, host, absolute(dir));
    });
    for (const item of list) {
      const entry = entryOf(dir === '' ? item.filename : `${dir}/${item.filename}`, item);
      if (entry.kind === 'dir') dirs.push(entry.path);
      if (entry.kind === 'symlink') links.push(entry);
      else entries.push(entry);
    }
  };
  const readLink = async (entry: RemoteEntry) => {
    const target = await session.readlink(absolute(entry.path)).catch((error: unknown) => {
      if (error instanceof SftpError && error.kind === 'no-such-file') return null;
      throw sftpError(error, host, absolute(entry.path));
    });
    if (target !== null) entries.push({ ...entry, linkTarget: target });
  };
  const start = (task: Promise<void>) => {
    active += 1;
    task.catch((error: unknown) => void (failure ??= error)).finally(() => {
      active -= 1;
      wake?.();
    });
  };
  for (;;) {
    if (failure !== undefined) throw failure;
    if (options.signal?.aborted) throw options.signal.reason;
    // Newest first keeps the queue short on wide trees.
    while (active < limit && (dirs.length > 0 || links.length > 0)) {
      const link = links.pop();
      start(link ? readLink(link) : listDir(dirs.pop() as string));
    }
    if (active === 0) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  return entries.sort(byPath);
}

function entryOf(path: string, item: FileEntry): RemoteEntry {
  const { mode, size, mtime } = item.attrs;
  const kind = kindOfMode(mode);
  return { path, kind, size, mtime, mode: mode & 0o7777 };
}

function sftpCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function sftpError(error: unknown, host: string, remotePath: string): ApiError {
  if (error instanceof SftpError && error.kind === 'permission-denied') return permissionDenied(host, remotePath);
  if (error instanceof SftpError) return error;
  if (sftpCode(error) === SFTP_PERMISSION_DENIED) return permissionDenied(host, remotePath);
  return new ApiError({ code: 'internal', message: `Could not list ${host}:${remotePath}: ${(error as Error).message}` });
}

export function notAFolder(host: string, root: string): ApiError {
  return new ApiError({ code: 'not-a-directory', message: `${host}:${root} is not a folder; choose a folder as the remote root.` });
}

function permissionDenied(host: string, remotePath: string): ApiError {
  return new ApiError({
    code: 'permission-denied',
    message: `Permission denied reading ${host}:${remotePath}. Fix its permissions on the server (the scan must see every folder to tell a deleted file from a hidden one).`,
  });
}

function byPath(a: RemoteEntry, b: RemoteEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
