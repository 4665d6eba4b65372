import type { MonitorSample } from '../../preload/api';
import type { EventBus } from '../common';
import type { RemoteContextSource } from '../explorer';
import type { ReconnectingConnection } from '../ssh';
import { loadProjectSettings } from '../workspace';
import { AlertTracker, type AlertOptions } from './alerts';
import type { CpuTimes } from './proc';
import { monitorSpec } from './monitor-spec';
import { sampleShellOf } from './sample-shell';
import { takeSample } from './take-sample';

export const MONITOR_INTERVAL_MS = 2_000;
/** The charts show the last 10 minutes. */
const HISTORY_MS = 10 * 60_000;

export interface MonitorOptions extends AlertOptions {
  readonly intervalMs?: number;
}

/** What the monitor needs of sync: the active target's connection, and one of its own to another target. */
export interface MonitorSource extends RemoteContextSource {
  connectionTo(name: string): Promise<{ readonly connection: ReconnectingConnection; readonly hostLabel: string; readonly remoteRoot: string }>;
}

/** Where one sample is taken. */
interface SampleTarget {
  readonly name: string;
  readonly hostLabel: string;
  readonly remoteRoot: string;
  readonly client: Parameters<typeof sampleShellOf>[0];
}

/**
 * The window's Monitor: while the window is visible, one sample per interval of the active server
 * and of each other server the person watches (take-sample.ts; one round trip to the
 * connection's monitor shell, sample-shell.ts), each sample sent as `monitor.sample` with the alerts that started with it,
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
  /** Other targets than the active one that the person asked to watch, each on a connection of its own. */
  private readonly watched = new Map<string, { connection: ReconnectingConnection; hostLabel: string; remoteRoot: string }>();
  readonly intervalMs: number;

  constructor(
    private readonly events: EventBus,
    private readonly remote: MonitorSource,
    private readonly options: MonitorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? MONITOR_INTERVAL_MS;
  }

  setRoot(root: string | null): void {
    this.root = root;
    this.samples.clear();
    this.previousCpu.clear();
    this.alerts.clear();
    this.unwatchAll();
  }

  /** Watches (or stops watching) another target of the project besides the active one. */
  async watchTarget(name: string, watch: boolean): Promise<{ watched: string[] }> {
    const current = this.watched.get(name);
    if (!watch && current) {
      current.connection.close();
      this.watched.delete(name);
      this.samples.delete(name);
    }
    if (watch && !current) {
      const opened = await this.remote.connectionTo(name);
      this.watched.set(name, opened);
      opened.connection.ready().catch(() => undefined); // connects (and asks, if it must) now
    }
    return { watched: [...this.watched.keys()] };
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

  /** A server's samples of the last 10 minutes, oldest first: the active one's unless `target` names another. */
  async history(target?: string): Promise<MonitorSample[]> {
    const name = target ?? (await this.remote.remoteContext().catch(() => null))?.target;
    return name ? [...(this.samples.get(name) ?? [])] : [];
  }

  watchedTargets(): string[] {
    return [...this.watched.keys()];
  }

  close(): void {
    this.visible = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unwatchAll();
  }

  /**
   * Takes one sample of the active server and of each watched one now, side by side (the
   * timer's work; tests call it directly). Resolves with the active server's sample.
   */
  async sampleNow(): Promise<MonitorSample | null> {
    const root = this.root;
    if (root === null || this.sampling) return null;
    this.sampling = true;
    try {
      const context = await this.remote.remoteContext().catch(() => null);
      const others = [...this.watched].filter(([name, watched]) => name !== context?.target && watched.connection.state === 'connected');
      const [active] = await Promise.all([
        context ? this.sampleOf(root, { name: context.target, hostLabel: context.hostLabel, remoteRoot: context.remoteRoot, client: context.live.client }) : null,
        ...others.map(async ([name, watched]) => {
          const live = await watched.connection.ready().catch(() => null);
          return live ? this.sampleOf(root, { name, hostLabel: watched.hostLabel, remoteRoot: watched.remoteRoot, client: live.client }) : null;
        }),
      ]);
      // A watched server that dropped is asked to come back; its next sample is taken when it did.
      for (const [, watched] of this.watched) if (watched.connection.state === 'offline') watched.connection.ready().catch(() => undefined);
      return active ?? null;
    } finally {
      this.sampling = false;
    }
  }

  private async sampleOf(root: string, target: SampleTarget): Promise<MonitorSample | null> {
    try {
      const settings = (await loadProjectSettings(root).catch(() => null))?.targets[target.name];
      const spec = await monitorSpec(root, target.name, target.remoteRoot, settings?.dataRoot);
      const shell = sampleShellOf(target.client);
      const { sample, cpu } = await takeSample((command) => shell.exec(command), {
        target: target.name,
        host: target.hostLabel,
        ...spec,
        previousCpu: this.previousCpu.get(target.name) ?? null,
      });
      this.previousCpu.set(target.name, cpu);
      const kept = (this.samples.get(target.name) ?? []).filter((old) => old.at >= sample.at - HISTORY_MS);
      kept.push(sample);
      this.samples.set(target.name, kept);
      let tracker = this.alerts.get(target.name);
      if (!tracker) this.alerts.set(target.name, (tracker = new AlertTracker(this.options)));
      this.events.emit('monitor.sample', { sample, alerts: tracker.next(sample) });
      return sample;
    } catch {
      return null; // the link dropped mid-sample: the next one tries again
    }
  }

  private unwatchAll(): void {
    for (const watched of this.watched.values()) watched.connection.close();
    this.watched.clear();
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
