import type { monaco } from './monaco-setup';

/** The code editor that has a file shown, for commands (find, replace) run from the palette. */
let current: monaco.editor.IStandaloneCodeEditor | null = null;

export function setActiveCodeEditor(editor: monaco.editor.IStandaloneCodeEditor | null): void {
  current = editor;
}

export function runEditorAction(actionId: string): void {
  if (!current) return;
  current.focus();
  void current.getAction(actionId)?.run();
}

export function hasActiveCodeEditor(): boolean {
  return current !== null;
}

/** The editor itself, for features that decorate it (blame). */
export function activeCodeEditor(): monaco.editor.IStandaloneCodeEditor | null {
  return current;
}
