import type { FileContent, RemoteFileOpen } from '../../../preload/api';
import { ask } from '../state/dialog-store';
import { createModel } from './model-registry';

/** What a tab editing a file (local or remote) knows about it and its editor. */
export interface EditedFile {
  readonly status: 'loading' | 'text' | 'binary' | 'too-large' | 'error';
  readonly size: number;
  /**
   * mtime of the version (on disk, or on the server) this tab is based on; saves expect it to be
   * unchanged. Null when there is none: the file was deleted, or the tab recreates it.
   */
  readonly mtimeMs: number | null;
  readonly readOnly: boolean;
  /** Why the file opened read-only (too large), shown above the editor. */
  readonly notice?: string;
  readonly dirty: boolean;
  /** The last error about this file, shown above the editor until the next success. */
  readonly error?: string;
}

/** An editable tab before its first read answers: read-only until we know it is text. */
export const loadingFile: EditedFile = { status: 'loading', size: 0, mtimeMs: null, readOnly: true, dirty: false };

/**
 * What an editable tab (local or remote) learns from the read that opens it. A text file also gets
 * its Monaco model, under `modelKey`, reporting dirty changes to `onDirty`.
 */
export function adoptContent(content: FileContent | RemoteFileOpen, modelKey: string, onDirty: (dirty: boolean) => void): Partial<EditedFile> {
  if (content.kind !== 'text') return { status: content.kind, size: content.size, mtimeMs: content.mtimeMs };
  createModel(modelKey, content.text, onDirty);
  return {
    status: 'text',
    size: content.size,
    mtimeMs: content.mtimeMs,
    readOnly: content.readOnly,
    ...(content.notice !== undefined && { notice: content.notice }),
  };
}

/** Asks about a tab's unsaved edits before closing it; false when the person cancels or the save fails. */
export async function saveBeforeClose(title: string, message: string, save: () => Promise<boolean>): Promise<boolean> {
  const choice = await ask(title, message, [
    { label: 'Save', value: 'save', primary: true },
    { label: "Don't Save", value: 'discard' },
    { label: 'Cancel', value: 'cancel' },
  ]);
  if (choice === 'cancel') return false;
  return choice !== 'save' || (await save());
}
