import type { EditorSlice } from '../state/editor-store';
import { useNotifications } from '../state/notifications-store';
import { baseName } from '../files/tree-rows';
import { remoteDiffTabId } from '../remote/remote-tabs';
import { saveBeforeClose } from './edited-file';
import { disposeModel, isDirty } from './model-registry';
import { activateTab, activeTab, cycleTabs, removeTab, type TabsState } from './tab-model';
import { diffTabId, type Tab } from './tabs';

/**
 * What applies to every tab whatever its kind: focus, closing (asking about unsaved edits first),
 * saving the active or all tabs, and resetting on workspace change. Kind-specific work is delegated
 * to the other slices through `get()`.
 */
export interface TabsSlice extends TabsState<Tab> {
  activate(id: string): void;
  cycle(step: 1 | -1): void;
  closeTab(id: string): Promise<boolean>;
  closeActive(): Promise<void>;
  /** Closes every tab, asking about unsaved ones; false when the user cancelled. */
  closeAll(): Promise<boolean>;
  saveActive(): Promise<void>;
  saveAll(): Promise<void>;
  reset(): void;
}

export const createTabsSlice: EditorSlice<TabsSlice> = (set, get) => ({
  tabs: [],
  activeId: null,

  activate(id) {
    set((state) => activateTab(state, id)); // unchanged state (a stale id) notifies nobody
  },

  cycle(step) {
    set((state) => cycleTabs(state, step));
  },

  async closeTab(id) {
    const tab = get().tabs.find((candidate) => candidate.id === id);
    if (!tab) return true;
    if (tab.kind === 'file' && isDirty(tab.path)) {
      const title = `Save changes to ${baseName(tab.path)}?`;
      if (!(await saveBeforeClose(title, 'Your changes will be lost if you close without saving.', () => get().save(tab.path)))) return false;
    }
    if (tab.kind === 'remote-file' && isDirty(tab.id)) {
      const title = `Save changes to ${baseName(tab.path)} on ${tab.target}?`;
      const message = `${tab.path} on ${tab.target} (${tab.host}): your changes will be lost if you close without saving.`;
      if (!(await saveBeforeClose(title, message, () => get().saveRemote(tab.id)))) return false;
    }
    set((state) => removeTab(state, id));
    // A diff only makes sense beside its file tab, and the model would otherwise leak.
    if (tab.kind === 'file') {
      set((state) => removeTab(state, diffTabId(tab.path)));
      disposeModel(tab.path);
      useNotifications.getState().dismiss(`conflict:${tab.path}`);
    }
    if (tab.kind === 'remote-file') {
      set((state) => removeTab(state, remoteDiffTabId(tab.id)));
      disposeModel(tab.id);
    }
    return true;
  },

  async closeActive() {
    const { activeId } = get();
    if (activeId) await get().closeTab(activeId);
  },

  async closeAll() {
    for (const tab of [...get().tabs].reverse()) {
      if (!(await get().closeTab(tab.id))) return false;
    }
    return true;
  },

  async saveActive() {
    const tab = activeTab(get());
    if (!tab) return;
    if (tab.kind === 'remote-file') await get().saveRemote(tab.id);
    else if (tab.kind === 'remote-diff') await get().saveRemote(tab.fileId);
    else if (tab.kind === 'graph' || tab.kind === 'file-history' || tab.kind === 'patch' || tab.kind === 'folder-compare' || tab.kind === 'journal-preview' || tab.kind === 'run-log' || tab.kind === 'run-compare') return;
    // A git diff's working-tree side is the file's own model: saving it saves the file.
    else if (tab.kind === 'git-diff') {
      if (tab.right.kind === 'worktree') await get().save(tab.path);
    } else await get().save(tab.path);
  },

  async saveAll() {
    for (const tab of get().tabs) {
      if (tab.kind === 'file' && tab.dirty) await get().save(tab.path);
      if (tab.kind === 'remote-file' && tab.dirty) await get().saveRemote(tab.id);
    }
  },

  reset() {
    for (const tab of get().tabs) {
      if (tab.kind === 'file') disposeModel(tab.path);
      if (tab.kind === 'remote-file') disposeModel(tab.id);
    }
    set({ tabs: [], activeId: null });
  },
});
