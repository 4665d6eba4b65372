import type { EditorSlice } from '../state/editor-store';
import { showTab } from '../editor/tab-model';

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
}

export const createRunTabsSlice: EditorSlice<RunTabsSlice> = (set) => ({
  openRunLog(runId) {
    set((state) => showTab(state, { kind: 'run-log', id: `run-log:${runId}`, runId }));
  },
  openRunPatch(runId, commit) {
    set((state) => showTab(state, { kind: 'patch', id: `patch:run:${runId}`, from: commit, to: commit ?? '', run: runId, title: `code of ${runId}` }));
  },
});
