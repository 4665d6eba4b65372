import type { EditorSlice, EditorState } from '../state/editor-store';
import { notify, useNotifications } from '../state/notifications-store';
import { replaceContent } from './model-registry';
import { removeTab, showTab } from './tab-model';
import { diffTabId, fileTabId, findFileTab } from './tabs';

/**
 * Disk-vs-yours diffs (DiskDiffView): when a file changed on disk under unsaved edits, the person
 * compares and then keeps their edits or takes the disk's version. Nothing is overwritten silently.
 */
export interface DiskDiffSlice {
  compareWithDisk(path: string): void;
  keepMine(path: string): Promise<void>;
  takeDisk(path: string): void;
}

/** Tells the user about a disk change that collides with unsaved edits; nothing is overwritten. */
export function offerCompare(get: () => EditorState, path: string, message: string): void {
  notify('warning', message, {
    id: `conflict:${path}`,
    source: path,
    actions: [
      { label: 'Compare', run: () => get().compareWithDisk(path) },
      { label: 'Keep mine', run: () => void get().keepMine(path) },
    ],
  });
}

export const createDiskDiffSlice: EditorSlice<DiskDiffSlice> = (set, get) => ({
  compareWithDisk(path) {
    set((state) => showTab(state, { kind: 'disk-diff', id: diffTabId(path), path }));
  },

  async keepMine(path) {
    if (await get().save(path, { overwrite: true })) {
      set((state) => removeTab(state, diffTabId(path)));
      set({ activeId: fileTabId(path) });
    }
  },

  takeDisk(path) {
    const tab = findFileTab(get(), path);
    if (!tab?.diskVersion) return;
    replaceContent(path, tab.diskVersion.text);
    const { diskVersion, error: _error, ...rest } = tab;
    set((state) => ({
      tabs: state.tabs.map((candidate) => (candidate.id === tab.id ? { ...rest, mtimeMs: diskVersion.mtimeMs, dirty: false } : candidate)),
    }));
    set((state) => removeTab(state, diffTabId(path)));
    set({ activeId: tab.id });
    useNotifications.getState().dismiss(`conflict:${path}`);
  },
});
