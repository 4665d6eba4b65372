/** The journal: Markdown entries with YAML front matter in the project's `journal/` folder. */

export interface JournalEntry {
  /** Workspace-relative: journal/2026-12-07-lr-sweep.md. */
  readonly path: string;
  readonly title: string;
  /** As written in the front matter (or the date in the file name). */
  readonly created: string;
  readonly tags: readonly string[];
  /** Run ids (`run:` links open them). */
  readonly runs: readonly string[];
  readonly commits: readonly string[];
  readonly mtimeMs: number;
  /** Malformed front matter: the entry is listed with this and never rewritten by Labdesk. */
  readonly error?: { readonly message: string; readonly line: number };
}

export interface JournalHit {
  readonly path: string;
  readonly title: string;
  readonly score: number;
  /** The query's words found, for highlighting. */
  readonly terms: readonly string[];
  /** A line of the body around the first match. */
  readonly snippet: string;
}

export interface JournalApi {
  /** Every entry, newest first (by `created`, then by file time). */
  list(arg: Record<string, never>): Promise<readonly JournalEntry[]>;
  /** Full-text search over titles, tags, bodies, runs and commits; `tag` keeps only entries with it. */
  search(arg: { readonly query: string; readonly tag?: string }): Promise<readonly JournalHit[]>;
  /** A new entry for today with this title (and tags, runs, body); returns it. */
  create(arg: { readonly title: string; readonly tags?: readonly string[]; readonly runs?: readonly string[]; readonly body?: string }): Promise<JournalEntry>;
  /** Sets one front-matter field, keeping the rest of the file as it is written. */
  setField(arg: { readonly path: string; readonly key: 'title' | 'tags' | 'runs' | 'commits'; readonly value: string | readonly string[] }): Promise<JournalEntry>;
}
