import { create } from 'zustand';
import type { TaskProgress } from '../../../preload/api';

interface TasksState {
  readonly tasks: readonly TaskProgress[];
  update(progress: TaskProgress): void;
}

/** How long a finished task stays in the status bar (a plain line, no progress bar), so the user sees it completed. */
const FINISHED_VISIBLE_MS = 1500;

export const useTasks = create<TasksState>((set) => ({
  tasks: [],
  update(progress) {
    set((state) => ({ tasks: [...state.tasks.filter((t) => t.id !== progress.id), progress] }));
    if (progress.state !== 'running') {
      setTimeout(() => set((state) => ({ tasks: state.tasks.filter((t) => t.id !== progress.id) })), FINISHED_VISIBLE_MS);
    }
  },
}));
