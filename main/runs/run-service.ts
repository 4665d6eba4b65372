import { isRunFinished, type PatchResult, type RemoteTransferReport, type RunLogChunk, type RunLogSearch, type RunMetrics, type RunRecord } from '../../preload/api';
import { checkoutRunCode } from './run-checkout';
import { readRunPatch } from './run-patch';
import { LogMetrics, thin } from './log-metrics';
import { searchRunLog } from './log-search';
import { type EventBus, fail } from '../common';
import type { RemoteContextSource } from '../explorer';
import type { JournalService } from '../journal';
import { isRemoteInside, normaliseRemotePath, sftpSession } from '../sftp';
import { execCommand } from '../ssh';
import { loadProjectSettings } from '../workspace';
import { launchRun, type LaunchRequest } from './launch-run';
import { refreshRuns } from './run-refresh';
import { listRuns, saveRun, syncedManifest } from './run-store';
import { stopSlurmRun } from './slurm-launcher';
import { type RemoteExec, stopTmuxRun } from './tmux-launcher';

/** How often unfinished runs are asked about (one exec for all of them). */
const POLL_MS = 3_000;
/** At most this much of a log per call: a 1 GB log is read a window at a time, never whole. */
const MAX_LOG_BYTES = 256 * 1024;
const METRICS_BYTES_PER_CALL = 8 * 1024 * 1024;
const METRIC_POINTS = 2000;

/** Downloads from the active server into a project folder with sync's rules (the remote explorer's). */
export interface RunDownloader {
  download(paths: readonly string[], toDir: string): Promise<RemoteTransferReport>;
}

/** What the run service needs of sync: the active target's connection, and a push. */
export interface RunSyncSource extends RemoteContextSource {
  run(deleteRemote: boolean): Promise<{ readonly conflicts: ReadonlyArray<{ readonly path: string; readonly message: string }>; readonly errors: ReadonlyArray<{ readonly path: string; readonly message: string }> }>;
}

/**
 * Runs in the window: launched on the active target after a push through sync (a conflict stops
 * it), recorded as `labdesk run` records them, and followed by one poll per few seconds for all
 * unfinished runs of the target, their status saved in run.json and sent as `runs.changed`.
 */
export class RunService {
  private root: string | null = null;
  private readonly metricsOf = new Map<string, { offset: number; pattern: string | null; metrics: LogMetrics }>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly events: EventBus,
    private readonly sync: RunSyncSource,
    private readonly journal: JournalService,
    private readonly downloader: RunDownloader,
  ) {}

  setRoot(root: string): void {
    this.root = root;
    this.metricsOf.clear();
    this.schedule();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.root = null;
  }

  async list(): Promise<RunRecord[]> {
    return listRuns(this.requireRoot());
  }

  async launch(request: LaunchRequest): Promise<RunRecord> {
    const root = this.requireRoot();
    if (request.command.trim() === '') fail('bad-argument', 'Type the command to run.', 'command');
    const context = await this.sync.remoteContext();
    // The server must have exactly this code before it runs.
    const report = await this.sync.run(false);
    if (report.errors.length > 0) fail('internal', `The code could not be pushed to ${context.target}, so nothing was launched: ${report.errors[0]?.message ?? ''}`);
    if (report.conflicts.length > 0) {
      fail('conflict', `${report.conflicts.length} file(s) changed on ${context.target} since the last sync (${report.conflicts.map((item) => item.path).slice(0, 3).join(', ')}); resolve them in the Server view first. Nothing was launched.`);
    }
    const settings = (await loadProjectSettings(root)).targets[context.target];
    const record = await launchRun(
      {
        root,
        target: context.target,
        host: context.hostLabel,
        remoteRoot: context.remoteRoot,
        exec: this.execOn(context.live.client),
        manifest: syncedManifest(context.state.entries.values()),
        ...(settings?.environment && { environment: settings.environment }),
        ...(settings?.launcher && { launcher: settings.launcher }),
        ...(settings?.slurm && { slurm: settings.slurm }),
      },
      request,
      this.journal,
    );
    this.events.emit('runs.changed', { ids: [record.id] });
    this.schedule(1_000);
    return record;
  }

  async stop(id: string): Promise<RunRecord> {
    const root = this.requireRoot();
    const record = await this.find(id);
    if (isRunFinished(record.status)) return record;
    const context = await this.contextOf(record, 'stop it');
    const asked = { ...record, stopRequested: true };
    await saveRun(root, asked);
    const exec = this.execOn(context.live.client);
    if (record.session) await (record.launcher === 'slurm' ? stopSlurmRun(exec, record.session) : stopTmuxRun(exec, record.session));
    await this.refresh();
    return this.find(id);
  }

  /** A branch at the run's commit with its patch applied (run-checkout.ts). */
  async checkoutCode(id: string): Promise<{ branch: string }> {
    return { branch: await checkoutRunCode(this.requireRoot(), await this.find(id)) };
  }

  /** The same command again on the active target, with the code as it is now (recorded anew). */
  async runAgain(id: string): Promise<RunRecord> {
    const before = await this.find(id);
    return this.launch({ command: before.command, launcher: before.launcher, ...(before.entry && { entry: before.entry }) });
  }

  /**
   * Copies chosen outputs of a run (result files, plots, checkpoints' metadata; paths relative
   * to the remote root, or absolute inside it) into journal/runs/<id>/outputs/, with the
   * explorer's download rules: atomic, nothing local overwritten, links never followed.
   */
  async fetchOutputs(id: string, paths: readonly string[]): Promise<RemoteTransferReport> {
    const record = await this.find(id);
    await this.contextOf(record, 'fetch its outputs');
    const remote = paths.map((item, index) => {
      const absolute = normaliseRemotePath(item.startsWith('/') ? item : `${record.remoteRoot}/${item}`, `paths.${index}`);
      if (!isRemoteInside(record.remoteRoot, absolute)) fail('outside-workspace', `${item} is outside ${record.remoteRoot}, the run's folder on ${record.host}.`, `paths.${index}`);
      return absolute;
    });
    const report = await this.downloader.download(remote, `journal/runs/${id}/outputs`);
    this.events.emit('runs.changed', { ids: [id] });
    return report;
  }

  /** The run's code.patch, for the patch view. */
  async patch(id: string): Promise<PatchResult> {
    await this.find(id);
    return readRunPatch(this.requireRoot(), id);
  }

  /** Up to MAX_LOG_BYTES of a run's output.log from `offset`, read on the server (never the whole file). */
  async log(id: string, offset: number, maxBytes = MAX_LOG_BYTES): Promise<RunLogChunk> {
    const record = await this.find(id);
    const context = await this.contextOf(record, 'read its log');
    const session = sftpSession(context.live.sftp, context.hostLabel);
    const file = `${record.runDir}/output.log`;
    const stats = await session.lstatOrNull(file);
    if (stats === null) return { text: '', offset: 0, size: 0 };
    const start = Math.max(0, Math.min(offset, stats.size));
    const length = Math.min(Math.max(0, stats.size - start), Math.min(maxBytes, MAX_LOG_BYTES));
    if (length === 0) return { text: '', offset: start, size: stats.size };
    const handle = await session.open(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const count = await session.read(handle, buffer, read, length - read, start + read, file);
        if (count === 0) break;
        read += count;
      }
      // Whole UTF-8 characters only: a character cut at the end is read with the next window.
      const whole = wholeUtf8Length(buffer, read);
      return { text: buffer.subarray(0, whole).toString('utf8'), offset: start + whole, size: stats.size };
    } finally {
      await session.close(handle, file).catch(() => undefined);
    }
  }

  /** The lines of a run's whole log holding `query`, found by grep on the server (log-search.ts). */
  async searchLog(id: string, query: string): Promise<RunLogSearch> {
    const record = await this.find(id);
    const context = await this.contextOf(record, 'search its log');
    return searchRunLog(this.execOn(context.live.client), `${record.runDir}/output.log`, query);
  }

  /**
   * The numbers in a run's log (log-metrics.ts), read on from where the last call stopped, at
   * most 8 MB per call (`complete` says when the whole log is read), each series thinned to
   * 2,000 points.
   */
  async metrics(id: string): Promise<RunMetrics> {
    // The project's own pattern, read each time so an edit of project.json shows at once.
    const pattern = (await loadProjectSettings(this.requireRoot())).metricsPattern ?? null;
    let cached = this.metricsOf.get(id);
    if (!cached || cached.pattern !== pattern) this.metricsOf.set(id, (cached = { offset: 0, pattern, metrics: new LogMetrics(pattern ?? undefined) }));
    let size = 0;
    for (let read = 0; read < METRICS_BYTES_PER_CALL; ) {
      const chunk = await this.log(id, cached.offset);
      size = chunk.size;
      if (chunk.text === '') break;
      cached.metrics.push(chunk.text);
      read += chunk.offset - cached.offset;
      cached.offset = chunk.offset;
    }
    const series = [...cached.metrics.get()].map(([name, values]) => ({ name, ...thin(values, METRIC_POINTS) }));
    return { series, complete: cached.offset >= size, bytesRead: cached.offset, size };
  }

  /** Asks the active target about its unfinished runs (one exec) and saves what changed. */
  async refresh(): Promise<void> {
    const root = this.root;
    if (root === null || this.polling) return;
    this.polling = true;
    try {
      const context = await this.sync.remoteContext().catch(() => null);
      if (context === null) return;
      const mine = (await listRuns(root)).filter((run) => run.target === context.target);
      const { changed } = await refreshRuns(root, this.execOn(context.live.client), mine);
      if (changed.length > 0) this.events.emit('runs.changed', { ids: changed });
    } catch {
      // The connection dropped or the server did not answer: the runs stay as last seen.
    } finally {
      this.polling = false;
    }
  }

  private schedule(delay = POLL_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.root === null) return;
      void this.refresh().finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  /** The active target's connection, when the run is on it. */
  private async contextOf(record: RunRecord, toDo: string) {
    const context = await this.sync.remoteContext();
    if (context.target !== record.target) fail('bad-argument', `${record.id} is on ${record.target}; activate that target to ${toDo}.`, 'id');
    return context;
  }

  private async find(id: string): Promise<RunRecord> {
    return (await this.list()).find((run) => run.id === id) ?? fail('not-found', `There is no run ${id} in this project.`, 'id');
  }

  private requireRoot(): string {
    return this.root ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
  }

  private execOn(client: Parameters<typeof execCommand>[0]): RemoteExec {
    return (command, options) => execCommand(client, command, options);
  }
}

/** How many of the first `length` bytes end on a character boundary. */
export function wholeUtf8Length(buffer: Uint8Array, length: number): number {
  for (let back = 1; back <= Math.min(4, length); back++) {
    const byte = buffer[length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const size = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return back >= size ? length : length - back;
  }
  return length;
}
