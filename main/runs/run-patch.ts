import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommitFile, PatchResult } from '../../preload/api';
import { runFolder } from './run-store';

/** As for commits: at most this much patch text goes to the window, whole files only. */
const PATCH_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * A run's code.patch for the patch view: its files with +/- counts (binary files without), and
 * the text up to the limit, cut before the file that passes it. Read from the project; nothing
 * is applied anywhere.
 */
export async function readRunPatch(root: string, id: string): Promise<PatchResult> {
  const text = await readFile(path.join(runFolder(root, id), 'code.patch'), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const parts = text.split(/^(?=diff --git )/m).filter((part) => part.startsWith('diff --git '));
  const files = parts.map(fileOf);
  if (Buffer.byteLength(text) <= PATCH_LIMIT_BYTES) return { files, patch: text, truncated: false };
  let patch = '';
  for (const part of parts) {
    if (Buffer.byteLength(patch) + Buffer.byteLength(part) > PATCH_LIMIT_BYTES) break;
    patch += part;
  }
  return { files, patch, truncated: true };
}

function fileOf(part: string): CommitFile {
  const header = /^diff --git a\/(.*?) b\/(.*)$/m.exec(part);
  const oldPath = header?.[1] ?? '?';
  const newPath = header?.[2] ?? oldPath;
  const kind = /^new file mode/m.test(part) ? 'added' : /^deleted file mode/m.test(part) ? 'deleted' : 'modified';
  if (/^GIT binary patch$/m.test(part) || /^Binary files /m.test(part)) return { path: newPath, kind, additions: null, deletions: null };
  let additions = 0;
  let deletions = 0;
  for (const line of part.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) additions++;
    else if (line.startsWith('-')) deletions++;
  }
  return { path: newPath, kind, additions, deletions };
}
