import type { MonitorAlert, MonitorSample } from '../../preload/api';

/** GPU memory in use past this share of the card is worth a word (the next allocation fails). */
const GPU_MEMORY_SHARE = 0.95;
/** A file system this full soon stops checkpoints from being written. */
const DISK_FULL_PERCENT = 95;
/** Below this utilization a GPU counts as idle. */
const IDLE_PERCENT = 5;

export interface AlertOptions {
  /**
   * How long a run's GPU must stay idle before it is worth telling: data loading and evaluation
   * leave a GPU idle for a while in a healthy run.
   */
  readonly idleForMs?: number;
}

/**
 * Turns samples into alerts the person sees once: an alert is returned by the sample in which
 * its condition starts, and again only after the condition has ended and starts anew. Keys name
 * the thing (`gpu-memory:gpu1:0`), so two GPUs or two disks each get their own.
 */
export class AlertTracker {
  /** Conditions that hold now (alerted or waiting for idleForMs). */
  private readonly active = new Map<string, { since: number; alerted: boolean }>();

  constructor(private readonly options: AlertOptions = {}) {}

  next(sample: MonitorSample): MonitorAlert[] {
    const now = sample.at;
    const holding = new Map<string, { kind: MonitorAlert['kind']; message: string; afterMs: number }>();
    for (const gpu of sample.gpus) {
      if (gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB !== null && gpu.memoryTotalMiB > 0 && gpu.memoryUsedMiB / gpu.memoryTotalMiB > GPU_MEMORY_SHARE) {
        holding.set(`gpu-memory:${sample.target}:${gpu.index}`, {
          kind: 'gpu-memory',
          message: `GPU ${gpu.index} on ${sample.target} is ${Math.round((gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100)}% full (${gpu.memoryUsedMiB} of ${gpu.memoryTotalMiB} MiB): the next allocation may fail.`,
          afterMs: 0,
        });
      }
      if (gpu.utilization !== null && gpu.utilization < IDLE_PERCENT) {
        for (const runId of new Set(gpu.processes.map((process) => process.runId).filter((id): id is string => id !== null))) {
          holding.set(`gpu-idle:${sample.target}:${gpu.index}:${runId}`, {
            kind: 'gpu-idle',
            message: `GPU ${gpu.index} on ${sample.target} is idle (${gpu.utilization}%) while ${runId} holds it: is the run stuck or waiting on data?`,
            afterMs: this.options.idleForMs ?? 60_000,
          });
        }
      }
    }
    for (const disk of sample.disks) {
      if (disk.usedPercent >= DISK_FULL_PERCENT) {
        holding.set(`disk-full:${sample.target}:${disk.mount ?? disk.path}`, {
          kind: 'disk-full',
          message: `The disk of ${disk.path} on ${sample.target} is ${disk.usedPercent}% full (${formatBytes(disk.availableBytes)} left).`,
          afterMs: 0,
        });
      }
    }
    for (const key of [...this.active.keys()]) if (!holding.has(key)) this.active.delete(key);
    const alerts: MonitorAlert[] = [];
    for (const [key, condition] of holding) {
      let state = this.active.get(key);
      if (!state) this.active.set(key, (state = { since: now, alerted: false }));
      if (!state.alerted && now - state.since >= condition.afterMs) {
        state.alerted = true;
        alerts.push({ kind: condition.kind, key, target: sample.target, message: condition.message });
      }
    }
    return alerts;
  }
}

function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
