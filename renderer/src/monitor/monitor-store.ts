import { create } from 'zustand';
import type { MonitorSample } from '../../../preload/api';
import { api } from '../api/client';

const TEN_MINUTES = 10 * 60_000;

interface MonitorState {
  /** The active server's samples of the last 10 minutes, oldest first. */
  readonly samples: readonly MonitorSample[];
  readonly target: string | null;
  add(sample: MonitorSample): void;
  /** Loads what main kept (the Monitor opened late, or the server changed). */
  load(target: string | null): Promise<void>;
}

export const useMonitor = create<MonitorState>((set, get) => ({
  samples: [],
  target: null,
  add(sample) {
    const { samples, target } = get();
    const kept = (target === sample.target ? samples : []).filter((old) => old.at >= sample.at - TEN_MINUTES);
    set({ samples: [...kept, sample], target: sample.target });
  },
  async load(target) {
    if (target === null) return set({ samples: [], target: null });
    const samples = await api().monitor.history({}).catch(() => []);
    set({ samples: samples.filter((sample) => sample.target === target), target });
  },
}));

export function latestSample(state: MonitorState): MonitorSample | null {
  return state.samples.at(-1) ?? null;
}

export const GIB = 1024 ** 3;

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
