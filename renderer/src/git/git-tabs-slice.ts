import type { EditorSlice } from '../state/editor-store';
import { showTab } from '../editor/tab-model';
import type { CompareTarget } from '../../../preload/api';
import { useGraph } from './graph-store';
import { fileHistoryTabId, GRAPH_TAB_ID, gitDiffTabId, versionLabel, type DiffSide, type GitDiffTab } from './git-tabs';

export interface GitDiffRequest {
  readonly path: string;
  readonly oldPath?: string;
  readonly left: DiffSide;
  readonly right: DiffSide;
  readonly leftLabel?: string;
  readonly rightLabel?: string;
  readonly lines?: GitDiffTab['lines'];
}

/** Opening the graph and git diffs as editor tabs. */
export interface GitTabsSlice {
  openGraph(): void;
  openGitDiff(request: GitDiffRequest): void;
  openFileHistory(path: string): void;
  openPatch(from: string | null, to: string, title: string, untracked?: string): void;
  openFolderCompare(path: string, other: CompareTarget): void;
}

export const createGitTabsSlice: EditorSlice<GitTabsSlice> = (set) => ({
  openGraph() {
    // Ask main for the history now, not once the tab has rendered: the read overlaps the render.
    const graph = useGraph.getState();
    if (!graph.summary && !graph.error) void graph.open();
    set((state) => showTab(state, { kind: 'graph', id: GRAPH_TAB_ID }));
  },

  openGitDiff(request) {
    const tab: GitDiffTab = {
      kind: 'git-diff',
      id: gitDiffTabId(request.path, request.left, request.right),
      path: request.path,
      ...(request.oldPath !== undefined && { oldPath: request.oldPath }),
      left: request.left,
      right: request.right,
      leftLabel: request.leftLabel ?? versionLabel(request.left),
      rightLabel: request.rightLabel ?? versionLabel(request.right),
      lines: request.lines ?? null,
    };
    set((state) => showTab(state, tab));
  },

  openPatch(from, to, title, untracked) {
    set((state) => showTab(state, { kind: 'patch', id: `patch:${from ?? 'root'}..${to}`, from, to, title, ...(untracked && { untracked }) }));
  },

  openFolderCompare(path, other) {
    const id = `folder-compare:${path}..${other.kind === 'local' ? other.path : 'server'}`;
    set((state) => showTab(state, { kind: 'folder-compare', id, path, with: other }));
  },

  openFileHistory(path) {
    set((state) => showTab(state, { kind: 'file-history', id: fileHistoryTabId(path), path }));
  },
});
