import { randomUUID } from 'node:crypto';
import type { TaskProgress } from '../../preload/api';
import { ApiError } from './errors';
import type { EventBus } from './event-bus';

export interface TaskHandle {
  readonly signal: AbortSignal;
  /** Sets how far along the task is; progress events are throttled, so call it as often as you like. */
  report(done: number, total?: number | null, bytes?: { done: number; total: number | null }): void;
}

export interface TaskOptions {
  readonly title: string;
  readonly unit: string;
  readonly total?: number | null;
  readonly cancellable?: boolean;
}

const REPORT_INTERVAL_MS = 100;

/**
 * Long work in main (indexing, later sync and downloads) runs as a task: it reports progress with
 * counts to the status bar and can be cancelled from there. The final state is always sent.
 */
export class TaskRegistry {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly events: EventBus) {}

  async run<T>(options: TaskOptions, work: (task: TaskHandle) => Promise<T>): Promise<T> {
    const id = randomUUID();
    const controller = new AbortController();
    this.running.set(id, controller);
    let state: TaskProgress = {
      id,
      title: options.title,
      done: 0,
      total: options.total ?? null,
      unit: options.unit,
      cancellable: options.cancellable ?? true,
      state: 'running',
    };
    let lastSent = 0;
    const send = (force: boolean) => {
      const now = Date.now();
      if (!force && now - lastSent < REPORT_INTERVAL_MS) return;
      lastSent = now;
      this.events.emit('progress', state);
    };
    send(true);
    const handle: TaskHandle = {
      signal: controller.signal,
      report: (done, total, bytes) => {
        state = { ...state, done, ...(total !== undefined && { total }), ...(bytes !== undefined && { bytes }) };
        send(false);
      },
    };
    try {
      const result = await work(handle);
      state = { ...state, state: 'done' };
      return result;
    } catch (error) {
      if (controller.signal.aborted) {
        state = { ...state, state: 'cancelled', message: `${options.title} was cancelled.` };
        throw new ApiError({ code: 'cancelled', message: `${options.title} was cancelled.` });
      }
      state = { ...state, state: 'failed', message: error instanceof Error ? error.message : String(error) };
      throw error;
    } finally {
      this.running.delete(id);
      send(true);
    }
  }

  cancel(id: string): boolean {
    const controller = this.running.get(id);
    if (!controller) return false;
    controller.abort();
    return true;
  }
}
