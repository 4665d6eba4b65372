import type { FileChange } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import type { EditorSlice } from '../state/editor-store';
import { notify, useNotifications } from '../state/notifications-store';
import { offerCompare } from './disk-diff-slice';
import { adoptContent, loadingFile } from './edited-file';
import { disposeModel, getModel, isDirty, markSaved, renameModel, replaceContent } from './model-registry';
import { hasTab, removeTab, showTab } from './tab-model';
import { fileTabId, findFileTab, patchFileTab, type FileTab } from './tabs';

/**
 * Tabs editing workspace files: opening, saving (only over the version on disk the tab is based
 * on), and following what happens on disk — changes, renames, deletions — without losing edits.
 */
export interface FileTabsSlice {
  /** Opens (and shows) a file; `background` opens its tab without switching to it (a diff needs its model). */
  openFile(path: string, options?: { background?: boolean }): Promise<void>;
  save(path: string, options?: { overwrite?: boolean }): Promise<boolean>;
  handleDiskChanges(changes: readonly FileChange[]): Promise<void>;
  pathRenamed(from: string, to: string): void;
  pathDeleted(path: string): void;
}

export const createFileTabsSlice: EditorSlice<FileTabsSlice> = (set, get) => {
  const updateFileTab = (path: string, change: Partial<Omit<FileTab, 'kind' | 'id' | 'path'>>) => set((state) => patchFileTab(state, path, change));
  const dirtyListener = (path: string) => (dirty: boolean) => updateFileTab(path, { dirty });

  return {
    async openFile(path, options) {
      const loading: FileTab = { kind: 'file', id: fileTabId(path), path, ...loadingFile };
      const added = !hasTab(get(), loading.id);
      if (options?.background) {
        if (added) set((state) => ({ tabs: [...state.tabs, loading] }));
      } else set((state) => showTab(state, loading));
      if (!added) return; // already open: showing it was all
      try {
        const content = await api().workspace.read({ path });
        updateFileTab(path, adoptContent(content, path, dirtyListener(path)));
      } catch (error) {
        updateFileTab(path, { status: 'error', error: errorMessage(error) });
        notify('error', errorMessage(error), { source: path });
      }
    },

    async save(path, options) {
      const tab = findFileTab(get(), path);
      const model = getModel(path);
      if (!tab || !model || tab.readOnly) return false;
      const text = model.getValue();
      try {
        const result = await api().workspace.write({
          path,
          text,
          ...(!options?.overwrite && tab.mtimeMs !== null && { expectedMtimeMs: tab.mtimeMs }),
        });
        markSaved(path, text);
        set((state) => ({
          tabs: state.tabs.map((candidate) => {
            if (candidate.kind !== 'file' || candidate.path !== path) return candidate;
            const { error: _error, diskVersion: _disk, ...rest } = candidate;
            return { ...rest, mtimeMs: result.mtimeMs, size: result.size, dirty: isDirty(path) };
          }),
        }));
        useNotifications.getState().dismiss(`conflict:${path}`);
        return true;
      } catch (error) {
        if (errorCode(error) === 'changed-on-disk') {
          const disk = await api().workspace.read({ path }).catch(() => null);
          if (disk?.kind === 'text') updateFileTab(path, { diskVersion: { text: disk.text, mtimeMs: disk.mtimeMs } });
          offerCompare(get, path, errorMessage(error));
        } else {
          updateFileTab(path, { error: errorMessage(error) });
          notify('error', errorMessage(error), { source: path });
        }
        return false;
      }
    },

    async handleDiskChanges(changes) {
      for (const change of changes) {
        const tab = findFileTab(get(), change.path);
        if (!tab || tab.status !== 'text') continue;
        if (change.type === 'delete') {
          if (tab.dirty) offerCompare(get, change.path, `${change.path} was deleted on disk. Your unsaved version is still here; saving recreates the file.`);
          else notify('warning', `${change.path} was deleted on disk. The tab keeps its last content; save to recreate the file.`, { source: change.path });
          updateFileTab(change.path, { mtimeMs: null });
          continue;
        }
        const disk = await api().workspace.read({ path: change.path }).catch(() => null);
        if (disk?.kind !== 'text' || disk.mtimeMs === tab.mtimeMs) continue;
        const model = getModel(change.path);
        if (!model) continue;
        if (model.getValue() === disk.text) {
          updateFileTab(change.path, { mtimeMs: disk.mtimeMs }); // our own save, or the same content
          if (!isDirty(change.path)) continue;
          markSaved(change.path);
        } else if (!isDirty(change.path)) {
          replaceContent(change.path, disk.text); // clean tab: follow the disk silently
          updateFileTab(change.path, { mtimeMs: disk.mtimeMs, size: disk.size });
        } else {
          updateFileTab(change.path, { diskVersion: { text: disk.text, mtimeMs: disk.mtimeMs } });
          offerCompare(get, change.path, `${change.path} changed on disk while you have unsaved edits. Compare to choose what to keep.`);
        }
      }
    },

    pathRenamed(from, to) {
      set((state) => ({
        tabs: state.tabs.map((tab) => {
          if (tab.kind !== 'file') return tab;
          const moved = tab.path === from ? to : tab.path.startsWith(`${from}/`) ? to + tab.path.slice(from.length) : null;
          if (moved === null) return tab;
          renameModel(tab.path, moved, dirtyListener(moved));
          if (state.activeId === tab.id) queueMicrotask(() => set({ activeId: fileTabId(moved) }));
          return { ...tab, id: fileTabId(moved), path: moved };
        }),
      }));
    },

    pathDeleted(path) {
      // Tabs with unsaved edits stay open: the person may still save them (recreating the file).
      for (const tab of get().tabs) {
        if (tab.kind === 'file' && (tab.path === path || tab.path.startsWith(`${path}/`)) && !tab.dirty) {
          set((state) => removeTab(state, tab.id));
          disposeModel(tab.path);
        }
      }
    },
  };
};
