import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { activeCodeEditor } from '../editor/active-editor';
import type { monaco } from '../editor/monaco-setup';
import { notify } from '../state/notifications-store';
import { relativeTime } from './relative-time';

interface Shown {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  readonly model: monaco.editor.ITextModel;
  readonly decorations: monaco.editor.IEditorDecorationsCollection;
  readonly listener: monaco.IDisposable;
}

let shown: Shown | null = null;

/** Blame is showing in the active editor. */
export function blameShown(): boolean {
  return shown !== null && activeCodeEditor() === shown.editor && shown.editor.getModel() === shown.model;
}

function hide(): void {
  shown?.decorations.clear();
  shown?.listener.dispose();
  shown = null;
}

/**
 * Who last changed each line, at the start of every line of the active file (short hash, author,
 * how long ago; the subject on hover), like git blame in a gutter. It goes away when the file is
 * edited (the lines no longer match) or switched, and with the same command again.
 */
export async function toggleBlame(path: string): Promise<void> {
  if (blameShown()) return hide();
  hide();
  const editor = activeCodeEditor();
  const model = editor?.getModel();
  if (!editor || !model) return;
  try {
    const blame = await api().git.blame({ path });
    const labels = blame.commits.map((commit) =>
      /^0+$/.test(commit.oid) ? { text: 'not committed yet'.padEnd(32), hover: 'Changed in the working tree, not committed' } : { text: `${commit.oid.slice(0, 7)} ${commit.author.slice(0, 12).padEnd(12)} ${relativeTime(commit.time).padEnd(11)}`, hover: `${commit.oid.slice(0, 10)} ${commit.author}: ${commit.subject}` },
    );
    let previous = -1;
    const decorations = blame.lines.map((index, line) => {
      const label = labels[index] ?? { text: '', hover: '' };
      // Consecutive lines of one commit show it once, so the blocks are easy to see.
      const repeat = index === previous;
      previous = index;
      return {
        range: { startLineNumber: line + 1, startColumn: 1, endLineNumber: line + 1, endColumn: 1 },
        options: { showIfCollapsed: true, before: { content: `${repeat ? ''.padEnd(label.text.length) : label.text} │ `, inlineClassName: 'blame-label' }, hoverMessage: { value: label.hover } },
      };
    });
    const collection = editor.createDecorationsCollection(decorations);
    const listener = model.onDidChangeContent(() => hide());
    shown = { editor, model, decorations: collection, listener };
  } catch (error) {
    notify('error', errorMessage(error), { source: path });
  }
}
