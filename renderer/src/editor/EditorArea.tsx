import { shortcutLabel } from '../app/shortcuts';
import { RemoteDiffView, RemoteFileBanners } from '../remote/RemoteEditor';
import { activeTab, tabLocation, useEditor, type FileTab, type RemoteFileTab } from '../state/editor-store';
import { useWorkspace } from '../state/workspace-store';
import { CodeEditor } from './CodeEditor';
import { DiskDiffView } from './DiskDiffView';
import { GitDiffView } from '../git/GitDiffView';
import { GraphView } from '../git/GraphView';
import { FileHistoryView } from '../git/FileHistoryView';
import { PatchView } from '../git/PatchView';
import { FolderCompareView } from '../git/FolderCompareView';
import { JournalPreview } from '../journal/JournalPreview';
import { RunLogView } from '../runs/RunLogView';
import { RunCompareView } from '../runs/RunCompareView';
import { TabBar } from './TabBar';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function FileBanners({ tab }: { tab: FileTab }) {
  const { compareWithDisk, keepMine, takeDisk } = useEditor();
  return (
    <>
      {tab.notice && (
        <div className="editor-banner" role="note">
          {tab.notice}
        </div>
      )}
      {tab.error && (
        <div className="editor-banner banner-error" role="alert">
          {tab.error}
        </div>
      )}
      {tab.diskVersion && (
        <div className="editor-banner banner-warning" role="alert">
          <span>{tab.path} changed on disk and you have unsaved edits.</span>
          <button type="button" className="button" onClick={() => compareWithDisk(tab.path)}>
            Compare
          </button>
          <button type="button" className="button" onClick={() => takeDisk(tab.path)}>
            Use disk version
          </button>
          <button type="button" className="button" onClick={() => void keepMine(tab.path)}>
            Keep mine
          </button>
        </div>
      )}
    </>
  );
}

/** The body of a file tab, local or remote: the editor, or why the file is not shown as text. */
function FileBody({ tab }: { tab: FileTab | RemoteFileTab }) {
  const where = tab.kind === 'remote-file' ? `${tab.path} on ${tab.target}` : tab.path;
  switch (tab.status) {
    case 'loading':
      return <p className="editor-message">Opening {where}…</p>;
    case 'binary':
      return <p className="editor-message">{where} is a binary file ({formatSize(tab.size)}), so it is not opened as text.</p>;
    case 'too-large':
      return <p className="editor-message">{where} is {formatSize(tab.size)}, too large to open in the editor.</p>;
    case 'error':
      return <p className="editor-message">{where} could not be opened.</p>;
    case 'text':
      return tab.kind === 'remote-file' ? (
        <CodeEditor path={tab.id} label={`${tab.path} on ${tab.target}`} readOnly={tab.readOnly} />
      ) : (
        <CodeEditor path={tab.path} readOnly={tab.readOnly} />
      );
  }
}

function EmptyEditor() {
  const hasWorkspace = useWorkspace((state) => state.info !== null);
  return (
    <div className="editor-empty">
      <p>{hasWorkspace ? 'Pick a file in the tree, or:' : 'Open a project folder to start.'}</p>
      <dl className="shortcut-list">
        {hasWorkspace && (
          <>
            <dt>Go to file</dt>
            <dd><kbd>{shortcutLabel('Mod+P')}</kbd></dd>
          </>
        )}
        <dt>All commands</dt>
        <dd><kbd>{shortcutLabel('Mod+Shift+P')}</kbd></dd>
      </dl>
    </div>
  );
}

export function EditorArea() {
  const tab = useEditor(activeTab);
  return (
    <section className="editor-area" aria-label="Editor area">
      <TabBar />
      <div className="editor-body" role={tab ? 'tabpanel' : undefined} aria-label={tab ? tabLocation(tab) : undefined}>
        {!tab && <EmptyEditor />}
        {tab?.kind === 'file' && (
          <>
            <FileBanners tab={tab} />
            <FileBody tab={tab} />
          </>
        )}
        {tab?.kind === 'disk-diff' && <DiskDiffView path={tab.path} />}
        {tab?.kind === 'remote-file' && (
          <>
            <RemoteFileBanners tab={tab} />
            <FileBody tab={tab} />
          </>
        )}
        {tab?.kind === 'remote-diff' && <RemoteDiffView fileId={tab.fileId} />}
        {tab?.kind === 'graph' && <GraphView />}
        {tab?.kind === 'git-diff' && <GitDiffView key={tab.id} tab={tab} />}
        {tab?.kind === 'file-history' && <FileHistoryView key={tab.id} path={tab.path} />}
        {tab?.kind === 'patch' && <PatchView key={tab.id} tab={tab} />}
        {tab?.kind === 'folder-compare' && <FolderCompareView key={tab.id} tab={tab} />}
        {tab?.kind === 'journal-preview' && <JournalPreview key={tab.id} tab={tab} />}
        {tab?.kind === 'run-log' && <RunLogView key={tab.id} tab={tab} />}
        {tab?.kind === 'run-compare' && <RunCompareView key={tab.id} tab={tab} />}
      </div>
    </section>
  );
}
