import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteStamp } from '../sync-types';
import type { UploadFailureCode, UploadResult } from '../transfer/transfer';

/** What the caller's scan saw of a file: enough for its tar header without a stat of our own. */
export interface LocalStat {
  readonly size: number;
  /** st_mode; the permission bits go in the header. */
  readonly mode: number;
  readonly mtimeMs: number;
}

/** One file of a tar push, from its local read to its result on the server. */
export interface FileState {
  /** Position in `relativePaths`. */
  readonly index: number;
  readonly rel: string;
  readonly localPath: string;
  readonly remotePath: string;
  size: number;
  /** Size, mode and mtime as last seen locally (the caller's scan, or the lstat here). */
  known?: LocalStat;
  /** In the archive, so it is somewhere under the staging folder until moved. */
  streamed?: boolean;
  /** Set when the file can't be pushed; it is then neither streamed nor moved. */
  failure?: { code: UploadFailureCode; message: string };
  result?: UploadResult;
  /** Its stamp in the staging folder, from the `find` after tar (a RENAME keeps it). */
  staged?: RemoteStamp;
  /** sha256 of the content streamed (only when asked for). */
  hash?: string;
  /** The topmost of `newDirs` it is in: it goes into place with that folder, not by itself. */
  folder?: string;
  /** No longer in the staging folder (moved in with its folder, or removed from it). */
  gone?: boolean;
}

/** A relative path that stays inside the root: no '..', no absolute, no empty segments. */
export function validRelative(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.includes('\0') || rel.includes('\\')) return false;
  return rel.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/**
 * The push's files, checked: a path that leaves the project or names Labdesk's own folder fails
 * at once; a file the caller's scan saw takes its size from there (a file that changed since
 * fails when it is read); without a scan, each is lstat'ed here, except when the push is shared
 * with another transfer: its files are opened (and checked) as they are read.
 */
export async function describeFiles(localRoot: string, relativePaths: readonly string[], root: string, localStats: ReadonlyArray<LocalStat | undefined> | undefined, shared: boolean): Promise<FileState[]> {
  const files: FileState[] = relativePaths.map((rel, index) => ({
    index,
    rel,
    localPath: path.join(localRoot, ...rel.split('/')),
    remotePath: path.posix.join(root, rel),
    size: 0,
    ...(localStats?.[index] && { known: localStats[index] }),
  }));
  const unknown: FileState[] = [];
  for (const file of files) {
    if (!validRelative(file.rel) || file.rel.split('/')[0] === '.labdesk') markFailed(file, 'failed', `Not pushed: ${JSON.stringify(file.rel)} is not a relative path inside the project.`);
    else if (file.known) file.size = file.known.size;
    else if (!shared) unknown.push(file);
  }
  await Promise.all(
    unknown.map(async (file) => {
      const stats = await lstat(file.localPath).catch((error: Error) => error);
      if (stats instanceof Error) return markFailed(file, 'failed', `Could not read ${file.localPath}: ${stats.message}`);
      if (!stats.isFile()) return markFailed(file, 'failed', `Not pushed: ${file.localPath} is not a regular file (tar push sends regular files only).`);
      file.size = stats.size;
      file.known = stats;
    }),
  );
  return files;
}

/** The first failure of a file is the one reported. */
export function markFailed(file: FileState, code: UploadFailureCode, message: string): void {
  file.failure ??= { code, message };
}

/** Each file's result: what the server confirmed, else its failure. */
export function resultsOf(files: readonly FileState[]): UploadResult[] {
  return files.map((file) => file.result ?? { remotePath: file.remotePath, ok: false, code: file.failure?.code ?? 'failed', message: file.failure?.message ?? 'Not pushed.' });
}
