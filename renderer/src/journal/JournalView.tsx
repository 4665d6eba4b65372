import { useEffect } from 'react';
import type { JournalEntry } from '../../../preload/api';
import { promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { useJournal } from './journal-store';

/**
 * The Journal side view: every entry of journal/, newest first, with full-text search and a
 * tag filter; an entry opens as a file to edit, and *Preview* shows it rendered. An entry whose
 * front matter is malformed is listed with the error and its line.
 */
export function JournalView() {
  const { entries, loaded, error, query, tag, hits, load, setQuery, setTag } = useJournal();
  const openFile = useEditor((state) => state.openFile);
  const openPreview = useEditor((state) => state.openJournalPreview);
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);

  const tags = [...new Set(entries.flatMap((entry) => entry.tags))].sort();
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  const shown: Array<{ entry: JournalEntry; snippet?: string }> = hits
    ? hits.flatMap((hit) => {
        const entry = byPath.get(hit.path);
        return entry ? [{ entry, snippet: hit.snippet }] : [];
      })
    : entries.map((entry) => ({ entry }));

  return (
    <section className="view journal-view" aria-label="Journal">
      <div className="view-header">
        <h2 className="view-title">Journal</h2>
        <button type="button" className="button small" onClick={() => void newJournalEntry()}>
          New entry
        </button>
      </div>
      <div className="journal-filters">
        <input type="search" aria-label="Search the journal" placeholder="Search titles, notes, runs, commits" value={query} onChange={(event) => setQuery(event.target.value)} />
        <select aria-label="Tag" value={tag} onChange={(event) => setTag(event.target.value)}>
          <option value="">All tags</option>
          {tags.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="hint pad" role="alert">
          {error}
        </p>
      )}
      {loaded && entries.length === 0 && <p className="hint pad">No entries yet. Notes go in journal/ as Markdown; start one with New entry.</p>}
      {hits && shown.length === 0 && <p className="hint pad">Nothing in the journal matches.</p>}
      <ul className="journal-entries" aria-label="Journal entries">
        {shown.map(({ entry, snippet }) => (
          <li key={entry.path} className="journal-entry">
            <button type="button" className="journal-entry-open" aria-label={`${entry.title}, ${entry.created || 'undated'}`} title={entry.path} onClick={() => void openFile(entry.path)}>
              <span className="journal-title">{entry.title}</span>
              <span className="hint">{entry.created}</span>
              {entry.tags.map((name) => (
                <span key={name} className="journal-tag">
                  {name}
                </span>
              ))}
              {snippet && <span className="journal-snippet">{snippet}</span>}
            </button>
            {entry.error && (
              <span className="journal-error" role="note">
                Front matter, line {entry.error.line}: {entry.error.message}
              </span>
            )}
            <button type="button" className="icon-button" aria-label={`Preview ${entry.title}`} title="Preview" onClick={() => openPreview(entry.path)}>
              👁
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Asks for a title, writes journal/<today>-<slug>.md, and opens it to write in. */
export async function newJournalEntry(): Promise<void> {
  const title = await promptText('New journal entry', 'Title', '', 'Create');
  if (title === null || title.trim() === '') return;
  const entry = await useJournal.getState().create(title.trim());
  if (entry) await useEditor.getState().openFile(entry.path);
}
