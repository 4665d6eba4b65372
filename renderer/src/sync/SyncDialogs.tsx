import { formatBytes } from '../app/format';
import { useEffect, useRef, useState } from 'react';
import type { SyncPlanItemType } from '../../../preload/api';
import { DialogButtons, ModalDialog } from '../dialogs/ModalDialog';
import { languageFor } from '../editor/languages';
import { getModel } from '../editor/model-registry';
import { monaco } from '../editor/monaco-setup';
import { ask } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { type ConflictChoice, useSync } from './sync-store';

const TYPE_LABELS: Record<SyncPlanItemType, string> = {
  upload: 'upload',
  mkdir: 'new folder',
  symlink: 'link',
  delete: 'delete',
  conflict: 'CONFLICT',
  skip: 'skipped',
  'keep-remote': 'kept on server',
};

/** The plan preview ("Sync now…") and the conflict diff; both are decisions for now (UI.md). */
export function SyncDialogs() {
  const preview = useSync((state) => state.preview);
  const compare = useSync((state) => state.compare);
  return (
    <>
      {preview && <PlanDialog />}
      {compare && <CompareDialog />}
    </>
  );
}

function PlanDialog() {
  const { preview, status, runPreview, closePreview, openPreview } = useSync();
  if (!preview) return null;
  const { plan, report } = preview;
  const writes = plan ? plan.counts.upload + plan.counts.mkdir + plan.counts.symlink + plan.counts.delete : 0;
  return (
    <ModalDialog titleId="plan-title" title={`Sync to ${plan?.target ?? status.target ?? 'the server'}`} className="sync-dialog" onEscape={preview.state === 'running' ? undefined : closePreview}>
      {preview.state === 'planning' && <p role="status">Comparing this folder with the server…</p>}
      {plan && (
        <>
          <p role="status" aria-label="Plan summary">
            {plan.counts.upload} to upload, {plan.counts.mkdir} new folders, {plan.counts.delete} to delete, {plan.counts.conflict} conflicts, {plan.counts.skip} skipped
            {plan.counts.keepRemote > 0 && `, ${plan.counts.keepRemote} deleted here but kept on the server`}
          </p>
          {plan.halted && (
            <p className="field-error" role="alert">
              {plan.halted}
            </p>
          )}
          <label className="checkbox-row">
            <input
              type="checkbox"
              checked={preview.deleteRemote}
              disabled={preview.state !== 'ready'}
              onChange={(event) => void openPreview(event.target.checked)}
            />
            Also delete on the server what was deleted here
          </label>
          {plan.items.length > 0 ? (
            <ul className="plan-list" aria-label="Planned changes">
              {plan.items.map((item) => (
                <li key={`${item.type}:${item.path}`} className={`plan-item plan-${item.type}`}>
                  <span className="plan-type">{TYPE_LABELS[item.type]}</span>
                  <span className="plan-path">{item.path}</span>
                  <span className="plan-detail">{item.detail}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p>Everything is up to date.</p>
          )}
          {plan.truncated && <p className="hint">Only the first {plan.items.length} entries are listed.</p>}
          {plan.warnings.map((warning) => (
            <p key={warning.path} className="hint">
              ⚠ {warning.path}: {warning.message}
            </p>
          ))}
        </>
      )}
      {preview.state === 'running' && <p role="status">Syncing… (progress and Cancel are in the status bar)</p>}
      {report && (
        <div role="status" aria-label="Sync result">
          <p>
            Uploaded {report.uploaded} files ({formatBytes(report.bytes)}), deleted {report.deleted} in {report.seconds.toFixed(1)} s.
          </p>
          {report.conflicts.length > 0 && <p className="field-error">{report.conflicts.length} conflicts were not written; resolve them in the Server view.</p>}
          {report.errors.map((error) => (
            <p key={error.path} className="field-error">
              {error.path}: {error.message}
            </p>
          ))}
        </div>
      )}
      {preview.error && (
        <p className="field-error" role="alert">
          {preview.error}
        </p>
      )}
      <DialogButtons
        actions={[
          preview.state === 'ready' &&
            plan &&
            !plan.halted &&
            writes > 0 && { label: `Sync ${writes} ${writes === 1 ? 'file' : 'files'}`, id: 'run', primary: true, autoFocus: true, onClick: () => void runPreview() },
          { label: preview.state === 'done' || (preview.state === 'ready' && writes === 0) ? 'Close' : 'Cancel', id: 'close', disabled: preview.state === 'running', onClick: closePreview },
        ]}
      />
    </ModalDialog>
  );
}

/** "Take theirs" for one block: Alt+T in the right side (the arrows between the sides do it with the mouse). */
const TAKE_BLOCK_KEY = 'Alt+T';

function CompareDialog() {
  const { compare, status, resolve, closeCompare } = useSync();
  const hostRef = useRef<HTMLDivElement>(null);
  const diffRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  /** The right side differs from the local file on disk (what "Keep mine" would upload). */
  const [edited, setEdited] = useState(false);
  const remoteText = compare?.remote?.kind === 'text' ? compare.remote.text : null;
  const localText = compare?.local ?? null;
  const path = compare?.path ?? '';
  const busy = compare?.busy ?? false;
  const server = status.target ?? 'server';
  // Unsaved edits of this file in an editor tab are not on disk: the right side starts from the saved file.
  const tabDirty = useEditor((state) => state.tabs.some((tab) => tab.kind === 'file' && tab.path === path && tab.dirty));

  useEffect(() => {
    if (!hostRef.current || remoteText === null || localText === null) return;
    const language = languageFor(path);
    // After "Use edited version" met a newer server version, the merge so far comes back here.
    const draft = useSync.getState().compare?.draft ?? null;
    const mine = monaco.editor.createModel(draft ?? localText, language);
    const theirs = monaco.editor.createModel(remoteText, language);
    const diff = monaco.editor.createDiffEditor(hostRef.current, {
      automaticLayout: true,
      // The right side (yours) is the merge being edited; the server's side stays as it is.
      readOnly: false,
      originalEditable: false,
      renderSideBySide: true,
      // Left/right is what the caption says, and the per-block arrows need both sides.
      useInlineViewWhenSpaceIsLimited: false,
      renderMarginRevertIcon: true,
      ...sideLabels(path),
      fontSize: 13,
    });
    diff.setModel({ original: theirs, modified: mine });
    const check = () => setEdited(mine.getValue() !== localText);
    check();
    const listener = mine.onDidChangeContent(check);
    const takeBlock = diff.getModifiedEditor().addAction({
      id: 'labdesk.takeServerBlock',
      label: "Take the Server's Version of This Block",
      keybindings: [monaco.KeyMod.Alt | monaco.KeyCode.KeyT],
      contextMenuGroupId: '1_modification',
      run: () => takeServerBlock(diff),
    });
    diffRef.current = diff;
    diff.getModifiedEditor().focus();
    return () => {
      diffRef.current = null;
      takeBlock.dispose();
      listener.dispose();
      diff.dispose();
      mine.dispose();
      theirs.dispose();
    };
  }, [path, localText, remoteText]);

  useEffect(() => {
    diffRef.current?.updateOptions({ readOnly: busy, ...sideLabels(path) });
  }, [busy, path, remoteText, localText]);

  if (!compare) return null;
  const editable = remoteText !== null && localText !== null;
  const mergedText = () => diffRef.current?.getModifiedEditor().getValue() ?? null;

  /** An action that drops the edited merge asks first; the merge is never thrown away silently. */
  const discardEdits = async (consequence: string, confirmLabel: string): Promise<boolean> => {
    if (!edited) return true;
    const choice = await ask('Discard your edited merge?', `The right side has edits that are saved nowhere yet. ${consequence}`, [
      { label: confirmLabel, value: 'discard' },
      { label: 'Back to the merge', value: 'cancel', primary: true },
    ]);
    return choice === 'discard';
  };
  const choose = async (choice: Exclude<ConflictChoice, 'merged'>) => {
    const consequence = choice === 'mine' ? 'Keep mine uploads your saved file as it is, without them.' : `Take theirs replaces your file with the version on ${server}.`;
    if (await discardEdits(consequence, choice === 'mine' ? 'Discard edits, keep mine' : 'Discard edits, take theirs')) await resolve(choice);
  };
  const useEdited = () => {
    const text = mergedText();
    if (text !== null) void resolve('merged', text);
  };
  const cancel = async () => {
    if (await discardEdits('The conflict stays until you resolve it.', 'Discard edits')) closeCompare();
  };
  const startFromUnsaved = () => {
    const editor = diffRef.current?.getModifiedEditor();
    const model = editor?.getModel();
    const unsaved = getModel(path)?.getValue();
    if (!editor || !model || unsaved === undefined) return;
    editor.pushUndoStop();
    editor.executeEdits('labdesk', [{ range: model.getFullModelRange(), text: unsaved }]);
    editor.pushUndoStop();
    editor.focus();
  };

  const remoteNote =
    compare.remote === null
      ? null
      : compare.remote.kind === 'missing'
        ? `${path} no longer exists on ${server}.`
        : compare.remote.kind !== 'text'
          ? `The ${server} version is ${compare.remote.kind === 'binary' ? 'a binary file' : 'too large to show'} (${formatBytes(compare.remote.size)}).`
          : null;
  return (
    <ModalDialog titleId="compare-title" title={`Conflict: ${path}`} className="compare-dialog" onEscape={busy ? undefined : () => void cancel()}>
      <p className="compare-caption">
        Left: <strong>on {server}</strong> · Right: <strong>yours (this computer)</strong>
        {editable && ` — edit the right side to merge; the arrows between the sides (or ${TAKE_BLOCK_KEY} in a block) take the server's version of a block.`}
      </p>
      {compare.error && (
        <p className="field-error" role="alert">
          {compare.error}
        </p>
      )}
      {remoteNote && <p>{remoteNote}</p>}
      {compare.local === null && !compare.busy && <p>{path} is not a text file here (or no longer exists).</p>}
      {editable && tabDirty && (
        <p className="hint compare-unsaved">
          {path} has unsaved edits in an editor tab; the right side starts from the saved file. After you resolve, the tab keeps its edits and offers to compare them with the result.{' '}
          <button type="button" className="button" disabled={busy} onClick={startFromUnsaved}>
            Start from my unsaved edits
          </button>
        </p>
      )}
      {editable && (
        <p id="compare-state" role="status" className={edited ? 'compare-state compare-edited' : 'compare-state'}>
          {edited ? 'Edited — the right side differs from your saved file. "Use edited version" saves it here and uploads it.' : 'Not edited — the right side is your saved file.'}
        </p>
      )}
      <div ref={hostRef} className="compare-host" aria-label={`Differences in ${path}`} />
      <DialogButtons
        actions={[
          editable && { label: 'Use edited version', primary: edited, disabled: busy || !edited, describedBy: 'compare-state', onClick: useEdited },
          { label: 'Keep mine', primary: !edited, disabled: busy || compare.remote === null, onClick: () => void choose('mine') },
          { label: 'Take theirs', disabled: busy || compare.remote === null || compare.remote.kind === 'missing', onClick: () => void choose('theirs') },
          { label: 'Cancel', disabled: busy, onClick: () => void cancel() },
        ]}
      />
    </ModalDialog>
  );
}

/**
 * Names of the two sides for screen readers. Monaco 0.57's diff editor clears a side's label on
 * every later updateOptions that does not repeat it, so each update passes them again.
 */
function sideLabels(path: string): { originalAriaLabel: string; modifiedAriaLabel: string } {
  return { originalAriaLabel: `${path} on the server (read-only)`, modifiedAriaLabel: `${path}, yours: edit to merge` };
}

/**
 * Replaces the block of the right side at the cursor with the server's lines (one undo step),
 * like the arrow between the sides does; nothing happens outside a block.
 */
function takeServerBlock(diff: monaco.editor.IStandaloneDiffEditor): void {
  const editor = diff.getModifiedEditor();
  const model = editor.getModel();
  const original = diff.getOriginalEditor().getModel();
  const line = editor.getPosition()?.lineNumber;
  const changes = diff.getLineChanges();
  if (!model || !original || line === undefined || !changes) return;
  // modifiedEndLineNumber 0: lines the server has and this side lacks, to insert after modifiedStartLineNumber.
  const change = changes.find((candidate) =>
    candidate.modifiedEndLineNumber === 0
      ? line === candidate.modifiedStartLineNumber || line === candidate.modifiedStartLineNumber + 1
      : line >= candidate.modifiedStartLineNumber && line <= candidate.modifiedEndLineNumber,
  );
  if (!change) return;
  const eol = model.getEOL();
  const theirs = change.originalEndLineNumber === 0 ? [] : original.getLinesContent().slice(change.originalStartLineNumber - 1, change.originalEndLineNumber);
  const { modifiedStartLineNumber: start, modifiedEndLineNumber: end } = change;
  let edit: monaco.editor.IIdentifiedSingleEditOperation;
  if (end === 0) {
    // Insert the server's lines after line `start` (0: at the top).
    edit =
      start === 0
        ? { range: new monaco.Range(1, 1, 1, 1), text: theirs.join(eol) + eol }
        : { range: new monaco.Range(start, model.getLineMaxColumn(start), start, model.getLineMaxColumn(start)), text: eol + theirs.join(eol) };
  } else if (theirs.length > 0) {
    edit = { range: new monaco.Range(start, 1, end, model.getLineMaxColumn(end)), text: theirs.join(eol) };
  } else if (end < model.getLineCount()) {
    // The server lacks these lines: remove them with their line ends.
    edit = { range: new monaco.Range(start, 1, end + 1, 1), text: '' };
  } else {
    edit = start > 1 ? { range: new monaco.Range(start - 1, model.getLineMaxColumn(start - 1), end, model.getLineMaxColumn(end)), text: '' } : { range: model.getFullModelRange(), text: '' };
  }
  editor.pushUndoStop();
  editor.executeEdits('labdesk', [edit]);
  editor.pushUndoStop();
}
