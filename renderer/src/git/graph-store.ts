import { create } from 'zustand';
import type { GraphRowData, GraphSearchField, GraphSummary } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';

/** Rows are fetched in aligned chunks of this many, so scrolling asks main once per chunk. */
const CHUNK = 200;

interface GraphSearch {
  readonly field: GraphSearchField;
  readonly query: string;
  readonly rows: readonly number[];
  readonly truncated: boolean;
  /** Which match is selected (index into rows). */
  readonly at: number;
}

interface GraphState {
  readonly summary: GraphSummary | null;
  readonly error: string | null;
  /** Bumped whenever rows arrive, so views re-read the cache. */
  readonly version: number;
  readonly selected: number | null;
  /** A commit marked to compare with the selected one. */
  readonly compareBase: string | null;
  readonly search: GraphSearch | null;
  open(): Promise<void>;
  /** Reopens after the repository changed (commit, checkout, fetch), keeping the selected commit if it is still there. */
  reload(): Promise<void>;
  applySummary(summary: GraphSummary): void;
  ensureRows(first: number, last: number): void;
  row(index: number): GraphRowData | undefined;
  select(index: number | null): void;
  selectOid(oid: string): Promise<boolean>;
  markForCompare(oid: string | null): void;
  find(field: GraphSearchField, query: string): Promise<void>;
  step(direction: 1 | -1): void;
  clearSearch(): void;
  reset(): void;
}

// The cache lives outside the state: 100k rows must not be copied on every update.
let cache = new Map<number, GraphRowData>();
const inFlight = new Set<string>();
let opening: Promise<void> | null = null;

export const useGraph = create<GraphState>((set, get) => ({
  summary: null,
  error: null,
  version: 0,
  selected: null,
  compareBase: null,
  search: null,

  open() {
    // The tab asks on click and the view on mount: one request serves both.
    opening ??= (async () => {
      cache = new Map();
      inFlight.clear();
      try {
        const summary = await api().git.openGraph({});
        set({ summary, error: null, version: get().version + 1, search: null });
      } catch (error) {
        set({ summary: null, error: errorMessage(error) });
      } finally {
        opening = null;
      }
    })();
    return opening;
  },

  async reload() {
    const selectedOid = get().selected === null ? null : get().row(get().selected as number)?.oid;
    await get().open();
    if (selectedOid) {
      const at = await findRowOf(selectedOid);
      set({ selected: at });
    } else set({ selected: null });
  },

  applySummary(summary) {
    const before = get().summary;
    if (before?.id !== summary.id) return;
    // Rows from changedFrom on were laid out again in another order: what is cached there is stale.
    const reordered = summary.changedFrom !== undefined && before.changedFrom === undefined;
    if (reordered) for (const row of [...cache.keys()]) if (row >= (summary.changedFrom as number)) cache.delete(row);
    set({ summary, ...(reordered && { version: get().version + 1 }) });
  },

  ensureRows(first, last) {
    const summary = get().summary;
    if (!summary) return;
    const end = Math.min(last, summary.rows - 1);
    for (let chunk = Math.floor(Math.max(0, first) / CHUNK); chunk * CHUNK <= end; chunk++) {
      const start = chunk * CHUNK;
      const id = summary.id;
      // Keyed by graph too: a request for the graph before a reload must not hold back the new one.
      const key = `${id}:${start}`;
      if (inFlight.has(key) || (cache.has(start) && cache.has(Math.min(start + CHUNK, summary.rows) - 1))) continue;
      inFlight.add(key);
      const order = summary.changedFrom;
      void api()
        .git.graphRows({ id, start, count: CHUNK })
        .then((rows) => {
          // Another graph by now, or the rows were asked for before a reorder.
          if (get().summary?.id !== id || get().summary?.changedFrom !== order) return;
          for (const row of rows) cache.set(row.row, row);
          set({ version: get().version + 1 });
        })
        .catch((error: unknown) => set({ error: errorMessage(error) }))
        .finally(() => inFlight.delete(key));
    }
  },

  row: (index) => cache.get(index),

  select(index) {
    set({ selected: index });
  },

  async selectOid(oid) {
    const at = await findRowOf(oid);
    if (at === null) return false;
    set({ selected: at });
    return true;
  },

  markForCompare(oid) {
    set({ compareBase: oid });
  },

  async find(field, query) {
    const summary = get().summary;
    if (!summary) return;
    if (query.trim() === '') return set({ search: null });
    try {
      const found = await api().git.searchGraph({ id: summary.id, field, query });
      set({ search: { field, query, rows: found.rows, truncated: found.truncated, at: 0 }, ...(found.rows.length > 0 && { selected: found.rows[0] as number }) });
    } catch (error) {
      set({ search: { field, query, rows: [], truncated: false, at: 0 }, error: errorMessage(error) });
    }
  },

  step(direction) {
    const search = get().search;
    if (!search || search.rows.length === 0) return;
    const at = (search.at + direction + search.rows.length) % search.rows.length;
    set({ search: { ...search, at }, selected: search.rows[at] as number });
  },

  clearSearch() {
    set({ search: null });
  },

  reset() {
    cache = new Map();
    inFlight.clear();
    set({ summary: null, error: null, selected: null, compareBase: null, search: null });
  },
}));

/** The row of a commit: a ref's known row, else a search by hash. */
async function findRowOf(oid: string): Promise<number | null> {
  const { summary } = useGraph.getState();
  if (!summary) return null;
  for (const [row, data] of cache) if (data.oid === oid) return row;
  const found = await api()
    .git.searchGraph({ id: summary.id, field: 'hash', query: oid })
    .catch(() => null);
  return found?.rows[0] ?? null;
}
