import type { MonitorSample } from '../../preload/api';
import type { EventBus } from '../common';
import type { RemoteContextSource } from '../explorer';
import { listRuns } from '../runs';
import { loadProjectSettings } from '../workspace';
import { AlertTracker, type AlertOptions } from './alerts';
import type { CpuTimes } from './proc';
import { sampleShellOf } from './sample-shell';
import { takeSample } from './take-sample';

export const MONITOR_INTERVAL_MS = 2_000;
/** The charts show the last 10 minutes. */
const HISTORY_MS = 10 * 60_000;

export interface MonitorOptions extends AlertOptions {
  readonly intervalMs?: number;
}

/**
 * The window's Monitor: while the window is visible, one sample per interval on the active server
 * (take-sample.ts; one round trip to the connection's monitor shell, sample-shell.ts), each sample sent as `monitor.sample` with the alerts that started with it,
 * and the last 10 minutes kept per server for the charts. Hidden, it takes no samples at all. A
 * sample that fails (the link is down) is skipped quietly: the status bar already says offline.
 */
export class MonitorService {
  private root: string | null = null;
  private visible = false;
  private timer: NodeJS.Timeout | null = null;
  private sampling = false;
  private readonly samples = new Map<string, MonitorSample[]>();
  private readonly previousCpu = new Map<string, CpuTimes | null>();
  private readonly alerts = new Map<string, AlertTracker>();
  readonly intervalMs: number;

  constructor(
    private readonly events: EventBus,
    private readonly remote: RemoteContextSource,
    private readonly options: MonitorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? MONITOR_INTERVAL_MS;
  }

  setRoot(root: string | null): void {
    this.root = root;
    this.samples.clear();
    this.previousCpu.clear();
    this.alerts.clear();
  }

  watch(visible: boolean): { intervalMs: number } {
    this.visible = visible;
    if (visible && this.timer === null) this.schedule(0);
    if (!visible && this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    return { intervalMs: this.intervalMs };
  }

  /** The active server's samples of the last 10 minutes, oldest first. */
  async history(): Promise<MonitorSample[]> {
    const context = await this.remote.remoteContext().catch(() => null);
    return context ? [...(this.samples.get(context.target) ?? [])] : [];
  }

  close(): void {
    this.visible = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Takes one sample of the active server now (the timer's work; tests call it directly). */
  async sampleNow(): Promise<MonitorSample | null> {
    const root = this.root;
    if (root === null || this.sampling) return null;
    this.sampling = true;
    try {
      const context = await this.remote.remoteContext().catch(() => null);
      if (context === null) return null;
      const settings = (await loadProjectSettings(root).catch(() => null))?.targets[context.target];
      const running = (await listRuns(root)).filter((run) => run.target === context.target && run.launcher === 'tmux' && (run.status === 'running' || run.status === 'launching'));
      const remoteRoot = context.remoteRoot;
      const disks = [remoteRoot, ...['model', 'data', 'output'].map((name) => `${remoteRoot}/${name}/`), ...(settings?.dataRoot ? [settings.dataRoot] : [])];
      const shell = sampleShellOf(context.live.client);
      const { sample, cpu } = await takeSample((command) => shell.exec(command), {
        target: context.target,
        host: context.hostLabel,
        disks,
        runs: running,
        previousCpu: this.previousCpu.get(context.target) ?? null,
      });
      this.previousCpu.set(context.target, cpu);
      const kept = (this.samples.get(context.target) ?? []).filter((old) => old.at >= sample.at - HISTORY_MS);
      kept.push(sample);
      this.samples.set(context.target, kept);
      let tracker = this.alerts.get(context.target);
      if (!tracker) this.alerts.set(context.target, (tracker = new AlertTracker(this.options)));
      this.events.emit('monitor.sample', { sample, alerts: tracker.next(sample) });
      return sample;
    } catch {
      return null; // the link dropped mid-sample: the next one tries again
    } finally {
      this.sampling = false;
    }
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      void this.sampleNow().finally(() => {
        if (this.visible) this.schedule(this.intervalMs);
        else this.timer = null;
      });
    }, delay);
    this.timer.unref();
  }
}
