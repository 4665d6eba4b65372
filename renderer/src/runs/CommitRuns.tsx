import { useEffect } from 'react';
import { useJournal } from '../journal/journal-store';
import { useEditor } from '../state/editor-store';
import { useRuns } from './runs-store';

/**
 * In a commit's details: the runs that started from it (their status; a click opens the log)
 * and the journal entries that name it or one of those runs (a click opens the preview).
 */
export function CommitRuns({ oid }: { oid: string }) {
  const { runs, loaded, load } = useRuns();
  const journal = useJournal();
  useEffect(() => {
    if (!loaded) void load();
    if (!journal.loaded) void journal.load();
  }, [loaded, load, journal]);
  const mine = runs.filter((run) => run.code.commit === oid);
  const ids = new Set(mine.map((run) => run.id));
  const entries = journal.entries.filter((entry) => entry.commits.some((commit) => oid.startsWith(commit) || commit.startsWith(oid)) || entry.runs.some((id) => ids.has(id)));
  if (mine.length === 0 && entries.length === 0) return null;
  return (
    <div className="commit-runs">
      {mine.length > 0 && (
        <>
          <h3>Runs from this commit</h3>
          <ul className="journal-runs" aria-label="Runs from this commit">
            {mine.map((run) => (
              <li key={run.id}>
                <button type="button" className="link-button" onClick={() => useEditor.getState().openRunLog(run.id)}>
                  {run.id}
                </button>{' '}
                <span className={`run-status run-${run.status}`}>
                  {run.status}
                  {run.exitCode !== null && ` (${run.exitCode})`}
                </span>{' '}
                {run.code.dirty && <span className="hint">+patch </span>}
                <code>{run.command}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {entries.length > 0 && (
        <>
          <h3>In the journal</h3>
          <ul className="journal-runs" aria-label="Journal entries about this commit">
            {entries.map((entry) => (
              <li key={entry.path}>
                <button type="button" className="link-button" onClick={() => useEditor.getState().openJournalPreview(entry.path)}>
                  {entry.title}
                </button>{' '}
                <span className="hint">{entry.created}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
