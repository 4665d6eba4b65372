import { create } from 'zustand';
import type { JournalEntry, JournalHit } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';

interface JournalState {
  readonly entries: readonly JournalEntry[];
  readonly loaded: boolean;
  readonly error: string | null;
  readonly query: string;
  readonly tag: string;
  /** The search's hits (null: no search, every entry is listed). */
  readonly hits: readonly JournalHit[] | null;
  load(): Promise<void>;
  setQuery(query: string): void;
  setTag(tag: string): void;
  create(title: string): Promise<JournalEntry | null>;
}

let searchRound = 0;

/** The journal as the side view shows it: every entry, or the hits of the current search. */
export const useJournal = create<JournalState>((set, get) => {
  const runSearch = async () => {
    const { query, tag } = get();
    const round = ++searchRound;
    if (query.trim() === '' && tag === '') return set({ hits: null });
    try {
      const hits = await api().journal.search({ query, ...(tag !== '' && { tag }) });
      if (round === searchRound) set({ hits, error: null });
    } catch (error) {
      if (round === searchRound) set({ error: errorMessage(error) });
    }
  };
  return {
    entries: [],
    loaded: false,
    error: null,
    query: '',
    tag: '',
    hits: null,
    async load() {
      try {
        set({ entries: await api().journal.list({}), loaded: true, error: null });
        await runSearch();
      } catch (error) {
        set({ error: errorMessage(error), loaded: true });
      }
    },
    setQuery(query) {
      set({ query });
      void runSearch();
    },
    setTag(tag) {
      set({ tag });
      void runSearch();
    },
    async create(title) {
      try {
        const entry = await api().journal.create({ title });
        await get().load();
        return entry;
      } catch (error) {
        set({ error: errorMessage(error) });
        return null;
      }
    },
  };
});
