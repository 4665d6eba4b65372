import path from 'node:path';
import type { FileChange, FileChangeType } from '../../preload/api';
import { isLabdeskTempName } from '../common';
import { HIDDEN_IN_TREE } from './hidden-names';
import { isInside, relativeFromRoot } from './workspace-path';

const BATCH_MS = 75;

export interface WorkspaceWatcher {
  close(): Promise<void>;
}

/**
 * Reports file changes under the root in batches, so an editor can reload a file changed by
 * another program and the tree can refresh. Uses @parcel/watcher: one native recursive watch
 * (inotify / FSEvents / ReadDirectoryChangesW) instead of one handle per folder.
 */
export async function watchWorkspace(root: string, onChanges: (changes: FileChange[]) => void): Promise<WorkspaceWatcher> {
  const watcher = await import('@parcel/watcher');
  let pending = new Map<string, FileChange>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const batch = [...pending.values()];
    pending = new Map();
    if (batch.length > 0) onChanges(batch);
  };
  const subscription = await watcher.subscribe(
    root,
    (error, events) => {
      if (error) return; // the watcher keeps going; a lost event only delays a refresh
      for (const event of events) {
        if (!isInside(root, event.path) || isLabdeskTempName(path.basename(event.path))) continue;
        const relative = relativeFromRoot(root, event.path);
        const type = mergeChange(pending.get(relative)?.type, event.type);
        if (type === null) pending.delete(relative);
        else pending.set(relative, { path: relative, type });
      }
      timer ??= setTimeout(flush, BATCH_MS);
    },
    { ignore: [...HIDDEN_IN_TREE].flatMap((name) => [name, `**/${name}`]) },
  );
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await subscription.unsubscribe();
    },
  };
}

/**
 * Folds two changes to one path within a batch, the way @parcel/watcher folds its own: a file
 * created and then written is still new ('create', so the tree adds it); deleted and created again
 * is a replacement ('update', so an open editor reloads it); created and deleted is nothing.
 */
function mergeChange(previous: FileChangeType | undefined, next: FileChangeType): FileChangeType | null {
  if (previous === 'create' && next === 'update') return 'create';
  if (previous === 'create' && next === 'delete') return null;
  if (previous === 'delete' && next === 'create') return 'update';
  return next;
}
