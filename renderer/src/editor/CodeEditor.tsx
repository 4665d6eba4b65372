import { useEffect, useRef } from 'react';
import { useSettings } from '../state/settings-store';
import { getModel } from './model-registry';
import { monaco } from './monaco-setup';
import { setActiveCodeEditor } from './active-editor';
import { enableVim } from './vim-mode';

const viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>();

/**
 * One Monaco editor for all file tabs: switching tabs swaps the model and restores the cursor
 * and scroll position, which is faster and lighter than an editor per tab. `path` is the model's
 * key (a project path, or a remote tab's id); `label` names the file for screen readers.
 */
export function CodeEditor({ path, readOnly, label }: { path: string; readOnly: boolean; label?: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const vimStatusRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const shownPathRef = useRef<string | null>(null);
  const vimMode = useSettings((state) => state.settings.vimMode);

  useEffect(() => {
    const editor = monaco.editor.create(hostRef.current as HTMLElement, {
      model: null,
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: true, renderCharacters: false },
      scrollBeyondLastLine: false,
      renderWhitespace: 'selection',
      rulers: [],
      tabSize: 4,
      insertSpaces: true,
      detectIndentation: true,
      ariaLabel: 'Editor',
    });
    editorRef.current = editor;
    setActiveCodeEditor(editor);
    return () => {
      setActiveCodeEditor(null);
      if (shownPathRef.current !== null) viewStates.set(shownPathRef.current, editor.saveViewState());
      editor.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    const model = getModel(path);
    if (!editor || !model) return;
    editor.setModel(model);
    shownPathRef.current = path;
    editor.updateOptions({ readOnly, ariaLabel: `Editor: ${label ?? path}` });
    const state = viewStates.get(path);
    if (state) editor.restoreViewState(state);
    editor.focus();
    return () => {
      if (editorRef.current === editor && editor.getModel() === model) viewStates.set(path, editor.saveViewState());
    };
  }, [path, readOnly, label]);

  useEffect(() => {
    const editor = editorRef.current;
    if (!vimMode || !editor || !vimStatusRef.current) return;
    let adapter: { dispose(): void } | null = null;
    let cancelled = false;
    void enableVim(editor, vimStatusRef.current).then((created) => {
      if (cancelled) created.dispose();
      else adapter = created;
    });
    return () => {
      cancelled = true;
      adapter?.dispose();
    };
  }, [vimMode]);

  return (
    <div className="code-editor">
      <div ref={hostRef} className="monaco-host" />
      {vimMode && <div ref={vimStatusRef} className="vim-status" aria-label="Vim mode status" role="status" />}
    </div>
  );
}
