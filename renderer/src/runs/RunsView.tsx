import { useEffect, useState } from 'react';
import { isRunFinished, type RunRecord } from '../../../preload/api';
import { useJournal } from '../journal/journal-store';
import { ask, promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { useSync } from '../sync/sync-store';
import { RUN_COMMAND_ID, useRuns } from './runs-store';

const NEW_ENTRY = '\u0000new';

/**
 * The Runs side view: launch a command on the active server (after a push; a conflict stops
 * it), and every recorded run with its live status, exit code and code (commit, +patch), its log
 * and a Stop button.
 */
export function RunsView() {
  const { runs, loaded, error, launching, load, launch, stop } = useRuns();
  const target = useSync((state) => state.status.target);
  const targetEnvironment = useSync((state) => state.targets.find((candidate) => candidate.name === target)?.environment ?? '');
  /** This launch's environment line; null follows the target's (set in the Server view). */
  const [environment, setEnvironment] = useState<string | null>(null);
  useEffect(() => setEnvironment(null), [target]);
  const openRunLog = useEditor((state) => state.openRunLog);
  const [command, setCommand] = useState('');
  /** Up to two runs picked to compare. */
  const [picked, setPicked] = useState<readonly string[]>([]);
  const pick = (id: string, on: boolean) => setPicked(on ? [...picked.filter((other) => other !== id), id].slice(-2) : picked.filter((other) => other !== id));
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);

  const entries = useJournal((state) => state.entries);
  const journalLoaded = useJournal((state) => state.loaded);
  useEffect(() => {
    if (!journalLoaded) void useJournal.getState().load();
  }, [journalLoaded]);
  const [launcher, setLauncher] = useState<'' | 'tmux' | 'slurm'>('');
  const entry = useRuns((state) => state.launchEntry);
  const setEntry = useRuns((state) => state.setLaunchEntry);
  const start = async () => {
    let file = entry;
    if (entry === NEW_ENTRY) {
      const title = await promptText('New journal entry', 'Title of the entry this run belongs to', command.trim().slice(0, 60), 'Create');
      if (title === null || title.trim() === '') return;
      const created = await useJournal.getState().create(title.trim());
      if (!created) return;
      file = created.path;
      setEntry(created.path);
    }
    const run = await launch(command.trim(), { ...(launcher && { launcher }), ...(file && { entry: file }), ...(environment !== null && { environment }) });
    if (run) openRunLog(run.id);
  };
  const askStop = async (run: RunRecord) => {
    const choice = await ask(`Stop ${run.id}?`, `${run.command} on ${run.target} is ended (${run.launcher === 'slurm' ? 'scancel' : 'its tmux session is killed'}); the record keeps what it wrote.`, [
      { label: 'Stop', value: 'stop', primary: true },
      { label: 'Cancel', value: 'cancel' },
    ]);
    if (choice === 'stop') await stop(run.id);
  };

  return (
    <section className="view runs-view" aria-label="Runs">
      <div className="view-header">
        <h2 className="view-title">Runs</h2>
      </div>
      <form
        className="run-launch"
        onSubmit={(event) => {
          event.preventDefault();
          if (command.trim() !== '' && target) void start();
        }}
      >
        <input id={RUN_COMMAND_ID} type="text" aria-label="Command to run" placeholder={target ? `Command to run on ${target}` : 'Activate a server first'} value={command} onChange={(event) => setCommand(event.target.value)} disabled={!target} />
        <button type="submit" className="button small primary" disabled={!target || launching || command.trim() === ''}>
          {launching ? 'Launching…' : 'Launch'}
        </button>
      </form>
      <div className="run-launch">
        <input
          type="text"
          aria-label="Environment line"
          title="Run before the command (conda activate x) or in front of it (pipenv run); the server's, from the Server view, unless changed here"
          placeholder="No environment line (e.g. conda activate x)"
          value={environment ?? targetEnvironment}
          onChange={(event) => setEnvironment(event.target.value)}
          disabled={!target}
        />
      </div>
      <div className="run-launch">
        <select aria-label="Launcher" value={launcher} onChange={(event) => setLauncher(event.target.value as '' | 'tmux' | 'slurm')}>
          <option value="">The target's launcher</option>
          <option value="tmux">tmux</option>
          <option value="slurm">Slurm (sbatch)</option>
        </select>
        <select aria-label="Journal entry" value={entry} onChange={(event) => setEntry(event.target.value)}>
          <option value="">No journal entry</option>
          <option value={NEW_ENTRY}>New entry…</option>
          {entries.filter((candidate) => !candidate.error).map((candidate) => (
            <option key={candidate.path} value={candidate.path}>
              {candidate.title}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="hint pad" role="alert">
          {error}
        </p>
      )}
      {loaded && runs.length === 0 && <p className="hint pad">No runs yet. Each run is recorded with its exact code in journal/runs/.</p>}
      {picked.length === 2 && (
        <button type="button" className="button small pad" onClick={() => useEditor.getState().openRunCompare(picked[0] as string, picked[1] as string)}>
          Compare the two picked runs
        </button>
      )}
      <ul className="run-list" aria-label="Runs">
        {runs.map((run) => (
          <li key={run.id} className={`run-row run-${run.status}`}>
            <input type="checkbox" aria-label={`Pick ${run.id} to compare`} checked={picked.includes(run.id)} onChange={(event) => pick(run.id, event.target.checked)} />
            <button type="button" className="run-open" aria-label={`${run.command}, ${run.status}`} title={`${run.id} on ${run.target}`} onClick={() => openRunLog(run.id)}>
              <span className="run-status" role="status" aria-label={`Status of ${run.id}`}>
                {run.status}
                {run.exitCode !== null && ` (${run.exitCode})`}
              </span>
              <span className="run-command">{run.command}</span>
              <span className="hint">
                {run.target} · {run.code.commit ? `${run.code.commit.slice(0, 8)}${run.code.dirty ? '+patch' : ''}` : 'no commit'} · {run.createdAt.slice(0, 16).replace('T', ' ')}
              </span>
            </button>
            {!isRunFinished(run.status) && (
              <button type="button" className="button small" aria-label={`Stop ${run.id}`} onClick={() => void askStop(run)}>
                Stop
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
