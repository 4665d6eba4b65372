import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import { api } from '../api/client';
import { useLoaded } from '../git/use-loaded';
import { useEditor } from '../state/editor-store';
import { RUN_COMMAND_ID, useRuns } from '../runs/runs-store';
import { useUi } from '../state/ui-store';
import { useJournal } from './journal-store';
import type { JournalPreviewTab } from './journal-tabs';
import { renderJournalMarkdown } from './render-markdown';

/**
 * A journal entry rendered: its fields (date, tags, runs, commits) above the Markdown. Links to
 * other entries open them here, `run:<id>` opens the run's log, `commit:<hash>` selects the
 * commit in the graph, web links open outside the window. The entry's runs are listed with their
 * live status.
 */
/** The Runs view's launch form, with this entry chosen and the command box focused. */
function launchFor(path: string): void {
  useRuns.getState().setLaunchEntry(path);
  useUi.getState().showView('runs');
  requestAnimationFrame(() => document.getElementById(RUN_COMMAND_ID)?.focus());
}

export function JournalPreview({ tab }: { tab: JournalPreviewTab }) {
  const entry = useJournal((state) => state.entries.find((candidate) => candidate.path === tab.path));
  // Read again whenever the entry changes on disk (its mtime is in the list).
  const { value: file, error } = useLoaded(() => api().workspace.read({ path: tab.path }), [tab.path, entry?.mtimeMs]);
  const html = useMemo(() => (file?.kind === 'text' ? renderJournalMarkdown(file.text) : ''), [file]);
  const openPreview = useEditor((state) => state.openJournalPreview);
  const { runs, loaded: runsLoaded, load: loadRuns } = useRuns();
  const body = useRef<HTMLDivElement>(null);
  // Images of the project (the journal's, a run's fetched plots) load through main as data: URLs;
  // anything else (a web address) the CSP refuses to load.
  useEffect(() => {
    const images = [...(body.current?.querySelectorAll<HTMLImageElement>('img[src]') ?? [])];
    for (const image of images) {
      const src = image.getAttribute('src') ?? '';
      if (/^(data|https?):/i.test(src)) continue;
      const target = decodeURIComponent(new URL(src, `file:///${tab.path}`).pathname.slice(1));
      void api()
        .git.readVersion({ path: target, version: { kind: 'worktree' } })
        .then((content) => {
          if (content.kind === 'image') image.src = content.dataUrl;
          else image.alt = `${image.alt || target} (not an image Labdesk can show)`;
        })
        .catch(() => (image.alt = `${image.alt || target} (missing)`));
    }
  }, [html, tab.path]);
  useEffect(() => {
    if (!runsLoaded) void loadRuns();
  }, [runsLoaded, loadRuns]);

  if (error) return <p className="editor-message" role="alert">{error}</p>;
  if (!file) return <p className="editor-message">Reading {tab.path}…</p>;

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as HTMLElement).closest('a');
    const href = link?.getAttribute('href');
    if (!link || !href) return;
    event.preventDefault();
    if (/^https?:/i.test(href)) return void window.open(href, '_blank', 'noopener');
    if (/^commit:/i.test(href)) return void openCommit(href.slice('commit:'.length));
    if (/^run:/i.test(href)) return void useEditor.getState().openRunLog(href.slice(4));
    // A relative link: another entry (or file) of the project, from the journal folder.
    const target = new URL(href, `file:///${tab.path}`).pathname.slice(1);
    if (target.toLowerCase().endsWith('.md') && target.startsWith('journal/')) openPreview(decodeURIComponent(target));
    else void useEditor.getState().openFile(decodeURIComponent(target));
  };

  return (
    <article className="journal-preview" aria-label={`Preview of ${entry?.title ?? tab.path}`}>
      {entry && (
        <header className="journal-fields">
          <h1>{entry.title}</h1>
          <p className="hint">
            {entry.created}
            {entry.tags.length > 0 && ` · ${entry.tags.join(', ')}`}

            {entry.commits.length > 0 && ` · commits: ${entry.commits.map((oid) => oid.slice(0, 8)).join(', ')}`}
          </p>
          {!entry.error && (
            <button type="button" className="button small" onClick={() => launchFor(entry.path)}>
              Launch a run for this entry
            </button>
          )}
          {entry.runs.length > 0 && (
            <ul className="journal-runs" aria-label="Runs of this entry">
              {entry.runs.map((id) => {
                const run = runs.find((candidate) => candidate.id === id);
                return (
                  <li key={id}>
                    <button type="button" className="link-button" onClick={() => useEditor.getState().openRunLog(id)}>
                      {id}
                    </button>{' '}
                    <span className={`run-status run-${run?.status ?? 'lost'}`} role="status" aria-label={`Status of ${id}`}>
                      {run ? `${run.status}${run.exitCode !== null ? ` (${run.exitCode})` : ''}` : 'not recorded here'}
                    </span>{' '}
                    {run && <code>{run.command}</code>}
                  </li>
                );
              })}
            </ul>
          )}
          {entry.error && (
            <p role="alert">
              The front matter has an error on line {entry.error.line}: {entry.error.message}. Labdesk does not change this file until it is fixed.
            </p>
          )}
        </header>
      )}
      {/* Sanitized by DOMPurify after markdown-it (which escapes raw HTML). */}
      <div className="journal-body" ref={body} onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}

async function openCommit(oid: string): Promise<void> {
  const { useGraph } = await import('../git/graph-store');
  useEditor.getState().openGraph();
  await useGraph.getState().open();
  await useGraph.getState().selectOid(oid);
}
