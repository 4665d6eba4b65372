import MiniSearch from 'minisearch';
import type { JournalEntry, JournalHit } from '../../preload/api';

interface IndexedEntry {
  readonly id: string;
  readonly title: string;
  readonly tags: string;
  readonly body: string;
  readonly runs: string;
  readonly commits: string;
}

/** How far a hit's snippet reaches on each side of the first match. */
const SNIPPET_CHARS = 80;

/**
 * Full-text search over the journal with MiniSearch (BM25, prefix and fuzzy matching, the title
 * counting most), kept up to date entry by entry as files change. Tags, run ids and commit hashes
 * are their own fields, so `ablation`, a run id or the start of a hash finds its entries, and
 * so do a run's command, commit and config values (`cosine`, `3e-4`).
 */
export class JournalIndex {
  private readonly search = new MiniSearch<IndexedEntry>({
    fields: ['title', 'tags', 'body', 'runs', 'commits'],
    searchOptions: { boost: { title: 3, tags: 2 }, prefix: true, fuzzy: 0.2, combineWith: 'AND' },
  });
  private readonly bodies = new Map<string, string>();
  private readonly tagsOf = new Map<string, readonly string[]>();
  private readonly titles = new Map<string, string>();

  /** `runText`: what the entry's runs add (their commands, commits and config values). */
  put(entry: JournalEntry, body: string, runText = ''): void {
    this.remove(entry.path);
    this.search.add({ id: entry.path, title: entry.title, tags: entry.tags.join(' '), body, runs: `${entry.runs.join(' ')}\n${runText}`, commits: entry.commits.join(' ') });
    this.bodies.set(entry.path, body);
    this.tagsOf.set(entry.path, entry.tags);
    this.titles.set(entry.path, entry.title);
  }

  remove(path: string): void {
    if (this.search.has(path)) this.search.discard(path);
    this.bodies.delete(path);
    this.tagsOf.delete(path);
    this.titles.delete(path);
  }

  query(text: string, tag?: string): JournalHit[] {
    const wanted = tag?.toLowerCase();
    const hits = text.trim() === '' ? [...this.bodies.keys()].map((id) => ({ id, score: 0, terms: [] as string[] })) : this.search.search(text);
    return hits
      .filter((hit) => wanted === undefined || (this.tagsOf.get(hit.id) ?? []).some((candidate) => candidate.toLowerCase() === wanted))
      .map((hit) => ({ path: hit.id, title: this.titles.get(hit.id) ?? hit.id, score: hit.score, terms: hit.terms, snippet: snippet(this.bodies.get(hit.id) ?? '', hit.terms) }));
  }
}

/** The body as a reader sees it, for snippets: headings' #, emphasis, code ticks and link targets dropped. */
function plainText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/(\*\*|__|\*|`)/g, '');
}

function snippet(markdown: string, terms: readonly string[]): string {
  const body = plainText(markdown);
  const lower = body.toLowerCase();
  const at = terms.map((term) => lower.indexOf(term.toLowerCase())).filter((index) => index >= 0).sort((a, b) => a - b)[0];
  const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
  if (at === undefined) return flat(body.slice(0, 2 * SNIPPET_CHARS));
  const start = Math.max(0, at - SNIPPET_CHARS);
  return `${start > 0 ? '…' : ''}${flat(body.slice(start, at + SNIPPET_CHARS))}${at + SNIPPET_CHARS < body.length ? '…' : ''}`;
}
