import { randomUUID } from 'node:crypto';
import type { GraphRef, GraphRowData, GraphSearchField, GraphSummary } from '../../../preload/api';
import { ApiError } from '../../common';
import type { Commit, CommitShape, CommitSource, Ref, RepoRefs } from '../commit-source';
import { GraphLayout } from '../graph/graph-layout';
import { OidIds } from '../graph/oid-ids';
import { SettledOrder } from '../graph/settled-order';
import { runGit } from '../run-git';

/** Rows one `git.graphRows` call may ask for (a screen is ~40; the renderer asks for a few screens). */
export const MAX_ROWS_PER_CALL = 1000;
/** Search answers at most this many rows (the list says when there were more). */
const MAX_SEARCH_ROWS = 10_000;
const PROGRESS_INTERVAL_MS = 150;
/** Rows laid out before `start` answers. */
const FIRST_ROWS = 500;

/**
 * One window's commit graph: the history read in the background, laid out as it streams, and
 * served to the renderer by row ranges (a virtualized list asks only for what is in view, so 100k
 * commits never cross the IPC at once). Progress goes out as `GraphSummary` events.
 */
export class GraphSession {
  readonly id = randomUUID();
  /** One id per commit hash, given as git's output is parsed and shared by the order and the layout. */
  private readonly ids = new OidIds();
  private layout = new GraphLayout(this.ids);
  /** git's walk, settled into the graph's order as it streams. */
  private readonly order = new SettledOrder<CommitShape>(undefined, this.ids);
  private commits: CommitShape[] = [];
  /** Set once if a late child changed rows already served: the renderer drops what it has from there. */
  private changedFrom: number | undefined;
  /** People, dates and subjects of the rows asked for so far (read by `details`, a chunk at a time). */
  private readonly details = new Map<string, Commit>();
  private readonly labels = new Map<string, Ref[]>();
  private readonly abort = new AbortController();
  private refs: RepoRefs = { head: null, headBranch: null, refs: [] };
  private done = false;
  private error: string | undefined;
  private lastSent = 0;

  constructor(
    private readonly source: CommitSource,
    private readonly onProgress: (summary: GraphSummary) => void,
    /** Called once the whole history is read (the service writes git's commit-graph file then). */
    private readonly onDone: () => void = () => undefined,
  ) {}

  /** Reads the refs and the first batch; the rest streams on in the background. */
  async start(): Promise<GraphSummary> {
    this.refs = await this.source.refs();
    for (const ref of this.refs.refs) this.labels.set(ref.oid, [...(this.labels.get(ref.oid) ?? []), ref]);
    const iterator = this.source.shapes(this.refs, { signal: this.abort.signal, ids: this.ids })[Symbol.asyncIterator]();
    // The first screen and more: the renderer asks for the top rows as soon as this returns.
    let more = true;
    while (more && this.layout.rows < FIRST_ROWS) more = await this.next(iterator);
    if (more) void this.readRest(iterator);
    else this.completed();
    return this.summary();
  }

  close(): void {
    this.abort.abort();
  }

  summary(): GraphSummary {
    const refs: GraphRef[] = this.refs.refs.map((ref) => ({ name: ref.name, short: ref.short, kind: ref.kind, oid: ref.oid, row: this.layout.indexOf(ref.oid) ?? null }));
    return {
      id: this.id,
      rows: this.layout.rows,
      done: this.done,
      width: this.layout.width,
      head: this.refs.head,
      headBranch: this.refs.headBranch,
      refs,
      ...(this.error !== undefined && { error: this.error }),
      ...(this.changedFrom !== undefined && { changedFrom: this.changedFrom }),
    };
  }

  async rows(start: number, count: number): Promise<GraphRowData[]> {
    const end = Math.min(this.layout.rows, start + Math.min(count, MAX_ROWS_PER_CALL));
    const first = Math.max(0, start);
    const missing = this.commits.slice(first, end).filter((shape) => !this.details.has(shape.oid));
    for (const commit of await this.source.details(missing.map((shape) => shape.oid))) this.details.set(commit.oid, commit);
    const rows: GraphRowData[] = [];
    for (let row = first; row < end; row++) {
      const shape = this.commits[row] as CommitShape;
      const commit = this.details.get(shape.oid);
      const laid = this.layout.row(row);
      rows.push({
        row,
        oid: shape.oid,
        parents: shape.parents,
        kind: shape.kind,
        subject: commit?.subject ?? '',
        author: commit?.author.name ?? '',
        time: commit?.author.time ?? 0,
        refs: (this.labels.get(shape.oid) ?? []).map((ref) => ({ short: ref.short, kind: ref.kind })),
        lane: laid.lane,
        color: laid.color,
        edges: laid.edges.flatMap((edge) => [edge.from, edge.to, edge.color]),
      });
    }
    return rows;
  }

  /**
   * Rows whose commit matches, top to bottom. Hashes match by prefix here; message, author and
   * path ask git (bodies and renames are not kept in memory), and where git is missing message
   * and author match the subjects and names read.
   */
  async search(field: GraphSearchField, query: string): Promise<{ rows: number[]; truncated: boolean }> {
    const needle = query.trim().toLowerCase();
    if (needle === '') return { rows: [], truncated: false };
    if (field === 'hash' || this.source.kind !== 'git') {
      if (field === 'path') throw new ApiError({ code: 'not-supported', message: 'Filtering by path needs git installed; this machine has no git on PATH.' });
      const rows: number[] = [];
      if (field === 'hash') {
        for (let row = 0; row < this.commits.length && rows.length < MAX_SEARCH_ROWS; row++) if ((this.commits[row] as CommitShape).oid.startsWith(needle)) rows.push(row);
        return { rows, truncated: rows.length >= MAX_SEARCH_ROWS };
      }
      // Without git, the whole history was read by isomorphic-git already: its details are at hand.
      const matches = (commit: Commit) => (field === 'author' ? `${commit.author.name} <${commit.author.email}>` : commit.subject).toLowerCase().includes(needle);
      const all = await this.source.details(this.commits.map((shape) => shape.oid));
      // The layout already maps each oid to its row.
      for (const commit of all) if (rows.length < MAX_SEARCH_ROWS && matches(commit)) rows.push(this.layout.indexOf(commit.oid) as number);
      rows.sort((a, b) => a - b);
      return { rows, truncated: rows.length >= MAX_SEARCH_ROWS };
    }
    const filter = field === 'message' ? ['-i', '-F', `--grep=${query}`] : field === 'author' ? ['-i', '-F', `--author=${query}`] : ['--follow'];
    const revs = field === 'path' ? ['HEAD'] : ['--branches', '--remotes', '--tags', ...(this.refs.head ? ['HEAD'] : [])];
    const args = ['log', '--format=%H', `--max-count=${MAX_SEARCH_ROWS}`, ...filter, ...revs, '--', ...(field === 'path' ? [`:(literal)${query}`] : [])];
    const result = await runGit(this.source.root, args);
    if (result.code !== 0) return { rows: [], truncated: false };
    const rows = result.stdout
      .toString('utf8')
      .split('\n')
      .map((oid) => this.layout.indexOf(oid))
      .filter((row): row is number => row !== undefined)
      .sort((a, b) => a - b);
    return { rows, truncated: rows.length >= MAX_SEARCH_ROWS };
  }

  private async next(iterator: AsyncIterator<readonly CommitShape[]>): Promise<boolean> {
    try {
      const step = await iterator.next();
      if (step.done) {
        this.finish();
        return false;
      }
      this.lay(this.order.push(step.value));
      return true;
    } catch (error) {
      if (!this.abort.signal.aborted) this.error = error instanceof Error ? error.message : String(error);
      // The commits read so far are shown, in order.
      this.finish();
      return false;
    }
  }

  private lay(commits: readonly CommitShape[]): void {
    this.layout.add(commits);
    this.commits.push(...commits);
  }

  /** The walk is over: the last rows settle, or, after a late child, the rows are laid out again in the whole order. */
  private finish(): void {
    this.done = true;
    const end = this.order.end();
    if ('rest' in end) return this.lay(end.rest);
    this.layout = new GraphLayout(this.ids);
    this.commits = [];
    this.lay(end.all);
    this.changedFrom = end.changedFrom;
  }

  private async readRest(iterator: AsyncIterator<readonly CommitShape[]>): Promise<void> {
    while (await this.next(iterator)) {
      const now = Date.now();
      if (now - this.lastSent >= PROGRESS_INTERVAL_MS) {
        this.lastSent = now;
        this.onProgress(this.summary());
      }
    }
    this.completed();
  }

  private completed(): void {
    if (!this.abort.signal.aborted) {
      this.onProgress(this.summary());
      if (this.error === undefined) this.onDone();
    }
  }
}
