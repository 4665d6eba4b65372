import type { RemoteEntry } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { adoptContent, loadingFile } from '../editor/edited-file';
import { disposeModel, getModel, isDirty, markSaved, renameModel } from '../editor/model-registry';
import { hasTab, removeTab, showTab } from '../editor/tab-model';
import type { Tab } from '../editor/tabs';
import type { EditorSlice } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useSync } from '../sync/sync-store';
import { useRemoteTree } from './remote-tree-store';
import { clearRemoteConflict, findRemoteTab, patchRemoteTab, remoteDiffTabId, remoteTabId, within, type RemoteFileTab, type RemoteTabChange } from './remote-tabs';
import { readServerVersion } from './server-version';

/**
 * Tabs editing files on a server (remote explorer): opening, saving back only to the tab's own
 * target and only over the version it was opened with, and following renames/deletions made in
 * the server tree.
 */
export interface RemoteFileSlice {
  /** Opens a server file of the active target (remote explorer). */
  openRemote(path: string, target: { name: string; host: string }): Promise<void>;
  /** Saves a remote tab; `expected` overrides the version it must replace (null: whatever is there). */
  saveRemote(id: string, expected?: { size: number; mtimeMs: number } | null): Promise<boolean>;
  remotePathRenamed(target: string, from: string, to: string): void;
  remotePathDeleted(target: string, path: string): void;
}

export const createRemoteFileSlice: EditorSlice<RemoteFileSlice> = (set, get) => {
  const updateRemoteTab = (id: string, change: RemoteTabChange) => set((state) => patchRemoteTab(state, id, change));
  const remoteDirtyListener = (id: string) => (dirty: boolean) => updateRemoteTab(id, { dirty });

  return {
    async openRemote(path, target) {
      const id = remoteTabId(target.name, path);
      const loading: RemoteFileTab = { kind: 'remote-file', id, path, target: target.name, host: target.host, ...loadingFile };
      const added = !hasTab(get(), id);
      set((state) => showTab(state, loading));
      if (!added) return; // already open: showing it was all
      try {
        const content = await api().remote.read({ path });
        updateRemoteTab(id, adoptContent(content, id, remoteDirtyListener(id)));
      } catch (error) {
        updateRemoteTab(id, { status: 'error', error: `Could not open ${path} on ${target.name} (${target.host}): ${errorMessage(error)}` });
      }
    },

    async saveRemote(id, expectedOverride) {
      const tab = findRemoteTab(get(), id);
      const model = getModel(id);
      if (!tab || !model || tab.readOnly || tab.status !== 'text' || tab.saving) return false;
      // The API writes to the active target only; writing this tab's text to another server would be data loss.
      const active = useSync.getState().status.target;
      if (active !== tab.target) {
        updateRemoteTab(id, {
          error: `${tab.path} is on ${tab.target}, but ${active === null ? 'no server' : active} is active. Activate ${tab.target} in the Server view to save it; nothing was written.`,
        });
        return false;
      }
      const text = model.getValue();
      const expected = expectedOverride !== undefined ? expectedOverride : tab.mtimeMs !== null ? { size: tab.size, mtimeMs: tab.mtimeMs } : null;
      updateRemoteTab(id, { saving: true });
      try {
        const written: RemoteEntry = await api().remote.write({ path: tab.path, text, expected });
        markSaved(id, text);
        set((state) => clearRemoteConflict(state, id, { size: written.size, mtimeMs: written.mtimeMs, dirty: isDirty(id), saving: false }));
        useRemoteTree.getState().entryChanged(tab.target, written);
        return true;
      } catch (error) {
        if (errorCode(error) === 'conflict') {
          const serverVersion = await readServerVersion(tab.path);
          updateRemoteTab(id, {
            saving: false,
            serverVersion,
            error: `${tab.path} changed on ${tab.target} since you opened it, so nothing was written. Compare with the server to choose what to keep.`,
          });
        } else {
          const message = `Could not save ${tab.path} on ${tab.target} (${tab.host}): ${errorMessage(error)}`;
          updateRemoteTab(id, { saving: false, error: message });
          notify('error', message, { source: `${tab.target}:${tab.path}` });
        }
        return false;
      }
    },

    remotePathRenamed(target, from, to) {
      set((state) => {
        let activeId = state.activeId;
        const tabs = state.tabs.flatMap((tab): Tab[] => {
          if ((tab.kind !== 'remote-file' && tab.kind !== 'remote-diff') || tab.target !== target || !within(tab.path, from)) return [tab];
          if (tab.kind === 'remote-diff') return []; // reopened from the moved tab when needed
          const moved = to + tab.path.slice(from.length);
          const id = remoteTabId(target, moved);
          renameModel(tab.id, id, remoteDirtyListener(id));
          if (activeId === tab.id) activeId = id;
          return [{ ...tab, id, path: moved }];
        });
        return { tabs, activeId: activeId !== null && tabs.some((tab) => tab.id === activeId) ? activeId : (tabs[0]?.id ?? null) };
      });
    },

    remotePathDeleted(target, path) {
      // Tabs with unsaved edits stay open: saving them recreates the file on the server.
      for (const tab of get().tabs) {
        if (tab.kind === 'remote-file' && tab.target === target && within(tab.path, path) && !tab.dirty) {
          set((state) => removeTab(state, remoteDiffTabId(tab.id)));
          set((state) => removeTab(state, tab.id));
          disposeModel(tab.id);
        }
      }
    },
  };
};
