import type { JournalEntry } from '../../preload/api';
import { listField, splitFrontMatter, stringField } from './front-matter';

/** The folder of the project that holds the journal. */
export const JOURNAL_DIR = 'journal';

/**
 * What the journal lists for one file: its front-matter fields (`title`, `created`, `tags`,
 * `runs`, `commits`), the body, and when the front matter is malformed the error and its line
 * (the entry is still listed, with what can be read: its name and body). A file without a title
 * is named by its first heading, else by its file name.
 */
export function readEntry(path: string, text: string, mtimeMs: number): JournalEntry & { readonly body: string } {
  const parsed = splitFrontMatter(text);
  const heading = /^#\s+(.+)$/m.exec(parsed.body)?.[1]?.trim();
  const fileTitle = path.split('/').pop()?.replace(/\.md$/i, '') ?? path;
  if (parsed.kind !== 'ok') {
    // Malformed front matter still usually has a readable `title:` line.
    const written = parsed.kind === 'malformed' ? /^title:[ \t]*(["']?)(.+?)\1[ \t]*$/m.exec(text.slice(0, text.indexOf('\n---', 3) + 1 || 2000))?.[2] : undefined;
    return { path, title: written ?? heading ?? fileTitle, created: dateFromName(path), tags: [], runs: [], commits: [], mtimeMs, body: parsed.body, ...(parsed.kind === 'malformed' && { error: parsed.error }) };
  }
  const { document } = parsed;
  return {
    path,
    title: stringField(document, 'title') ?? heading ?? fileTitle,
    created: stringField(document, 'created') ?? dateFromName(path),
    tags: listField(document, 'tags'),
    runs: listField(document, 'runs'),
    commits: listField(document, 'commits'),
    mtimeMs,
    body: parsed.body,
  };
}

/** `2026-12-07` from `journal/2026-12-07-lr-sweep.md`, or '' when the name has no date. */
function dateFromName(path: string): string {
  return /(?:^|\/)(\d{4}-\d{2}-\d{2})[^/]*$/.exec(path)?.[1] ?? '';
}

/** `journal/<yyyy-mm-dd>-<slug>.md` for a new entry (the slug from the title, ASCII, at most 60 characters). */
export function entryPath(date: Date, title: string): string {
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${JOURNAL_DIR}/${day}-${slug || 'entry'}.md`;
}
