import { formatBytes } from '../app/format';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { SyncPlanItemType } from '../../../preload/api';
import { languageFor } from '../editor/languages';
import { monaco } from '../editor/monaco-setup';
import { useSync } from './sync-store';

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
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && preview.state !== 'running') closePreview();
  };
  return (
    <div className="overlay modal" onKeyDown={onKeyDown}>
      <div className="dialog sync-dialog" role="dialog" aria-modal="true" aria-labelledby="plan-title">
        <h2 id="plan-title">Sync to {plan?.target ?? status.target ?? 'the server'}</h2>
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
        <div className="dialog-buttons">
          {preview.state === 'ready' && plan && !plan.halted && writes > 0 && (
            <button type="button" className="button primary" autoFocus onClick={() => void runPreview()}>
              Sync {writes} {writes === 1 ? 'file' : 'files'}
            </button>
          )}
          <button type="button" className="button" disabled={preview.state === 'running'} onClick={closePreview}>
            {preview.state === 'done' || (preview.state === 'ready' && writes === 0) ? 'Close' : 'Cancel'}
          </button>
        </div>
      </div>
    </div>
  );
}

function CompareDialog() {
  const { compare, status, resolve, closeCompare } = useSync();
  const hostRef = useRef<HTMLDivElement>(null);
  const remoteText = compare?.remote?.kind === 'text' ? compare.remote.text : null;
  const localText = compare?.local ?? null;
  const path = compare?.path ?? '';

  useEffect(() => {
    if (!hostRef.current || remoteText === null || localText === null) return;
    const language = languageFor(path);
    const mine = monaco.editor.createModel(localText, language);
    const theirs = monaco.editor.createModel(remoteText, language);
    const diff = monaco.editor.createDiffEditor(hostRef.current, { automaticLayout: true, readOnly: true, originalEditable: false, renderSideBySide: true, fontSize: 13 });
    diff.setModel({ original: theirs, modified: mine });
    return () => {
      diff.dispose();
      mine.dispose();
      theirs.dispose();
    };
  }, [path, localText, remoteText]);

  if (!compare) return null;
  const server = status.target ?? 'server';
  const remoteNote =
    compare.remote === null
      ? null
      : compare.remote.kind === 'missing'
        ? `${path} no longer exists on ${server}.`
        : compare.remote.kind !== 'text'
          ? `The ${server} version is ${compare.remote.kind === 'binary' ? 'a binary file' : 'too large to show'} (${formatBytes(compare.remote.size)}).`
          : null;
  return (
    <div className="overlay modal" onKeyDown={(event) => event.key === 'Escape' && !compare.busy && closeCompare()}>
      <div className="dialog compare-dialog" role="dialog" aria-modal="true" aria-labelledby="compare-title">
        <h2 id="compare-title">Conflict: {path}</h2>
        <p className="compare-caption">
          Left: <strong>on {server}</strong> · Right: <strong>yours (this computer)</strong>
        </p>
        {compare.error && (
          <p className="field-error" role="alert">
            {compare.error}
          </p>
        )}
        {remoteNote && <p>{remoteNote}</p>}
        {compare.local === null && !compare.busy && <p>{path} is not a text file here (or no longer exists).</p>}
        <div ref={hostRef} className="compare-host" aria-label={`Differences in ${path}`} />
        <div className="dialog-buttons">
          <button type="button" className="button primary" disabled={compare.busy || compare.remote === null} onClick={() => void resolve('mine')}>
            Keep mine
          </button>
          <button type="button" className="button" disabled={compare.busy || compare.remote === null || compare.remote.kind === 'missing'} onClick={() => void resolve('theirs')}>
            Take theirs
          </button>
          <button type="button" className="button" disabled={compare.busy} onClick={closeCompare}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
