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
}

export const createRunTabsSlice: EditorSlice<RunTabsSlice> = (set) => ({
  openRunLog(runId) {
    set((state) => showTab(state, { kind: 'run-log', id: `run-log:${runId}`, runId }));
  },
});
