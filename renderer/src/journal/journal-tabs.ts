import type { EditorSlice } from '../state/editor-store';
import { showTab } from '../editor/tab-model';

/** A journal entry rendered as Markdown (the entry itself opens as a file tab to edit). */
export interface JournalPreviewTab {
  readonly kind: 'journal-preview';
  readonly id: string;
  readonly path: string;
}

export const journalPreviewTabId = (path: string) => `journal-preview:${path}`;

export interface JournalTabsSlice {
  openJournalPreview(path: string): void;
}

export const createJournalTabsSlice: EditorSlice<JournalTabsSlice> = (set) => ({
  openJournalPreview(path) {
    set((state) => showTab(state, { kind: 'journal-preview', id: journalPreviewTabId(path), path }));
  },
});
