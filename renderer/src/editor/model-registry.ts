import * as monaco from 'monaco-editor/editor/editor.api';
import { languageFor } from './languages';

/**
 * One Monaco text model per open file, kept outside React state (models are mutable objects).
 * A model is dirty when its version differs from the version last saved or loaded.
 * Keys are workspace-relative paths for project files and tab ids (`remote:<target>:<abs path>`)
 * for files on a server.
 */
interface Entry {
  readonly model: monaco.editor.ITextModel;
  savedVersion: number;
  lastDirty: boolean;
  readonly onDirtyChange: (dirty: boolean) => void;
  readonly listeners: monaco.IDisposable;
}

function updateDirty(entry: Entry): void {
  const dirty = entry.model.getAlternativeVersionId() !== entry.savedVersion;
  if (dirty !== entry.lastDirty) entry.onDirtyChange((entry.lastDirty = dirty));
}

const entries = new Map<string, Entry>();

const REMOTE_PREFIX = 'remote:';

export function uriFor(path: string): monaco.Uri {
  if (path.startsWith(REMOTE_PREFIX)) return monaco.Uri.from({ scheme: 'labdesk-remote', path: `/${path.slice(REMOTE_PREFIX.length)}` });
  return monaco.Uri.from({ scheme: 'file', path: `/${path}` });
}

export function createModel(path: string, text: string, onDirtyChange: (dirty: boolean) => void): monaco.editor.ITextModel {
  disposeModel(path);
  const model = monaco.editor.createModel(text, languageFor(path), uriFor(path));
  const entry: Entry = {
    model,
    savedVersion: model.getAlternativeVersionId(),
    lastDirty: false,
    onDirtyChange,
    listeners: model.onDidChangeContent(() => updateDirty(entry)),
  };
  entries.set(path, entry);
  return model;
}

export function getModel(path: string): monaco.editor.ITextModel | undefined {
  return entries.get(path)?.model;
}

/** Records the current content as saved; returns false if the model is gone. */
export function markSaved(path: string, savedText?: string): boolean {
  const entry = entries.get(path);
  if (!entry) return false;
  // If the user typed while the save was in flight, the model is still dirty afterwards.
  if (savedText !== undefined && entry.model.getValue() !== savedText) return true;
  entry.savedVersion = entry.model.getAlternativeVersionId();
  updateDirty(entry);
  return true;
}

/** Replaces the content (keeping undo history) and marks it as the saved state. */
export function replaceContent(path: string, text: string): void {
  const entry = entries.get(path);
  if (!entry) return;
  const { model } = entry;
  if (model.getValue() !== text) {
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
  }
  entry.savedVersion = model.getAlternativeVersionId();
  updateDirty(entry);
}

export function isDirty(path: string): boolean {
  const entry = entries.get(path);
  return entry !== undefined && entry.model.getAlternativeVersionId() !== entry.savedVersion;
}

export function disposeModel(path: string): void {
  const entry = entries.get(path);
  if (!entry) return;
  entry.listeners.dispose();
  entry.model.dispose();
  entries.delete(path);
}

export function renameModel(from: string, to: string, onDirtyChange: (dirty: boolean) => void): void {
  const entry = entries.get(from);
  if (!entry) return;
  const text = entry.model.getValue();
  const wasDirty = isDirty(from);
  createModel(to, text, onDirtyChange);
  disposeModel(from);
  if (!wasDirty) markSaved(to);
}
