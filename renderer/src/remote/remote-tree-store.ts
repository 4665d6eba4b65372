import { create } from 'zustand';
import type { RemoteEntry, SyncTargetInfo } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { normalizeRemote } from './remote-rows';

/** The server the tree shows: the active target, by name, with the address used in messages. */
export interface RemoteTreeTarget {
  readonly name: string;
  /** `user@host:port` as the Server view shows it, for messages that must name the host. */
  readonly host: string;
  readonly remoteRoot: string;
}

interface RemoteTreeState {
  readonly target: RemoteTreeTarget | null;
  /** The folder at the top of the tree: the remote root, or a folder chosen with "Go to folder". */
  readonly root: string | null;
  readonly listings: Readonly<Record<string, readonly RemoteEntry[] | undefined>>;
  /** Folders whose listing stopped at the server's list limit. */
  readonly truncated: Readonly<Record<string, boolean | undefined>>;
  readonly loading: Readonly<Record<string, boolean | undefined>>;
  readonly expanded: Readonly<Record<string, boolean | undefined>>;
  readonly selected: string | null;
  /** The last failure, shown next to the tree (role=alert) until the next success or dismiss. */
  readonly error: string | null;
  /** Work in flight ("Downloading logs from gpu1…"), shown as a status line. */
  readonly busy: string | null;
  readonly collapsed: boolean;
  /** The upload quick-pick, open with the server folder files go to. */
  readonly uploadTo: string | null;
  attach(target: SyncTargetInfo | null): void;
  loadDir(dir: string): Promise<boolean>;
  toggle(path: string): void;
  expand(path: string): void;
  select(path: string | null): void;
  refresh(): Promise<void>;
  goTo(dir: string): Promise<void>;
  setCollapsed(collapsed: boolean): void;
  setError(message: string | null): void;
  setBusy(message: string | null): void;
  setUploadTo(dir: string | null): void;
  /** The entry shown for a path (the selected row), if it is loaded. */
  entry(path: string): RemoteEntry | undefined;
  /** Updates a shown entry (size, mtime) after the editor saved it on the same server. */
  entryChanged(target: string, entry: RemoteEntry): void;
}

export function targetAddress(target: SyncTargetInfo): string {
  return `${target.user ? `${target.user}@` : ''}${target.host}${target.port ? `:${target.port}` : ''}`;
}

const EMPTY = { listings: {}, truncated: {}, loading: {}, expanded: {}, selected: null, error: null, busy: null, uploadTo: null } as const;

export const useRemoteTree = create<RemoteTreeState>((set, get) => ({
  target: null,
  root: null,
  ...EMPTY,
  collapsed: false,

  attach(info) {
    const current = get().target;
    const next = info ? { name: info.name, host: targetAddress(info), remoteRoot: normalizeRemote(info.remoteRoot) } : null;
    if (current?.name === next?.name && current?.host === next?.host && current?.remoteRoot === next?.remoteRoot) return;
    set({ target: next, root: next?.remoteRoot ?? null, ...EMPTY });
  },

  async loadDir(dir) {
    const target = get().target;
    if (!target) return false;
    set((state) => ({ loading: { ...state.loading, [dir]: true } }));
    try {
      const listing = await api().remote.list({ dir });
      if (get().target !== target) return false; // another server meanwhile
      set((state) => ({
        listings: { ...state.listings, [dir]: listing.entries },
        truncated: { ...state.truncated, [dir]: listing.truncated },
        loading: { ...state.loading, [dir]: false },
        error: null,
      }));
      return true;
    } catch (error) {
      if (get().target !== target) return false;
      const gone = errorCode(error) === 'not-found';
      set((state) => ({
        listings: { ...state.listings, [dir]: gone || dir === state.root ? undefined : state.listings[dir] },
        expanded: { ...state.expanded, [dir]: gone ? false : state.expanded[dir] },
        loading: { ...state.loading, [dir]: false },
        // A folder that vanished is dropped quietly, unless it is the top of the tree.
        error: gone && dir !== state.root ? state.error : `Could not list ${dir} on ${target.name}: ${errorMessage(error)}`,
      }));
      return false;
    }
  },

  toggle(path) {
    const open = !get().expanded[path];
    const { selected } = get();
    // Collapsing a folder that holds the selection moves the selection to the folder (as the Files tree shows it).
    const hidden = !open && selected !== null && selected.startsWith(`${path}/`);
    set((state) => ({ expanded: { ...state.expanded, [path]: open }, ...(hidden && { selected: path }) }));
    if (open && !get().listings[path]) void get().loadDir(path);
  },

  expand(path) {
    if (!get().expanded[path]) get().toggle(path);
  },

  select(path) {
    set({ selected: path });
  },

  async refresh() {
    const { root, listings, expanded } = get();
    if (root === null) return;
    // The root and every open folder; listings of collapsed folders are dropped (reloaded on expand).
    const open = Object.keys(listings).filter((dir) => dir === root || expanded[dir]);
    set((state) => ({ listings: Object.fromEntries(Object.entries(state.listings).filter(([dir]) => open.includes(dir))) }));
    await Promise.all(open.map((dir) => get().loadDir(dir)));
    if (!open.includes(root)) await get().loadDir(root);
  },

  async goTo(dir) {
    const root = normalizeRemote(dir);
    set({ root, ...EMPTY });
    await get().loadDir(root);
  },

  setCollapsed(collapsed) {
    set({ collapsed });
  },

  setError(error) {
    set({ error });
  },

  setBusy(busy) {
    set({ busy });
  },

  setUploadTo(uploadTo) {
    set({ uploadTo });
  },

  entryChanged(target, changed) {
    if (get().target?.name !== target) return;
    set((state) => ({
      listings: Object.fromEntries(
        Object.entries(state.listings).map(([dir, entries]) => [dir, entries?.map((candidate) => (candidate.path === changed.path ? { ...candidate, size: changed.size, mtimeMs: changed.mtimeMs } : candidate))]),
      ),
    }));
  },

  entry(path) {
    for (const entries of Object.values(get().listings)) {
      const found = entries?.find((candidate) => candidate.path === path);
      if (found) return found;
    }
    return undefined;
  },
}));
