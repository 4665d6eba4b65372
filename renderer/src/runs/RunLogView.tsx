import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { isRunFinished, type RunLogSearch, type RunRecord } from '../../../preload/api';
import { ask, promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useRuns } from './runs-store';
import { MetricsPlot } from './MetricsPlot';
import { useTerminals } from '../terminal/terminal-store';
import type { RunLogTab } from './run-tabs';

async function checkoutCode(run: RunRecord): Promise<void> {
  const choice = await ask(`Check out the code of ${run.id}?`, `A new branch run/${run.id} is made at ${run.code.commit?.slice(0, 8) ?? ''} and the run's uncommitted changes are applied to it. Your working tree must have no changes.`, [
    { label: 'Check out', value: 'yes', primary: true },
    { label: 'Cancel', value: 'cancel' },
  ]);
  if (choice !== 'yes') return;
  try {
    const { branch } = await api().runs.checkoutCode({ id: run.id });
    notify('info', `On ${branch}: the code ${run.id} ran.`);
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

async function fetchOutputs(run: RunRecord): Promise<void> {
  const answer = await promptText('Fetch outputs', `Paths on ${run.target}, from ${run.remoteRoot} (comma-separated)`, 'output/', 'Fetch');
  if (answer === null) return;
  const paths = answer.split(',').map((item) => item.trim()).filter(Boolean);
  if (paths.length === 0) return;
  try {
    const report = await api().runs.fetchOutputs({ id: run.id, paths });
    const skipped = report.skipped.length > 0 ? ` ${report.skipped.length} left out: ${report.skipped.map((skip) => skip.message).join(' ')}` : '';
    notify(report.skipped.length > 0 ? 'warning' : 'info', `Fetched ${report.files} file(s) into journal/runs/${run.id}/outputs/.${skipped}`);
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

async function runAgain(id: string): Promise<void> {
  try {
    const again = await api().runs.runAgain({ id });
    await useRuns.getState().load();
    useEditor.getState().openRunLog(again.id);
  } catch (error) {
    notify('error', errorMessage(error));
  }
}

/** The log kept in the page; older lines are dropped (the whole log stays on the server). */
const KEEP_CHARS = 2 * 1024 * 1024;
/** How much of a long log is shown when the tab opens: its end. */
const OPEN_TAIL_BYTES = 256 * 1024;
const FOLLOW_MS = 1_000;

/**
 * A run's output.log, read on the server from an offset (a 1 GB log is never read whole): the
 * last 256 KB when the tab opens, then what is added, every second while Follow is on. Search
 * keeps the matching lines of what is loaded; "Search the whole log" asks the server (grep) and
 * a match opens the log from that line, paused, until Follow goes back to the end.
 */
export function RunLogView({ tab }: { tab: RunLogTab }) {
  const run = useRuns((state) => state.runs.find((candidate) => candidate.id === tab.runId));
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState('');
  const offset = useRef<number | null>(null);
  const bottom = useRef<HTMLPreElement>(null);
  /** Shown from a match of the whole-log search: Follow starts again from the end. */
  const jumped = useRef(false);

  useEffect(() => {
    if (!follow && offset.current !== null) return; // paused: nothing is read
    if (follow && jumped.current) {
      jumped.current = false;
      offset.current = null;
      setText('');
    }
    let stopped = false;
    const readMore = async () => {
      try {
        if (offset.current === null) {
          const { size } = await api().runs.log({ id: tab.runId, offset: Number.MAX_SAFE_INTEGER });
          offset.current = Math.max(0, size - OPEN_TAIL_BYTES);
        }
        for (;;) {
          const chunk = await api().runs.log({ id: tab.runId, offset: offset.current });
          if (stopped || chunk.text === '') break;
          offset.current = chunk.offset;
          setText((before) => (before + chunk.text).slice(-KEEP_CHARS));
          if (chunk.offset >= chunk.size) break;
        }
        setError(null);
      } catch (caught) {
        if (!stopped) setError(errorMessage(caught));
      }
    };
    void readMore();
    const timer = follow ? setInterval(() => void readMore(), FOLLOW_MS) : null;
    return () => {
      stopped = true;
      if (timer) clearInterval(timer);
    };
  }, [tab.runId, follow]);

  useEffect(() => {
    if (follow) bottom.current?.scrollTo({ top: bottom.current.scrollHeight });
  }, [text, follow]);

  const openAt = async (at: number) => {
    setFollow(false);
    try {
      const chunk = await api().runs.log({ id: tab.runId, offset: at });
      jumped.current = true;
      offset.current = chunk.offset;
      setFilter('');
      setText(chunk.text);
      bottom.current?.scrollTo({ top: 0 });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const shown = filter === '' ? text : text.split('\n').filter((line) => line.toLowerCase().includes(filter.toLowerCase())).join('\n');
  return (
    <div className="run-log" role="region" aria-label={`Log of ${tab.runId}`}>
      <div className="diff-toolbar" role="toolbar" aria-label="Log">
        <span className="diff-caption">
          {run ? `${run.command} · ${run.status}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''} · ${run.target}` : tab.runId}
        </span>
        <input type="search" aria-label="Search the log" placeholder="Show lines with…" value={filter} onChange={(event) => setFilter(event.target.value)} />
        {run && run.launcher === 'tmux' && !isRunFinished(run.status) && (
          <>
            <button type="button" className="button small" title="The run's tmux session in a terminal; keys are not sent" onClick={() => void useTerminals.getState().open({ run: { id: run.id, readOnly: true } })}>
              Watch in terminal
            </button>
            <button type="button" className="button small" title="The run's tmux session in a terminal you can type in (answer a prompt, press Ctrl+C)" onClick={() => void useTerminals.getState().open({ run: { id: run.id, readOnly: false } })}>
              Attach terminal
            </button>
          </>
        )}
        {run?.code.patch && (
          <button type="button" className="button small" onClick={() => useEditor.getState().openRunPatch(run.id, run.code.commit)}>
            Code changes
          </button>
        )}
        {run?.configs.map((config) => (
          <button key={config} type="button" className="button small" title={`The copy of ${config} taken at launch`} onClick={() => void useEditor.getState().openFile(`journal/runs/${run.id}/configs/${config}`)}>
            {config}
          </button>
        ))}
        {run?.code.commit && (
          <button type="button" className="button small" title="A new branch at the run's commit with its changes applied" onClick={() => void checkoutCode(run)}>
            Check out its code
          </button>
        )}
        {run && (
          <button type="button" className="button small" title="The same command on the active server, with the code as it is now" onClick={() => void runAgain(run.id)}>
            Run again
          </button>
        )}
        {run && (
          <button type="button" className="button small" title="Copy result files, plots or logs of the run into journal/runs/<id>/outputs/" onClick={() => void fetchOutputs(run)}>
            Fetch outputs…
          </button>
        )}
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow
        </label>
      </div>
      {error && (
        <p className="editor-message" role="alert">
          {error}
        </p>
      )}
      <MetricsPlot runId={tab.runId} live={run !== undefined && !isRunFinished(run.status)} />
      {filter.trim() !== '' && <WholeLogSearch runId={tab.runId} query={filter.trim()} onOpen={(at) => void openAt(at)} />}
      <pre className="run-log-text" ref={bottom} aria-label="Output">
        {shown}
      </pre>
    </div>
  );
}

/** "Search the whole log": grep on the server, each match a button that opens the log there. */
function WholeLogSearch({ runId, query, onOpen }: { runId: string; query: string; onOpen: (offset: number) => void }) {
  const [found, setFound] = useState<{ query: string; result: RunLogSearch } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const search = async () => {
    setBusy(true);
    try {
      setFound({ query, result: await api().runs.searchLog({ id: runId, query }) });
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const result = found?.query === query ? found.result : null;
  return (
    <div className="run-log-search">
      <button type="button" className="button small" disabled={busy} onClick={() => void search()}>
        {busy ? 'Searching…' : 'Search the whole log'}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      {result && (
        <>
          <span className="hint" role="status">
            {result.matches.length === 0 ? `No line of the log holds "${query}".` : `${result.matches.length}${result.more ? '+' : ''} line(s) hold "${query}"`}
          </span>
          {result.matches.length > 0 && (
            <ul className="run-log-matches" aria-label="Matches in the whole log">
              {result.matches.map((match) => (
                <li key={match.offset}>
                  <button type="button" className="run-log-match" aria-label={`Open the log at line ${match.line}`} onClick={() => onOpen(match.offset)}>
                    <span className="hint">{match.line}</span> {match.text}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
