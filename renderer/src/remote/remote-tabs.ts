import type { EditedFile } from '../editor/edited-file';
import { updateTabs, type TabsState } from '../editor/tab-model';
import type { Tab } from '../editor/tabs';
import type { ServerVersion } from './server-version';

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

/** `remote:<target>:<abs path>`: the same path on two servers is two tabs. Also the model key. */
export const remoteTabId = (target: string, path: string) => `remote:${target}:${path}`;
export const remoteDiffTabId = (fileId: string) => `remote-diff:${fileId}`;

/** True when `path` is `folder` or inside it (POSIX, so `/` holds everything). */
export const within = (path: string, folder: string) => path === folder || path.startsWith(folder === '/' ? '/' : `${folder}/`);

export type RemoteTabChange = Partial<Omit<RemoteFileTab, 'kind' | 'id' | 'path' | 'target'>>;

const isRemoteTab = (id: string) => (tab: Tab): tab is RemoteFileTab => tab.kind === 'remote-file' && tab.id === id;

export function findRemoteTab(state: TabsState<Tab>, id: string): RemoteFileTab | undefined {
  return state.tabs.find(isRemoteTab(id));
}

export function patchRemoteTab(state: TabsState<Tab>, id: string, change: RemoteTabChange): { tabs: Tab[] } {
  return { tabs: updateTabs(state.tabs, isRemoteTab(id), (tab) => ({ ...tab, ...change })) };
}

/** Drops the conflict state of a remote tab (after a save or taking theirs). */
export function clearRemoteConflict(state: TabsState<Tab>, id: string, change: RemoteTabChange): { tabs: Tab[] } {
  return {
    tabs: updateTabs(state.tabs, isRemoteTab(id), (tab) => {
      const { error: _error, serverVersion: _server, ...rest } = tab;
      return { ...rest, ...change };
    }),
  };
}
