import { create } from 'zustand';
import type { MonitorSample } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { notify } from '../state/notifications-store';

const TEN_MINUTES = 10 * 60_000;

interface MonitorState {
  /** Each monitored server's samples of the last 10 minutes, oldest first. */
  readonly samplesOf: Readonly<Record<string, readonly MonitorSample[]>>;
  /** Other servers than the active one that are watched (each on its own connection). */
  readonly watched: readonly string[];
  /** The server the Monitor view shows; null: the active one. */
  readonly shown: string | null;
  add(sample: MonitorSample): void;
  /** Loads what main kept of a server (the Monitor opened late, or the server changed). */
  load(target: string | null): Promise<void>;
  setWatched(watched: readonly string[]): void;
  watchTarget(name: string, watch: boolean): Promise<void>;
  show(target: string | null): void;
  reset(): void;
}

export const useMonitor = create<MonitorState>((set, get) => ({
  samplesOf: {},
  watched: [],
  shown: null,
  add(sample) {
    const before = get().samplesOf[sample.target] ?? [];
    const kept = before.filter((old) => old.at >= sample.at - TEN_MINUTES);
    set({ samplesOf: { ...get().samplesOf, [sample.target]: [...kept, sample] } });
  },
  async load(target) {
    if (target === null) return;
    const samples = await api().monitor.history({ target }).catch(() => []);
    set({ samplesOf: { ...get().samplesOf, [target]: samples } });
  },
  setWatched(watched) {
    set({ watched });
  },
  async watchTarget(name, watch) {
    // Shown at once; main's answer (or its refusal) settles it.
    const before = get().watched;
    const samplesOf = { ...get().samplesOf };
    if (!watch) delete samplesOf[name];
    set({ watched: watch ? [...before.filter((other) => other !== name), name] : before.filter((other) => other !== name), samplesOf, shown: watch ? name : get().shown === name ? null : get().shown });
    try {
      set({ watched: (await api().monitor.watchTarget({ name, watch })).watched });
    } catch (error) {
      set({ watched: before, shown: null });
      notify('error', `${name} cannot be monitored: ${errorMessage(error)}`);
    }
  },
  show(shown) {
    set({ shown });
  },
  reset() {
    set({ samplesOf: {}, watched: [], shown: null });
  },
}));

export const GIB = 1024 ** 3;

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
