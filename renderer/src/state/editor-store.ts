import { create, type StateCreator } from 'zustand';
import { createDiskDiffSlice, type DiskDiffSlice } from '../editor/disk-diff-slice';
import { createFileTabsSlice, type FileTabsSlice } from '../editor/file-tabs-slice';
import { createTabsSlice, type TabsSlice } from '../editor/tabs-slice';
import { createGitTabsSlice, type GitTabsSlice } from '../git/git-tabs-slice';
import { createJournalTabsSlice, type JournalTabsSlice } from '../journal/journal-tabs';
import { createRunTabsSlice, type RunTabsSlice } from '../runs/run-tabs';
import { createRemoteDiffSlice, type RemoteDiffSlice } from '../remote/remote-diff-slice';
import { createRemoteFileSlice, type RemoteFileSlice } from '../remote/remote-file-slice';

/**
 * The editor's one store. Its slices live next to the features they serve; they stay in one store
 * because they share the tab list (a diff tab closes with its file tab, saving all covers every
 * kind) and components subscribe to `useEditor` as a whole.
 */
export type EditorState = TabsSlice & FileTabsSlice & DiskDiffSlice & RemoteFileSlice & RemoteDiffSlice & GitTabsSlice & JournalTabsSlice & RunTabsSlice;

/** A slice sees (and may set) the whole editor state, so slices can call each other through `get()`. */
export type EditorSlice<T> = StateCreator<EditorState, [], [], T>;

export const useEditor = create<EditorState>()((...args) => ({
  ...createTabsSlice(...args),
  ...createFileTabsSlice(...args),
  ...createDiskDiffSlice(...args),
  ...createRemoteFileSlice(...args),
  ...createRemoteDiffSlice(...args),
  ...createGitTabsSlice(...args),
  ...createJournalTabsSlice(...args),
  ...createRunTabsSlice(...args),
}));

// Components import the tab types and helpers from here, as before the split.
export { activeTab } from '../editor/tab-model';
export { tabDirty, tabLocation, tabTitle, type DiffTab, type FileTab, type Tab } from '../editor/tabs';
export { remoteTabId, type RemoteDiffTab, type RemoteFileTab } from '../remote/remote-tabs';
export type { ServerVersion } from '../remote/server-version';
