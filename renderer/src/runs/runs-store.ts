import { create } from 'zustand';
import type { RunRecord } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';

/** The launch form's command box, focused when a journal entry asks for a run. */
export const RUN_COMMAND_ID = 'run-command';

interface RunsState {
  readonly runs: readonly RunRecord[];
  readonly loaded: boolean;
  readonly error: string | null;
  readonly launching: boolean;
  /** The journal entry the launch form files the next run in ('' for none). */
  readonly launchEntry: string;
  setLaunchEntry(path: string): void;
  load(): Promise<void>;
  launch(command: string, options?: { launcher?: 'tmux' | 'slurm'; entry?: string; environment?: string }): Promise<RunRecord | null>;
  stop(id: string): Promise<void>;
}

/** The project's runs as the Runs view shows them; main sends `runs.changed` when a status moves. */
export const useRuns = create<RunsState>((set, get) => ({
  runs: [],
  loaded: false,
  error: null,
  launching: false,
  launchEntry: '',
  setLaunchEntry: (launchEntry) => set({ launchEntry }),
  async load() {
    try {
      set({ runs: await api().runs.list({}), loaded: true });
    } catch (error) {
      set({ error: errorMessage(error), loaded: true });
    }
  },
  async launch(command, options = {}) {
    set({ launching: true, error: null });
    try {
      const run = await api().runs.launch({ command, ...(options.launcher && { launcher: options.launcher }), ...(options.entry && { entry: options.entry }), ...(options.environment !== undefined && { environment: options.environment }) });
      await get().load();
      return run;
    } catch (error) {
      set({ error: errorMessage(error) });
      return null;
    } finally {
      set({ launching: false });
    }
  },
  async stop(id) {
    try {
      await api().runs.stop({ id });
      await get().load();
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));
