import { create } from 'zustand';
import type { FileChange, FileContent, RemoteEntry, RemoteFileOpen } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { createModel, disposeModel, getModel, isDirty, markSaved, renameModel, replaceContent } from '../editor/model-registry';
import { baseName } from '../files/tree-rows';
import { useRemoteTree } from '../remote/remote-tree-store';
import { useSync } from '../sync/sync-store';
import { ask } from './dialog-store';
import { notify, useNotifications } from './notifications-store';

/** What a tab editing a file (local or remote) knows about it and its editor. */
interface EditedFile {
  readonly status: 'loading' | 'text' | 'binary' | 'too-large' | 'error';
  readonly size: number;
  /**
   * mtime of the version (on disk, or on the server) this tab is based on; saves expect it to be
   * unchanged. Null when there is none: the file was deleted, or the tab recreates it.
   */
  readonly mtimeMs: number | null;
  readonly readOnly: boolean;
  /** Why the file opened read-only (too large), shown above the editor. */
  readonly notice?: string;
  readonly dirty: boolean;
  /** The last error about this file, shown above the editor until the next success. */
  readonly error?: string;
}

export interface FileTab extends EditedFile {
  readonly kind: 'file';
  readonly id: string;
  readonly path: string;
  /** Set when the file changed on disk while the tab had unsaved edits. */
  readonly diskVersion?: { readonly text: string; readonly mtimeMs: number };
}

export interface DiffTab {
  readonly kind: 'disk-diff';
  readonly id: string;
  /** The file whose unsaved edits are compared with its version on disk. */
  readonly path: string;
}

/** What a save found on the server instead of the version the tab was opened with. */
export type ServerVersion =
  | { readonly kind: 'text'; readonly text: string; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'binary' | 'too-large'; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'missing' }
  /** The server could not be asked (offline); keeping mine is refused until a compare succeeds. */
  | { readonly kind: 'unknown'; readonly message: string };

/**
 * A file on the active target's server (remote explorer), edited in Monaco like a local file.
 * Its model is registered under the tab id. Saves write back atomically and only over the
 * version it was opened with (`size` + `mtimeMs`); anything else is a conflict, never overwritten.
 */
export interface RemoteFileTab extends EditedFile {
  readonly kind: 'remote-file';
  readonly id: string;
  /** Absolute POSIX path on the server. */
  readonly path: string;
  /** The target (by name) the file belongs to; saves go only to that target while it is active. */
  readonly target: string;
  /** `user@host:port`, for messages. */
  readonly host: string;
  readonly saving?: boolean;
  /** Set when a save was refused because the server's copy changed: what is there now. */
  readonly serverVersion?: ServerVersion;
}

/** The server's version (left) against the unsaved edits of a remote tab (right). */
export interface RemoteDiffTab {
  readonly kind: 'remote-diff';
  readonly id: string;
  readonly path: string;
  readonly target: string;
  /** The remote file tab whose edits are compared. */
  readonly fileId: string;
}

export type Tab = FileTab | DiffTab | RemoteFileTab | RemoteDiffTab;

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
  /** Opens a server file of the active target (remote explorer). */
  openRemote(path: string, target: { name: string; host: string }): Promise<void>;
  /** Saves a remote tab; `expected` overrides the version it must replace (null: whatever is there). */
  saveRemote(id: string, expected?: { size: number; mtimeMs: number } | null): Promise<boolean>;
  /** Reads the server's version again and shows it against the unsaved edits. */
  compareWithServer(id: string): Promise<void>;
  /** After a conflict: writes the edits over the server version just read (never an older one). */
  keepMineRemote(id: string): Promise<void>;
  /** After a conflict: takes the server's version into the tab. */
  takeTheirsRemote(id: string): void;
  remotePathRenamed(target: string, from: string, to: string): void;
  remotePathDeleted(target: string, path: string): void;
  reset(): void;
}

const fileTabId = (path: string) => `file:${path}`;
const diffTabId = (path: string) => `disk-diff:${path}`;
/** `remote:<target>:<abs path>`: the same path on two servers is two tabs. Also the model key. */
export const remoteTabId = (target: string, path: string) => `remote:${target}:${path}`;
const remoteDiffTabId = (fileId: string) => `remote-diff:${fileId}`;

const within = (path: string, folder: string) => path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);

export function activeTab(state: Pick<EditorState, 'tabs' | 'activeId'>): Tab | undefined {
  return state.tabs.find((tab) => tab.id === state.activeId);
}

export function tabTitle(tab: Tab): string {
  switch (tab.kind) {
    case 'file':
      return baseName(tab.path);
    case 'disk-diff':
      return `${baseName(tab.path)} (disk ↔ yours)`;
    case 'remote-file':
      return `${baseName(tab.path)} — ${tab.target}`;
    case 'remote-diff':
      return `${baseName(tab.path)} (${tab.target} ↔ yours)`;
  }
}

/** Where the tab's content lives, for tooltips and the editor's label: `gpu1:/srv/x/train.log`. */
export function tabLocation(tab: Tab): string {
  return tab.kind === 'remote-file' || tab.kind === 'remote-diff' ? `${tab.target}:${tab.path}` : tab.path;
}

/** True when the tab holds edits that are not saved. */
export function tabDirty(tab: Tab): boolean {
  return (tab.kind === 'file' || tab.kind === 'remote-file') && tab.dirty;
}

/**
 * What an editable tab (local or remote) learns from the read that opens it. A text file also gets
 * its Monaco model, under `modelKey`, reporting dirty changes to `onDirty`.
 */
function adoptContent(content: FileContent | RemoteFileOpen, modelKey: string, onDirty: (dirty: boolean) => void): Partial<EditedFile> {
  if (content.kind !== 'text') return { status: content.kind, size: content.size, mtimeMs: content.mtimeMs };
  createModel(modelKey, content.text, onDirty);
  return {
    status: 'text',
    size: content.size,
    mtimeMs: content.mtimeMs,
    readOnly: content.readOnly,
    ...(content.notice !== undefined && { notice: content.notice }),
  };
}

/** Asks about a tab's unsaved edits before closing it; false when the person cancels or the save fails. */
async function saveBeforeClose(title: string, message: string, save: () => Promise<boolean>): Promise<boolean> {
  const choice = await ask(title, message, [
    { label: 'Save', value: 'save', primary: true },
    { label: "Don't Save", value: 'discard' },
    { label: 'Cancel', value: 'cancel' },
  ]);
  if (choice === 'cancel') return false;
  return choice !== 'save' || (await save());
}

export const useEditor = create<EditorState>((set, get) => {
  const updateFileTab = (path: string, change: Partial<Omit<FileTab, 'kind' | 'id' | 'path'>>) =>
    set((state) => ({
      tabs: state.tabs.map((tab) => (tab.kind === 'file' && tab.path === path ? { ...tab, ...change } : tab)),
    }));
  const fileTab = (path: string) => get().tabs.find((tab): tab is FileTab => tab.kind === 'file' && tab.path === path);
  const dirtyListener = (path: string) => (dirty: boolean) => updateFileTab(path, { dirty });
  const updateRemoteTab = (id: string, change: Partial<Omit<RemoteFileTab, 'kind' | 'id' | 'path' | 'target'>>) =>
    set((state) => ({
      tabs: state.tabs.map((tab) => (tab.kind === 'remote-file' && tab.id === id ? { ...tab, ...change } : tab)),
    }));
  const remoteTab = (id: string) => get().tabs.find((tab): tab is RemoteFileTab => tab.kind === 'remote-file' && tab.id === id);
  const remoteDirtyListener = (id: string) => (dirty: boolean) => updateRemoteTab(id, { dirty });
  /** Drops the conflict state of a remote tab (after a save or taking theirs). */
  const clearRemoteConflict = (id: string, change: Partial<Omit<RemoteFileTab, 'kind' | 'id' | 'path' | 'target'>>) =>
    set((state) => ({
      tabs: state.tabs.map((tab) => {
        if (tab.kind !== 'remote-file' || tab.id !== id) return tab;
        const { error: _error, serverVersion: _server, ...rest } = tab;
        return { ...rest, ...change };
      }),
    }));
  /** The server's version of a remote tab's file now (what a conflict is about). */
  const readServerVersion = async (tab: RemoteFileTab): Promise<ServerVersion> => {
    try {
      const now = await api().remote.read({ path: tab.path });
      return now.kind === 'text' ? { kind: 'text', text: now.text, size: now.size, mtimeMs: now.mtimeMs } : { kind: now.kind, size: now.size, mtimeMs: now.mtimeMs };
    } catch (error) {
      return errorCode(error) === 'not-found' ? { kind: 'missing' } : { kind: 'unknown', message: errorMessage(error) };
    }
  };

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

  /** Makes the tab with `tab.id` active, adding `tab` first when it is not open; true when it was added. */
  const showTab = (tab: Tab): boolean => {
    const added = !get().tabs.some((candidate) => candidate.id === tab.id);
    if (added) set((state) => ({ tabs: [...state.tabs, tab], activeId: tab.id }));
    else set({ activeId: tab.id });
    return added;
  };

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
      const loading: FileTab = { kind: 'file', id: fileTabId(path), path, status: 'loading', size: 0, mtimeMs: null, readOnly: true, dirty: false };
      if (!showTab(loading)) return; // already open: showing it was all
      try {
        const content = await api().workspace.read({ path });
        updateFileTab(path, adoptContent(content, path, dirtyListener(path)));
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
        const title = `Save changes to ${baseName(tab.path)}?`;
        if (!(await saveBeforeClose(title, 'Your changes will be lost if you close without saving.', () => get().save(tab.path)))) return false;
      }
      if (tab.kind === 'remote-file' && isDirty(tab.id)) {
        const title = `Save changes to ${baseName(tab.path)} on ${tab.target}?`;
        const message = `${tab.path} on ${tab.target} (${tab.host}): your changes will be lost if you close without saving.`;
        if (!(await saveBeforeClose(title, message, () => get().saveRemote(tab.id)))) return false;
      }
      removeTab(id);
      if (tab.kind === 'file') {
        removeTab(diffTabId(tab.path));
        disposeModel(tab.path);
        useNotifications.getState().dismiss(`conflict:${tab.path}`);
      }
      if (tab.kind === 'remote-file') {
        removeTab(remoteDiffTabId(tab.id));
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
      if (!tab) return;
      if (tab.kind === 'remote-file') await get().saveRemote(tab.id);
      else if (tab.kind === 'remote-diff') await get().saveRemote(tab.fileId);
      else await get().save(tab.path);
    },

    async saveAll() {
      for (const tab of get().tabs) {
        if (tab.kind === 'file' && tab.dirty) await get().save(tab.path);
        if (tab.kind === 'remote-file' && tab.dirty) await get().saveRemote(tab.id);
      }
    },

    compareWithDisk(path) {
      showTab({ kind: 'disk-diff', id: diffTabId(path), path });
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

    async openRemote(path, target) {
      const id = remoteTabId(target.name, path);
      const loading: RemoteFileTab = {
        kind: 'remote-file',
        id,
        path,
        target: target.name,
        host: target.host,
        status: 'loading',
        size: 0,
        mtimeMs: null,
        readOnly: true,
        dirty: false,
      };
      if (!showTab(loading)) return; // already open: showing it was all
      try {
        const content = await api().remote.read({ path });
        updateRemoteTab(id, adoptContent(content, id, remoteDirtyListener(id)));
      } catch (error) {
        updateRemoteTab(id, { status: 'error', error: `Could not open ${path} on ${target.name} (${target.host}): ${errorMessage(error)}` });
      }
    },

    async saveRemote(id, expectedOverride) {
      const tab = remoteTab(id);
      const model = getModel(id);
      if (!tab || !model || tab.readOnly || tab.status !== 'text' || tab.saving) return false;
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
        clearRemoteConflict(id, { size: written.size, mtimeMs: written.mtimeMs, dirty: isDirty(id), saving: false });
        useRemoteTree.getState().entryChanged(tab.target, written);
        return true;
      } catch (error) {
        if (errorCode(error) === 'conflict') {
          const serverVersion = await readServerVersion(tab);
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

    async compareWithServer(id) {
      const tab = remoteTab(id);
      if (!tab) return;
      const serverVersion = await readServerVersion(tab);
      updateRemoteTab(id, { serverVersion });
      showTab({ kind: 'remote-diff', id: remoteDiffTabId(id), path: tab.path, target: tab.target, fileId: id });
    },

    async keepMineRemote(id) {
      const server = remoteTab(id)?.serverVersion;
      if (!server || server.kind === 'unknown') return;
      // Only over the version the person just saw: if it changed again, this is a new conflict.
      const expected = server.kind === 'missing' ? null : { size: server.size, mtimeMs: server.mtimeMs };
      if (await get().saveRemote(id, expected)) {
        removeTab(remoteDiffTabId(id));
        set({ activeId: id });
      }
    },

    takeTheirsRemote(id) {
      const server = remoteTab(id)?.serverVersion;
      if (server?.kind !== 'text') return;
      replaceContent(id, server.text);
      clearRemoteConflict(id, { size: server.size, mtimeMs: server.mtimeMs, dirty: false });
      removeTab(remoteDiffTabId(id));
      set({ activeId: id });
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
      for (const tab of get().tabs) {
        if (tab.kind === 'remote-file' && tab.target === target && within(tab.path, path) && !tab.dirty) {
          removeTab(remoteDiffTabId(tab.id));
          removeTab(tab.id);
          disposeModel(tab.id);
        }
      }
    },

    reset() {
      for (const tab of get().tabs) {
        if (tab.kind === 'file') disposeModel(tab.path);
        if (tab.kind === 'remote-file') disposeModel(tab.id);
      }
      set({ tabs: [], activeId: null });
    },
  };
});
