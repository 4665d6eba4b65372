import { create } from 'zustand';
import type { DirEntry, FileChange, WorkspaceInfo } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { parentOf } from '../files/tree-rows';
import { notify } from './notifications-store';

interface WorkspaceState {
  readonly info: WorkspaceInfo | null;
  readonly listings: Readonly<Record<string, readonly DirEntry[] | undefined>>;
  readonly expanded: Readonly<Record<string, boolean | undefined>>;
  readonly selected: string | null;
  /** All files, for quick open; `indexStale` after changes so the next quick open refreshes it. */
  readonly index: readonly string[] | null;
  readonly indexStale: boolean;
  readonly indexTruncated: boolean;
  open(path: string): Promise<boolean>;
  pickAndOpen(): Promise<void>;
  opened(info: WorkspaceInfo): void;
  /** Back to the welcome view (web mode's folder field) without closing the server's workspace. */
  showWelcome(): void;
  loadDir(dir: string): Promise<void>;
  toggle(dir: string): void;
  collapseAll(): void;
  select(path: string | null): void;
  refreshIndex(): Promise<void>;
  applyChanges(changes: readonly FileChange[]): void;
  reloadAll(): Promise<void>;
}

export const useWorkspace = create<WorkspaceState>((set, get) => ({
  info: null,
  listings: {},
  expanded: {},
  selected: null,
  index: null,
  indexStale: true,
  indexTruncated: false,

  async open(path) {
    try {
      get().opened(await api().workspace.open({ path }));
      return true;
    } catch (error) {
      notify('error', errorMessage(error), { source: path });
      return false;
    }
  },

  async pickAndOpen() {
    try {
      const info = await api().workspace.pickAndOpen({});
      if (info) get().opened(info);
    } catch (error) {
      notify('error', errorMessage(error));
    }
  },

  opened(info) {
    if (get().info?.root === info.root) return;
    set({ info, listings: {}, expanded: {}, selected: null, index: null, indexStale: true, indexTruncated: false });
    document.title = `${info.name} — Labdesk`;
    void get().loadDir('');
    void get().refreshIndex();
  },

  showWelcome() {
    set({ info: null, listings: {}, expanded: {}, selected: null, index: null, indexStale: true });
    document.title = 'Labdesk';
  },

  async loadDir(dir) {
    try {
      const entries = await api().workspace.list({ dir });
      set((state) => ({ listings: { ...state.listings, [dir]: entries } }));
    } catch (error) {
      // A folder that vanished is simply dropped from the tree; anything else is worth saying.
      set((state) => ({ listings: { ...state.listings, [dir]: undefined }, expanded: { ...state.expanded, [dir]: false } }));
      if ((error as { code?: string }).code !== 'not-found') notify('error', errorMessage(error), { source: dir || '/' });
    }
  },

  toggle(dir) {
    const open = !get().expanded[dir];
    set((state) => ({ expanded: { ...state.expanded, [dir]: open } }));
    if (open && !get().listings[dir]) void get().loadDir(dir);
  },

  collapseAll() {
    set({ expanded: {} });
  },

  select(path) {
    set({ selected: path });
  },

  async refreshIndex() {
    set({ indexStale: false });
    try {
      const index = await api().workspace.index({});
      set({ index: index.files, indexTruncated: index.truncated });
      if (index.truncated) notify('warning', `Quick open lists the first ${index.files.length.toLocaleString()} files only: this folder has more.`);
    } catch (error) {
      set({ indexStale: true });
      if ((error as { code?: string }).code !== 'cancelled') notify('error', `Could not index the files for quick open: ${errorMessage(error)}`);
    }
  },

  applyChanges(changes) {
    const { listings } = get();
    const dirs = new Set<string>();
    for (const change of changes) {
      const parent = parentOf(change.path);
      if (listings[parent]) dirs.add(parent);
      if (change.type === 'delete' && listings[change.path]) dirs.add(change.path);
    }
    for (const dir of dirs) void get().loadDir(dir);
    if (changes.some((c) => c.type !== 'update')) set({ indexStale: true });
  },

  async reloadAll() {
    const loaded = Object.keys(get().listings).filter((dir) => get().listings[dir]);
    await Promise.all(loaded.map((dir) => get().loadDir(dir)));
    await get().refreshIndex();
  },
}));
