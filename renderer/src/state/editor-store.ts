import { create } from 'zustand';
import type { FileChange } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { createModel, disposeModel, getModel, isDirty, markSaved, renameModel, replaceContent } from '../editor/model-registry';
import { baseName } from '../files/tree-rows';
import { ask } from './dialog-store';
import { notify, useNotifications } from './notifications-store';

export interface FileTab {
  readonly kind: 'file';
  readonly id: string;
  readonly path: string;
  readonly status: 'loading' | 'text' | 'binary' | 'too-large' | 'error';
  readonly size: number;
  /** mtime of the version on disk this tab is based on; saves expect it to be unchanged. */
  readonly mtimeMs: number | null;
  readonly readOnly: boolean;
  readonly notice?: string;
  readonly dirty: boolean;
  /** The last error about this file, shown above the editor until the next success. */
  readonly error?: string;
  /** Set when the file changed on disk while the tab had unsaved edits. */
  readonly diskVersion?: { readonly text: string; readonly mtimeMs: number };
}

export interface DiffTab {
  readonly kind: 'disk-diff';
  readonly id: string;
  /** The file whose unsaved edits are compared with its version on disk. */
  readonly path: string;
}

export type Tab = FileTab | DiffTab;

interface EditorState {
  readonly tabs: readonly Tab[];
  readonly activeId: string | null;
  openFile(path: string): Promise<void>;
  activate(id: string): void;
  cycle(step: 1 | -1): void;
  closeTab(id: string): Promise<boolean>;
  closeActive(): Promise<void>;
  /** Closes every tab, asking about unsaved ones; false when the user cancelled. */
  closeAll(): Promise<boolean>;
  save(path: string, options?: { overwrite?: boolean }): Promise<boolean>;
  saveActive(): Promise<void>;
  saveAll(): Promise<void>;
  compareWithDisk(path: string): void;
  keepMine(path: string): Promise<void>;
  takeDisk(path: string): void;
  handleDiskChanges(changes: readonly FileChange[]): Promise<void>;
  pathRenamed(from: string, to: string): void;
  pathDeleted(path: string): void;
  reset(): void;
}

const fileTabId = (path: string) => `file:${path}`;
const diffTabId = (path: string) => `disk-diff:${path}`;

export function activeTab(state: Pick<EditorState, 'tabs' | 'activeId'>): Tab | undefined {
  return state.tabs.find((tab) => tab.id === state.activeId);
}

export function tabTitle(tab: Tab): string {
  return tab.kind === 'file' ? baseName(tab.path) : `${baseName(tab.path)} (disk ↔ yours)`;
}

export const useEditor = create<EditorState>((set, get) => {
  const updateFileTab = (path: string, change: Partial<Omit<FileTab, 'kind' | 'id' | 'path'>>) =>
    set((state) => ({
      tabs: state.tabs.map((tab) => (tab.kind === 'file' && tab.path === path ? { ...tab, ...change } : tab)),
    }));
  const fileTab = (path: string) => get().tabs.find((tab): tab is FileTab => tab.kind === 'file' && tab.path === path);
  const dirtyListener = (path: string) => (dirty: boolean) => updateFileTab(path, { dirty });

  /** Tells the user about a disk change that collides with unsaved edits; nothing is overwritten. */
  const offerCompare = (path: string, message: string) =>
    notify('warning', message, {
      id: `conflict:${path}`,
      source: path,
      actions: [
        { label: 'Compare', run: () => get().compareWithDisk(path) },
        { label: 'Keep mine', run: () => void get().keepMine(path) },
      ],
    });

  const removeTab = (id: string) => {
    set((state) => {
      const index = state.tabs.findIndex((tab) => tab.id === id);
      const tabs = state.tabs.filter((tab) => tab.id !== id);
      const activeId = state.activeId === id ? (tabs[Math.min(index, tabs.length - 1)]?.id ?? null) : state.activeId;
      return { tabs, activeId };
    });
  };

  return {
    tabs: [],
    activeId: null,

    async openFile(path) {
      const id = fileTabId(path);
      if (get().tabs.some((tab) => tab.id === id)) {
        set({ activeId: id });
        return;
      }
      const loading: FileTab = { kind: 'file', id, path, status: 'loading', size: 0, mtimeMs: null, readOnly: true, dirty: false };
      set((state) => ({ tabs: [...state.tabs, loading], activeId: id }));
      try {
        const content = await api().workspace.read({ path });
        if (content.kind === 'text') {
          createModel(path, content.text, dirtyListener(path));
          updateFileTab(path, {
            status: 'text',
            size: content.size,
            mtimeMs: content.mtimeMs,
            readOnly: content.readOnly,
            ...(content.notice !== undefined && { notice: content.notice }),
          });
        } else {
          updateFileTab(path, { status: content.kind, size: content.size, mtimeMs: content.mtimeMs });
        }
      } catch (error) {
        updateFileTab(path, { status: 'error', error: errorMessage(error) });
        notify('error', errorMessage(error), { source: path });
      }
    },

    activate(id) {
      if (get().tabs.some((tab) => tab.id === id)) set({ activeId: id });
    },

    cycle(step) {
      const { tabs, activeId } = get();
      if (tabs.length === 0) return;
      const index = tabs.findIndex((tab) => tab.id === activeId);
      const next = tabs[(index + step + tabs.length) % tabs.length];
      if (next) set({ activeId: next.id });
    },

    async closeTab(id) {
      const tab = get().tabs.find((candidate) => candidate.id === id);
      if (!tab) return true;
      if (tab.kind === 'file' && isDirty(tab.path)) {
        const choice = await ask(`Save changes to ${baseName(tab.path)}?`, 'Your changes will be lost if you close without saving.', [
          { label: 'Save', value: 'save', primary: true },
          { label: "Don't Save", value: 'discard' },
          { label: 'Cancel', value: 'cancel' },
        ]);
        if (choice === 'cancel') return false;
        if (choice === 'save' && !(await get().save(tab.path))) return false;
      }
      removeTab(id);
      if (tab.kind === 'file') {
        removeTab(diffTabId(tab.path));
        disposeModel(tab.path);
        useNotifications.getState().dismiss(`conflict:${tab.path}`);
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

    async save(path, options) {
      const tab = fileTab(path);
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
          offerCompare(path, errorMessage(error));
        } else {
          updateFileTab(path, { error: errorMessage(error) });
          notify('error', errorMessage(error), { source: path });
        }
        return false;
      }
    },

    async saveActive() {
      const tab = activeTab(get());
      if (tab) await get().save(tab.path);
    },

    async saveAll() {
      for (const tab of get().tabs) if (tab.kind === 'file' && tab.dirty) await get().save(tab.path);
    },

    compareWithDisk(path) {
      const id = diffTabId(path);
      if (!get().tabs.some((tab) => tab.id === id)) {
        set((state) => ({ tabs: [...state.tabs, { kind: 'disk-diff', id, path }] }));
      }
      set({ activeId: id });
    },

    async keepMine(path) {
      if (await get().save(path, { overwrite: true })) {
        removeTab(diffTabId(path));
        set({ activeId: fileTabId(path) });
      }
    },

    takeDisk(path) {
      const tab = fileTab(path);
      if (!tab?.diskVersion) return;
      replaceContent(path, tab.diskVersion.text);
      const { diskVersion, error: _error, ...rest } = tab;
      set((state) => ({
        tabs: state.tabs.map((candidate) => (candidate.id === tab.id ? { ...rest, mtimeMs: diskVersion.mtimeMs, dirty: false } : candidate)),
      }));
      removeTab(diffTabId(path));
      set({ activeId: tab.id });
      useNotifications.getState().dismiss(`conflict:${path}`);
    },

    async handleDiskChanges(changes) {
      for (const change of changes) {
        const tab = fileTab(change.path);
        if (!tab || tab.status !== 'text') continue;
        if (change.type === 'delete') {
          if (tab.dirty) offerCompare(change.path, `${change.path} was deleted on disk. Your unsaved version is still here; saving recreates the file.`);
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
          offerCompare(change.path, `${change.path} changed on disk while you have unsaved edits. Compare to choose what to keep.`);
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
      for (const tab of get().tabs) {
        if (tab.kind === 'file' && (tab.path === path || tab.path.startsWith(`${path}/`)) && !tab.dirty) {
          removeTab(tab.id);
          disposeModel(tab.path);
        }
      }
    },

    reset() {
      for (const tab of get().tabs) if (tab.kind === 'file') disposeModel(tab.path);
      set({ tabs: [], activeId: null });
    },
  };
});
