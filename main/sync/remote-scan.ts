import type { FileEntry, SFTPWrapper, Stats } from 'ssh2';
import { ApiError } from '../api/api-error';
import { shellCommand } from '../ssh/shell-quote';
import type { RemoteEntry } from './sync-types';

/** What the scan needs from a connection; the connection manager provides it. */
export interface RemoteScanTransport {
  /** Runs a command line (built with shellCommand) through the user's shell on the server. */
  exec(command: string): Promise<{ code: number | null; stdout: Buffer; stderr: string }>;
  readonly sftp: SFTPWrapper;
}

export interface RemoteScanOptions {
  /** `user@host:port`, for messages. */
  readonly hostLabel?: string;
  /** 'auto' (default): one `find` over exec, SFTP when that is not possible. 'sftp': SFTP only. */
  readonly method?: 'auto' | 'sftp';
  /** SFTP requests kept in flight by the fallback walk. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

export interface RemoteScan {
  /** Sorted by path (code unit order), root-relative POSIX paths. */
  readonly entries: RemoteEntry[];
  readonly method: 'find' | 'sftp';
}

const DEFAULT_CONCURRENCY = 32;
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

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
  options.signal?.throwIfAborted();
  if (options.method !== 'sftp') {
    const found = await scanWithFind(transport, root, host);
    if (found !== null) return { entries: found, method: 'find' };
  }
  if ((await statRoot(transport.sftp, root, host)) === 'missing') return { entries: [], method: 'sftp' };
  return { entries: await scanWithSftp(transport.sftp, root, host, options), method: 'sftp' };
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
async function scanWithFind(transport: RemoteScanTransport, root: string, host: string): Promise<RemoteEntry[] | null> {
  const result = await transport.exec(findCommand(root)).catch(() => null);
  if (result === null) return null; // no exec channel (SFTP-only account)
  if (result.code === 0) {
    const parsed = parseFindOutput(result.stdout);
    if (parsed?.root === 'dir') return parsed.entries;
    if (parsed?.root === 'other') throw notAFolder(host, root);
    return null;
  }
  // find failed: a missing root, a folder it could not read, or a find without -printf.
  if ((await statRoot(transport.sftp, root, host)) === 'missing') return [];
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
async function statRoot(sftp: SFTPWrapper, root: string, host: string): Promise<'missing' | 'dir'> {
  const stats = await new Promise<Stats | null>((resolve, reject) =>
    sftp.stat(root, (error, result) => {
      if (!error) return resolve(result);
      if (sftpCode(error) === SFTP_NO_SUCH_FILE) return resolve(null);
      reject(sftpError(error, host, root));
    }),
  );
  if (stats === null) return 'missing';
  if (!stats.isDirectory()) throw notAFolder(host, root);
  return 'dir';
}

/**
 * The SFTP walk, with many requests in flight at once: each `readdir` (open, reads, close) of
 * one folder overlaps with the others, and links are read with `readlink` as they are found. Directory entries carry lstat attributes (OpenSSH), so links are never followed.
 */
function scanWithSftp(sftp: SFTPWrapper, root: string, host: string, options: RemoteScanOptions): Promise<RemoteEntry[]> {
  const limit = options.concurrency ?? DEFAULT_CONCURRENCY;
  const absolute = (relative: string) => (relative === '' ? root : root === '/' ? `/${relative}` : `${root}/${relative}`);
  const entries: RemoteEntry[] = [];
  type Task = { readonly kind: 'dir'; readonly path: string } | { readonly kind: 'link'; readonly entry: RemoteEntry };
  const tasks: Task[] = [{ kind: 'dir', path: '' }];
  let active = 0;

  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const finish = () => {
      active -= 1;
      if (failed) return;
      if (options.signal?.aborted) return fail(options.signal.reason);
      if (active === 0 && tasks.length === 0) resolve(entries.sort(byPath));
      else pump();
    };
    const listDir = (dir: string) =>
      sftp.readdir(absolute(dir), (error, list) => {
        if (error) {
          // A folder removed while scanning is simply gone; anything else stops the scan.
          if (sftpCode(error) !== SFTP_NO_SUCH_FILE) fail(sftpError(error, host, absolute(dir)));
          return finish();
        }
        for (const item of list) {
          const entry = entryOf(dir === '' ? item.filename : `${dir}/${item.filename}`, item);
          if (entry.kind === 'dir') tasks.push({ kind: 'dir', path: entry.path });
          if (entry.kind === 'symlink') tasks.push({ kind: 'link', entry });
          else entries.push(entry);
        }
        finish();
      });
    const readLink = (entry: RemoteEntry) =>
      sftp.readlink(absolute(entry.path), (error, target) => {
        if (error && sftpCode(error) !== SFTP_NO_SUCH_FILE) fail(sftpError(error, host, absolute(entry.path)));
        else if (!error) entries.push({ ...entry, linkTarget: target });
        finish();
      });
    const pump = () => {
      while (!failed && active < limit && tasks.length > 0) {
        const task = tasks.pop() as Task; // newest first keeps the queue short on wide trees
        active += 1;
        if (task.kind === 'dir') listDir(task.path);
        else readLink(task.entry);
      }
    };
    pump();
  });
}

function entryOf(path: string, item: FileEntry): RemoteEntry {
  const { mode, size, mtime } = item.attrs;
  const type = mode & S_IFMT;
  const kind = type === S_IFREG ? 'file' : type === S_IFDIR ? 'dir' : type === S_IFLNK ? 'symlink' : 'other';
  return { path, kind, size, mtime, mode: mode & 0o7777 };
}

function sftpCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function sftpError(error: unknown, host: string, remotePath: string): ApiError {
  if (sftpCode(error) === SFTP_PERMISSION_DENIED) return permissionDenied(host, remotePath);
  return new ApiError({ code: 'internal', message: `Could not list ${host}:${remotePath}: ${(error as Error).message}` });
}

function notAFolder(host: string, root: string): ApiError {
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
