import { useDiffWithOpenModel } from '../editor/use-diff-with-open-model';
import { useEditor, type RemoteFileTab, type ServerVersion } from '../state/editor-store';

/** Why a save was refused, in words that name the file and the server. */
function conflictText(tab: RemoteFileTab, server: ServerVersion): string {
  const where = `${tab.path} on ${tab.target}`;
  switch (server.kind) {
    case 'text':
      return tab.error ?? `${where} changed since you opened it, so nothing was written.`;
    case 'binary':
    case 'too-large':
      return `${where} changed since you opened it and is now ${server.kind === 'binary' ? 'a binary file' : 'too large to show'}; nothing was written. Keep mine replaces it with your text.`;
    case 'missing':
      return `${where} was deleted or moved on the server since you opened it; nothing was written. Keep mine writes your version there again.`;
    case 'unknown':
      return `${where} changed since you opened it, and its new version could not be read (${server.message}). Nothing was written; try Compare with server again.`;
  }
}

/** Above a remote tab's editor: read-only notices, errors, and the conflict choice after a refused save. */
export function RemoteFileBanners({ tab }: { tab: RemoteFileTab }) {
  const { compareWithServer, keepMineRemote, takeTheirsRemote } = useEditor();
  const server = tab.serverVersion;
  return (
    <>
      {tab.notice && (
        <div className="editor-banner" role="note">
          {tab.notice}
        </div>
      )}
      {server ? (
        <div className="editor-banner banner-warning" role="alert" aria-label={`Conflict: ${tab.path} on ${tab.target}`}>
          <span className="banner-text">{conflictText(tab, server)}</span>
          <button type="button" className="button" onClick={() => void compareWithServer(tab.id)}>
            Compare with server
          </button>
          {server.kind === 'text' && (
            <button type="button" className="button" onClick={() => takeTheirsRemote(tab.id)}>
              Take theirs
            </button>
          )}
          <button type="button" className="button" disabled={server.kind === 'unknown' || tab.saving} onClick={() => void keepMineRemote(tab.id)}>
            Keep mine
          </button>
        </div>
      ) : (
        tab.error && (
          <div className="editor-banner banner-error" role="alert">
            {tab.error}
          </div>
        )
      )}
    </>
  );
}

/**
 * The server's version (left, read-only) against the unsaved edits of a remote tab (right,
 * editable), opened by "Compare with server" after a refused save. The person decides.
 */
export function RemoteDiffView({ fileId }: { fileId: string }) {
  const { keepMineRemote, takeTheirsRemote, compareWithServer } = useEditor();
  const tab = useEditor((state) => state.tabs.find((candidate): candidate is RemoteFileTab => candidate.kind === 'remote-file' && candidate.id === fileId));
  const server = tab?.serverVersion;
  const serverText = server?.kind === 'text' ? server.text : server?.kind === 'missing' ? '' : undefined;
  const path = tab?.path ?? '';

  const hostRef = useDiffWithOpenModel(fileId, serverText, path);

  if (!tab) return <p className="editor-message">The file is no longer open.</p>;
  if (!server) return <p className="editor-message">{tab.path} on {tab.target} no longer conflicts with your version.</p>;
  if (serverText === undefined) {
    return (
      <div className="diff-view">
        <div className="editor-banner banner-warning" role="alert">
          <span className="banner-text">{conflictText(tab, server)}</span>
          <button type="button" className="button" onClick={() => void compareWithServer(fileId)}>
            Compare with server
          </button>
          <button type="button" className="button" disabled={server.kind === 'unknown'} onClick={() => void keepMineRemote(fileId)}>
            Keep mine
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="diff-view">
      <div className="diff-toolbar" role="toolbar" aria-label="Resolve the conflict with the server">
        <span className="diff-caption">
          Left: <strong>on {tab.target}{server.kind === 'missing' ? ' (deleted)' : ''}</strong> · Right: <strong>your version</strong> (editable)
        </span>
        {server.kind === 'text' && (
          <button type="button" className="button" onClick={() => takeTheirsRemote(fileId)}>
            Take theirs
          </button>
        )}
        <button type="button" className="button primary" disabled={tab.saving} onClick={() => void keepMineRemote(fileId)}>
          Keep mine
        </button>
      </div>
      <div ref={hostRef} className="monaco-host" />
    </div>
  );
}
