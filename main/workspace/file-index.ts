import { opendir } from 'node:fs/promises';
import path from 'node:path';
import type { FileIndex } from '../../preload/api';
import { isLabdeskTempName } from '../common';
import { SKIPPED_BY_INDEX } from './hidden-names';

export const INDEX_FILE_LIMIT = 500_000;

export interface IndexProgress {
  (filesSoFar: number): void;
}

/**
 * Lists every file under `root` (workspace-relative POSIX paths) for quick open. Symlinks are
 * listed as files but never descended into, so a link to a data disk cannot blow up the walk.
 * Breadth-first with a few folders read concurrently: on 50k files this is I/O bound.
 */
export async function indexFiles(root: string, signal?: AbortSignal, onProgress?: IndexProgress): Promise<FileIndex> {
  const files: string[] = [];
  let queue: string[] = [''];
  let truncated = false;
  while (queue.length > 0 && !truncated) {
    const next: string[] = [];
    const batch = queue;
    queue = [];
    for (let i = 0; i < batch.length; i += 16) {
      signal?.throwIfAborted();
      await Promise.all(
        batch.slice(i, i + 16).map(async (dir) => {
          const handle = await opendir(path.join(root, dir)).catch(() => null);
          if (!handle) return; // unreadable or vanished folder: skip, the rest is still useful
          for await (const entry of handle) {
            const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
            if (entry.isDirectory()) {
              if (!SKIPPED_BY_INDEX.has(entry.name)) next.push(relative);
            } else if (!isLabdeskTempName(entry.name)) {
              files.push(relative);
            }
          }
        }),
      );
      if (files.length >= INDEX_FILE_LIMIT) {
        truncated = true;
        break;
      }
      onProgress?.(files.length);
    }
    queue = next;
  }
  files.sort();
  return { files: truncated ? files.slice(0, INDEX_FILE_LIMIT) : files, truncated };
}
