import { createHash } from 'node:crypto';
import { lstat, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { FileVersion, VersionContent } from '../../../preload/api';
import { fromFsError } from '../../common';
import { looksBinary, resolveInWorkspace } from '../../workspace';
import type { Repository } from '../repository';

/** Text above this is not put into a diff editor (it would freeze the window); sizes and hashes are shown. */
export const DIFF_TEXT_LIMIT = 10 * 1024 * 1024;
/** Images above this are described, not shown. */
const IMAGE_LIMIT = 10 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

/**
 * One side of a diff: the file in the working tree, in the index, or in a commit. Binary files
 * (a NUL in the first 8,000 bytes, git's rule) come back as size and blob hash; images as data
 * the window can show side by side.
 */
export async function readVersion(repo: () => Promise<Repository>, workspaceRoot: string, file: string, version: FileVersion): Promise<VersionContent> {
  // The working tree needs no repository (a diff with the server's copy works in any folder).
  const bytes = version.kind === 'worktree' ? await readWorkingFile(workspaceRoot, file) : await readBlob(await repo(), file, version);
  return bytes === null ? { kind: 'missing' } : describe(file, bytes);
}

function describe(file: string, bytes: Buffer): VersionContent {
  const size = bytes.length;
  const hash = blobHash(bytes);
  const mime = IMAGE_TYPES[path.extname(file).toLowerCase()];
  if (mime !== undefined && size <= IMAGE_LIMIT) return { kind: 'image', size, hash, mime, dataUrl: `data:${mime};base64,${bytes.toString('base64')}` };
  if (looksBinary(bytes)) return { kind: 'binary', size, hash };
  if (size > DIFF_TEXT_LIMIT) return { kind: 'too-large', size, hash };
  return { kind: 'text', text: bytes.toString('utf8'), size };
}

/** The id git gives these bytes as a blob, so a binary file's sides can be told apart. */
function blobHash(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

async function readWorkingFile(root: string, file: string): Promise<Buffer | null> {
  const absolute = await resolveInWorkspace(root, file, { followFinal: false });
  try {
    const info = await lstat(absolute);
    // git records a link as its text, and so does the diff.
    if (info.isSymbolicLink()) return Buffer.from(await readlink(absolute), 'utf8');
    if (!info.isFile()) return null;
    return await readFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fromFsError(error, 'read', file);
  }
}

async function readBlob(repo: Repository, file: string, version: Exclude<FileVersion, { kind: 'worktree' }>): Promise<Buffer | null> {
  const spec = version.kind === 'index' ? `:${repo.repoPath(file)}` : `${version.oid}:${repo.repoPath(file)}`;
  const result = await repo.run(['cat-file', 'blob', spec]);
  return result.code === 0 ? result.stdout : null;
}
