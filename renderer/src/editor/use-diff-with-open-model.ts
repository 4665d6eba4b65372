import { useEffect, useRef } from 'react';
import { languageFor } from './languages';
import { getModel } from './model-registry';
import { monaco } from './monaco-setup';

/**
 * A side-by-side diff of another version of a file (left, read-only) against the open tab's own
 * model (right, editable, so the person can keep editing while comparing). Used where unsaved
 * edits meet a newer version: the disk's (DiskDiffView) or the server's (RemoteDiffView).
 *
 * `modelKey` is the tab's model in the model registry; `otherText` is the other version (nothing
 * is shown while it is undefined); `path` picks the language. Attach the returned ref to the host.
 */
export function useDiffWithOpenModel(modelKey: string, otherText: string | undefined, path: string) {
  const hostRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const mine = getModel(modelKey);
    if (!hostRef.current || !mine || otherText === undefined) return;
    const other = monaco.editor.createModel(otherText, languageFor(path));
    const diff = monaco.editor.createDiffEditor(hostRef.current, {
      automaticLayout: true,
      originalEditable: false,
      renderSideBySide: true,
      fontSize: 13,
    });
    diff.setModel({ original: other, modified: mine });
    return () => {
      diff.dispose();
      other.dispose();
    };
  }, [modelKey, otherText, path]);

  return hostRef;
}
