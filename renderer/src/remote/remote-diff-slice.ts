import { replaceContent } from '../editor/model-registry';
import { removeTab, showTab } from '../editor/tab-model';
import type { EditorSlice } from '../state/editor-store';
import { clearRemoteConflict, findRemoteTab, patchRemoteTab, remoteDiffTabId } from './remote-tabs';
import { readServerVersion } from './server-version';

/**
 * Server-vs-yours diffs (RemoteEditor's conflict view): after a refused save, the person compares
 * with what is on the server now and keeps their edits or takes the server's version.
 */
export interface RemoteDiffSlice {
  /** Reads the server's version again and shows it against the unsaved edits. */
  compareWithServer(id: string): Promise<void>;
  /** After a conflict: writes the edits over the server version just read (never an older one). */
  keepMineRemote(id: string): Promise<void>;
  /** After a conflict: takes the server's version into the tab. */
  takeTheirsRemote(id: string): void;
}

export const createRemoteDiffSlice: EditorSlice<RemoteDiffSlice> = (set, get) => ({
  async compareWithServer(id) {
    const tab = findRemoteTab(get(), id);
    if (!tab) return;
    const serverVersion = await readServerVersion(tab.path);
    set((state) => patchRemoteTab(state, id, { serverVersion }));
    set((state) => showTab(state, { kind: 'remote-diff', id: remoteDiffTabId(id), path: tab.path, target: tab.target, fileId: id }));
  },

  async keepMineRemote(id) {
    const server = findRemoteTab(get(), id)?.serverVersion;
    if (!server || server.kind === 'unknown') return;
    // Only over the version the person just saw: if it changed again, this is a new conflict.
    const expected = server.kind === 'missing' ? null : { size: server.size, mtimeMs: server.mtimeMs };
    if (await get().saveRemote(id, expected)) {
      set((state) => removeTab(state, remoteDiffTabId(id)));
      set({ activeId: id });
    }
  },

  takeTheirsRemote(id) {
    const server = findRemoteTab(get(), id)?.serverVersion;
    if (server?.kind !== 'text') return;
    replaceContent(id, server.text);
    set((state) => clearRemoteConflict(state, id, { size: server.size, mtimeMs: server.mtimeMs, dirty: false }));
    set((state) => removeTab(state, remoteDiffTabId(id)));
    set({ activeId: id });
  },
});
