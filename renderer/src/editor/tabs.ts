import { baseName } from '../files/tree-rows';
import type { FileHistoryTab, FolderCompareTab, GitDiffTab, GraphTab, PatchTab } from '../git/git-tabs';
import type { JournalPreviewTab } from '../journal/journal-tabs';
import type { RemoteDiffTab, RemoteFileTab } from '../remote/remote-tabs';
import type { RunCompareTab, RunLogTab } from '../runs/run-tabs';
import type { EditedFile } from './edited-file';
import { updateTabs, type TabsState } from './tab-model';

/** The kinds of tab the editor shows, and what the tab bar and title need from each. */

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

export type Tab = FileTab | DiffTab | RemoteFileTab | RemoteDiffTab | GraphTab | GitDiffTab | FileHistoryTab | PatchTab | FolderCompareTab | JournalPreviewTab | RunLogTab | RunCompareTab;

export const fileTabId = (path: string) => `file:${path}`;
export const diffTabId = (path: string) => `disk-diff:${path}`;

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
    case 'graph':
      return 'Commit graph';
    case 'git-diff':
      return `${baseName(tab.path)} (${tab.leftLabel} ↔ ${tab.rightLabel})`;
    case 'file-history':
      return `History of ${baseName(tab.path)}`;
    case 'patch':
      return tab.title;
    case 'folder-compare':
      return `${tab.path || 'Project'} ↔ ${tab.with.kind === 'server' ? 'server' : tab.with.path || 'project'}`;
    case 'journal-preview':
      return `${baseName(tab.path)} (preview)`;
    case 'run-log':
      return `Log ${tab.runId}`;
    case 'run-compare':
      return `${tab.left} ↔ ${tab.right}`;
  }
}

/** Where the tab's content lives, for tooltips and the editor's label: `gpu1:/srv/x/train.log`. */
export function tabLocation(tab: Tab): string {
  if (tab.kind === 'graph') return 'Commit graph';
  if (tab.kind === 'patch') return `Patch ${tab.title}`;
  if (tab.kind === 'folder-compare') return `Folder compare ${tabTitle(tab)}`;
  if (tab.kind === 'run-log') return `Run ${tab.runId}: output.log on its server`;
  if (tab.kind === 'run-compare') return `Runs ${tab.left} and ${tab.right}`;
  return tab.kind === 'remote-file' || tab.kind === 'remote-diff' ? `${tab.target}:${tab.path}` : tab.path;
}

/** True when the tab holds edits that are not saved. */
export function tabDirty(tab: Tab): boolean {
  return (tab.kind === 'file' || tab.kind === 'remote-file') && tab.dirty;
}

/** Local file tabs are keyed by workspace path (one tab per file), which is also their model key. */
export function findFileTab(state: TabsState<Tab>, path: string): FileTab | undefined {
  return state.tabs.find((tab): tab is FileTab => tab.kind === 'file' && tab.path === path);
}

export function patchFileTab(state: TabsState<Tab>, path: string, change: Partial<Omit<FileTab, 'kind' | 'id' | 'path'>>): { tabs: Tab[] } {
  return { tabs: updateTabs(state.tabs, (tab): tab is FileTab => tab.kind === 'file' && tab.path === path, (tab) => ({ ...tab, ...change })) };
}
