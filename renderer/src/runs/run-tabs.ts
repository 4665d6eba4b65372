import type { EditorSlice } from '../state/editor-store';
import { showTab } from '../editor/tab-model';

/** Two runs side by side. */
export interface RunCompareTab {
  readonly kind: 'run-compare';
  readonly id: string;
  readonly left: string;
  readonly right: string;
}

/** A run's output.log, followed as it grows. */
export interface RunLogTab {
  readonly kind: 'run-log';
  readonly id: string;
  readonly runId: string;
}

export interface RunTabsSlice {
  openRunLog(runId: string): void;
  /** The run's code.patch in the patch view (its changes on top of its commit). */
  openRunPatch(runId: string, commit: string | null): void;
  openRunCompare(left: string, right: string): void;
}

export const createRunTabsSlice: EditorSlice<RunTabsSlice> = (set) => ({
  openRunLog(runId) {
    set((state) => showTab(state, { kind: 'run-log', id: `run-log:${runId}`, runId }));
  },
  openRunCompare(left, right) {
    set((state) => showTab(state, { kind: 'run-compare', id: `run-compare:${left}..${right}`, left, right }));
  },
  openRunPatch(runId, commit) {
    set((state) => showTab(state, { kind: 'patch', id: `patch:run:${runId}`, from: commit, to: commit ?? '', run: runId, title: `code of ${runId}` }));
  },
});
