import type * as Monaco from 'monaco-editor/editor/editor.api';

interface VimAdapter {
  dispose(): void;
}

/** Turns monaco-vim on for an editor; the status node shows the mode (-- INSERT --, :commands). */
export async function enableVim(editor: Monaco.editor.IStandaloneCodeEditor, statusNode: HTMLElement): Promise<VimAdapter> {
  const { initVimMode } = await import('monaco-vim');
  return initVimMode(editor, statusNode) as VimAdapter;
}
