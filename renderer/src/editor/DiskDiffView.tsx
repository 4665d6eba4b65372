import { useEditor, type FileTab } from '../state/editor-store';
import { useDiffWithOpenModel } from './use-diff-with-open-model';

/**
 * The file on disk (left, read-only) against the unsaved version in the editor (right, editable),
 * opened when a file changed underneath unsaved edits. The user decides; nothing is overwritten.
 */
export function DiskDiffView({ path }: { path: string }) {
  const { keepMine, takeDisk } = useEditor();
  const fileTab = useEditor((state) => state.tabs.find((tab): tab is FileTab => tab.kind === 'file' && tab.path === path));
  const diskText = fileTab?.diskVersion?.text;

  const hostRef = useDiffWithOpenModel(path, diskText, path);

  if (!fileTab) return <p className="editor-message">The file is no longer open.</p>;
  if (diskText === undefined) {
    return <p className="editor-message">{path} no longer differs from the disk.</p>;
  }
  return (
    <div className="diff-view">
      <div className="diff-toolbar" role="toolbar" aria-label="Resolve the difference">
        <span className="diff-caption">
          Left: <strong>on disk</strong> · Right: <strong>your unsaved version</strong> (editable)
        </span>
        <button type="button" className="button" onClick={() => takeDisk(path)}>
          Use disk version
        </button>
        <button type="button" className="button primary" onClick={() => void keepMine(path)}>
          Keep my version
        </button>
      </div>
      <div ref={hostRef} className="monaco-host" />
    </div>
  );
}
