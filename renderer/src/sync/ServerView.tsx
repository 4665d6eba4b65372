import { useEffect, type FormEvent } from 'react';
import type { SyncTargetInfo } from '../../../preload/api';
import { RemoteExplorer } from '../remote/RemoteTree';
import { ServerTools } from '../server/ServerTools';
import { useWorkspace } from '../state/workspace-store';
import { describeSync, useSync, type DraftField } from './sync-store';

interface FieldLabel {
  readonly field: Exclude<DraftField, 'launcher'>;
  readonly label: string;
  readonly placeholder: string;
  readonly hint?: string;
}

const CONNECTION_LABELS: readonly FieldLabel[] = [
  { field: 'name', label: 'Name', placeholder: 'gpu1' },
  { field: 'host', label: 'Host', placeholder: 'gpu1 or gpu1.lab.example.org', hint: 'An ~/.ssh/config alias or a host name.' },
  { field: 'remoteRoot', label: 'Remote folder', placeholder: '/home/you/project' },
  { field: 'port', label: 'Port', placeholder: 'from ssh config, or 22' },
  { field: 'user', label: 'User', placeholder: 'from ssh config' },
  { field: 'identityFile', label: 'Identity file', placeholder: '~/.ssh/id_ed25519' },
];

const RUN_LABELS: readonly FieldLabel[] = [
  { field: 'environment', label: 'Environment', placeholder: 'conda activate x, or pipenv run', hint: 'Applied to runs and terminals: a command before theirs, or a prefix such as pipenv run.' },
  { field: 'dataRoot', label: 'Data disk folder', placeholder: '/data/you', hint: 'Set up server links its model/, data/ and output/ into the remote folder.' },
];

const SLURM_LABELS: readonly FieldLabel[] = [
  { field: 'slurmPartition', label: 'Slurm partition', placeholder: 'the cluster default' },
  { field: 'slurmGpus', label: 'GPUs per job', placeholder: 'none' },
  { field: 'slurmTime', label: 'Time limit', placeholder: 'the partition default, e.g. 4:00:00' },
];

/** The side bar's Server view: targets, the add/edit form, connection, "Sync now…", conflicts. */
export function ServerView() {
  const workspace = useWorkspace((state) => state.info);
  const { targets, loaded, loadError, draft, status, load, newDraft } = useSync();

  useEffect(() => {
    if (workspace) void load();
  }, [workspace, load]);

  if (!workspace) {
    return (
      <section className="server-view" aria-label="Server">
        <header className="side-header">
          <h2 className="side-title">Server</h2>
        </header>
        <p className="pad hint">Open a project folder first; its servers are kept in .labdesk/project.json.</p>
      </section>
    );
  }

  return (
    <section className="server-view" aria-label="Server">
      <header className="side-header">
        <h2 className="side-title">Server</h2>
        <div className="side-actions">
          <button type="button" className="icon-button" aria-label="New server" title="New server" onClick={newDraft}>
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M8 3v10 M3 8h10" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
            </svg>
          </button>
        </div>
      </header>
      <div className="server-body">
        {loadError && (
          <p className="field-error" role="alert">
            {loadError}
          </p>
        )}
        {loaded && targets.length === 0 && !draft && !loadError && (
          <div className="server-empty">
            <p>No target yet — Add a server</p>
            <button type="button" className="button primary" onClick={newDraft}>
              Add a server
            </button>
          </div>
        )}
        {targets.length > 0 && (
          <ul className="target-list" aria-label="Servers">
            {targets.map((target) => (
              <TargetItem key={target.name} target={target} active={status.target === target.name && status.connection !== 'off'} />
            ))}
          </ul>
        )}
        {draft && <TargetForm />}
        <ActiveTarget />
      </div>
      <ActiveTargetFiles />
    </section>
  );
}

/** "Files on <target>": the remote explorer for the active target, below its status. */
function ActiveTargetFiles() {
  const { status, targets } = useSync();
  const target = targets.find((candidate) => candidate.name === status.target);
  if (!target || status.connection === 'off') return null;
  return <RemoteExplorer target={target} connection={status.connection} />;
}

function TargetItem({ target, active }: { target: SyncTargetInfo; active: boolean }) {
  const { activating, activate, editDraft, status } = useSync();
  const where = `${target.user ? `${target.user}@` : ''}${target.host}${target.port ? `:${target.port}` : ''}:${target.remoteRoot}`;
  const failed = status.target === target.name && status.connection === 'off' && status.error;
  return (
    <li className={`target-item${active ? ' active' : ''}`} aria-label={target.name}>
      <div className="target-text">
        <span className="target-name">
          {target.name}
          {active && <span className="target-badge"> (active)</span>}
        </span>
        <span className="target-where" title={where}>
          {where}
        </span>
        {failed && (
          <span className="field-error" role="alert">
            {status.error}
          </span>
        )}
      </div>
      <div className="target-actions">
        <button type="button" className="button" aria-label={`Edit ${target.name}`} onClick={() => editDraft(target.name)}>
          Edit
        </button>
        {active ? (
          <button type="button" className="button" aria-label={`Deactivate ${target.name}`} disabled={activating} onClick={() => void activate(null)}>
            Deactivate
          </button>
        ) : (
          <button type="button" className="button primary" aria-label={`Activate ${target.name}`} disabled={activating} onClick={() => void activate(target.name)}>
            {activating ? 'Connecting…' : 'Activate'}
          </button>
        )}
      </div>
    </li>
  );
}

function TargetForm() {
  const { draft, fieldErrors, updateDraft, saveDraft, cancelDraft, removeTarget } = useSync();
  if (!draft) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void saveDraft();
  };
  const title = draft.editing === null ? 'Add a server' : `Edit ${draft.editing}`;
  return (
    <form className="target-form" aria-label={title} onSubmit={submit} noValidate>
      <h3>{title}</h3>
      {CONNECTION_LABELS.map((label) => (
        <TextField key={label.field} label={label} autoFocus={label.field === 'name' && draft.editing === null} />
      ))}
      <h4>Runs and terminals</h4>
      {RUN_LABELS.map((label) => (
        <TextField key={label.field} label={label} />
      ))}
      <div className="form-field">
        <label htmlFor="target-launcher">Runs start with</label>
        <select id="target-launcher" value={draft.launcher} onChange={(event) => updateDraft('launcher', event.target.value)}>
          <option value="">tmux on the server</option>
          <option value="slurm">Slurm (sbatch), on a cluster</option>
        </select>
      </div>
      {(draft.launcher === 'slurm' || SLURM_LABELS.some(({ field }) => draft[field] !== '')) &&
        SLURM_LABELS.map((label) => <TextField key={label.field} label={label} />)}
      {fieldErrors.form && (
        <p className="field-error" role="alert">
          {fieldErrors.form}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit" className="button primary">
          Save
        </button>
        {draft.editing !== null && (
          <button type="button" className="button" onClick={() => void removeTarget(draft.editing ?? '')}>
            Remove
          </button>
        )}
        <button type="button" className="button" onClick={cancelDraft}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One text field of the target form, with its error (from main, naming the field) or hint. */
function TextField({ label: { field, label, placeholder, hint }, autoFocus = false }: { label: FieldLabel; autoFocus?: boolean }) {
  const { draft, fieldErrors, updateDraft } = useSync();
  if (!draft) return null;
  const id = `target-${field}`;
  const error = fieldErrors[field];
  return (
    <div className="form-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={draft[field]}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        autoFocus={autoFocus}
        aria-invalid={error !== undefined}
        aria-describedby={error !== undefined ? `${id}-error` : hint ? `${id}-hint` : undefined}
        inputMode={field === 'port' || field === 'slurmGpus' ? 'numeric' : undefined}
        onChange={(event) => updateDraft(field, event.target.value)}
      />
      {error !== undefined ? (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      ) : (
        hint && (
          <span id={`${id}-hint`} className="hint">
            {hint}
          </span>
        )
      )}
    </div>
  );
}

function ActiveTarget() {
  const { status, activateError, openPreview, openCompare } = useSync();
  if (activateError) {
    return (
      <p className="field-error" role="alert">
        {activateError}
      </p>
    );
  }
  if (status.target === null || status.connection === 'off') return null;
  const { connection, sync } = describeSync(status);
  return (
    <section className="active-target" aria-label={`Active server ${status.target}`}>
      <h3>
        {status.target} <span className={`conn-dot conn-${status.connection}`} aria-hidden="true">●</span> {connection}
      </h3>
      <p role="status" aria-label="Sync state">
        sync: {sync}
        {status.lastPush && ` · last push ${new Date(status.lastPush.at).toLocaleTimeString()} (${status.lastPush.files} file${status.lastPush.files === 1 ? '' : 's'})`}
      </p>
      {status.error && (
        <p className="field-error" role="alert">
          {status.error}
        </p>
      )}
      <button type="button" className="button primary" disabled={status.connection !== 'connected'} onClick={() => void openPreview()}>
        Sync now…
      </button>
      <ServerTools target={status.target} />
      {status.conflicts.length > 0 && (
        <>
          <h3>Conflicts</h3>
          <ul className="conflict-list" aria-label="Conflicts">
            {status.conflicts.map((conflict) => (
              <li key={conflict.path} className="conflict-item" aria-label={conflict.path}>
                <span className="conflict-path">{conflict.path}</span>
                <span className="conflict-message">{conflict.message}</span>
                <button type="button" className="button" aria-label={`Compare ${conflict.path}`} onClick={() => void openCompare(conflict.path)}>
                  Compare
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
