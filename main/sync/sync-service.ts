import { lstat, mkdir, readFile as readLocalFile } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteFileContent, SyncPlanItem, SyncPlanSummary, SyncRunReport, SyncStatus, SyncTargetInfo, SyncTargets } from '../../preload/api';
import { ApiError, atomicWriteFile, type EventBus, fail, type TaskRegistry } from '../common';
import { type ConnectionState, type LiveConnection, type Prompter, ReconnectingConnection, type ReconnectOptions, SecretCache, type TargetConnection, targetConnection } from '../ssh';
import { loadProjectSettings, looksBinary, NOT_OPENED_ABOVE_BYTES, parseWorkspacePath, resolveInWorkspace, SNIFF_BYTES, toWorkspaceRelative } from '../workspace';
import { rememberActiveTarget, restoreActiveTarget } from './state/active-target-memory';
import { hashLocalFile } from './local/content-hash';
import { type IgnoreRules, loadIgnoreRules } from './local/ignore-rules';
import { sameStamp } from './plan/plan';
import { lstatRemote } from './remote/remote-ops';
import { executeSync, type PreparedSync, prepareSync, type SyncReport, type SyncSession } from './sync-engine';
import { SyncState } from './state/sync-state';
import type { PlanAction, RemoteStamp, SyncPlan } from './sync-types';
import { SyncWatcher, type SyncWatchEvent } from './watch/sync-watcher';
import { listTargets, removeTarget, saveTarget, type TargetInput } from './state/target-store';
import { uploadFiles } from './transfer/transfer';
import { conflictMessage } from './plan/conflict-message';
import { readRemoteBytes, sftpSession } from '../sftp';
import type { RemoteContext } from '../explorer';
import { ConnectionFacts } from './connection-facts';

/**
 * Sync inside the app (desktop window and `labdesk web`): the project's targets, the one active
 * target's connection, upload on save, full syncs with a preview, and conflict resolution.
 *
 * - One ReconnectingConnection per active target; host-key and password questions go through the
 *   window's PromptBroker. A failure retrying cannot fix (key refused, authentication) ends the
 *   activation with the error shown; a dropped link keeps retrying while saves queue.
 * - Upload on save and outside changes go through SyncWatcher (`notifySaved` after each
 *   `workspace.write`): every write is guarded by the base, so a server edit is a conflict.
 * - A full sync pauses the watcher while it runs, so two pushes never race on one path.
 * - Conflicts are resolved with what the person saw: `readRemote` remembers the server stamp,
 *   and "keep mine" uploads only over exactly that version.
 *
 * Every change of what the status bar shows goes out as a `sync.status` event.
 */
export interface SyncServiceOptions {
  readonly events: EventBus;
  readonly tasks: TaskRegistry;
  readonly prompter: Prompter;
  /** Labdesk's trust store lives here. */
  readonly configDir: string;
  /** known_hosts files that replace ssh config's (tests); default: `LABDESK_KNOWN_HOSTS` (path list) or ssh config's. */
  readonly knownHostsFiles?: readonly string[];
  /** Replaces ~/.ssh/config; default: `LABDESK_SSH_CONFIG`. */
  readonly sshConfigFile?: string;
  readonly reconnect?: ReconnectOptions;
  /** Watcher debounce (tests shorten it). */
  readonly debounceMs?: number;
}

/** How long `activate` waits for the first connection before it returns "offline" (retries go on). */
const FIRST_CONNECT_WAIT_MS = 30_000;
/** How long plan/run/compare wait for a connection that is being re-established. */
const READY_WAIT_MS = 20_000;
const PLAN_ITEMS_LIMIT = 5_000;
const STATUS_TICK_MS = 250;
const RECONNECT: ReconnectOptions = { initialDelayMs: 500, maxDelayMs: 15_000 };

/** A target read and ready to connect (SyncService.openTarget). */
interface OpenedTarget {
  readonly remoteRoot: string;
  readonly ignoreExtra: Active['ignoreExtra'];
  readonly hostLabel: string;
  readonly connect: TargetConnection['connect'];
  readonly state: SyncState;
  readonly ignore: IgnoreRules;
}

interface Active {
  readonly name: string;
  readonly root: string;
  readonly hostLabel: string;
  readonly remoteRoot: string;
  readonly connection: ReconnectingConnection;
  readonly state: SyncState;
  ignore: IgnoreRules;
  readonly ignoreExtra: readonly string[];
  watcher: SyncWatcher | null;
  /** Paths the last full plan would upload or delete that have not been pushed since. */
  planPending: Set<string>;
  conflicts: Map<string, string>;
  /** The server stamp of each file the person was shown (readRemote): "keep mine" writes only over it. */
  readonly seen: Map<string, RemoteStamp | null>;
  error: string | null;
  lastPush: { at: string; files: number } | null;
  /** Full syncs and conflict resolutions run one at a time. */
  exclusive: Promise<unknown>;
  /**
   * The watcher's queue drains without an event when a change needs no write (its own save seen
   * again by the file watcher), so the status is re-checked on a short timer (sent only on change).
   */
  ticker: NodeJS.Timeout | null;
  /** Saves made while the watcher was paused for a full sync; pushed when it resumes. */
  savedWhilePaused: Set<string> | null;
  /** What the current connection has learned about the server (replaced after a reconnect). */
  facts: ConnectionFacts | null;
}


export class SyncService {
  private root: string | null = null;
  private active: Active | null = null;
  /** After a failed activation: which target, and why (shown until the next activation). */
  private failed: { name: string; error: string } | null = null;
  /** Typed passwords/passphrases, kept for reconnects and re-activations of this window. */
  private readonly secrets = new SecretCache();
  private lastSent = '';
  private closed = false;

  constructor(private readonly options: SyncServiceOptions) {}

  // ---- workspace ----

  /** The window opened another folder (or none): the active target belongs to the old one. */
  async setRoot(root: string | null): Promise<void> {
    if (root === this.root) return;
    await this.deactivate();
    this.failed = null;
    this.root = root;
    this.emitStatus(true);
    // The target active when this project was last open comes back by itself, in the background
    // (the window opens at once; a failure shows in the status bar). See active-target-memory.ts.
    if (root !== null) await restoreActiveTarget(root, (name) => (this.root === root && this.active === null && !this.closed ? this.activate(name) : undefined));
  }

  async close(): Promise<void> {
    // An activation still on its way (a restored target) must not start a connection after this.
    this.closed = true;
    await this.deactivate();
  }

  // ---- targets ----

  async targets(): Promise<SyncTargets> {
    const root = this.requireRoot();
    return { targets: await listTargets(root), active: this.active?.name ?? null };
  }

  async saveTarget(input: TargetInput): Promise<SyncTargets> {
    const root = this.requireRoot();
    const targets = await saveTarget(root, input);
    return { targets, active: this.active?.name ?? null };
  }

  async removeTarget(name: string): Promise<SyncTargets> {
    const root = this.requireRoot();
    if (this.active?.name === name) await this.deactivate();
    if (this.failed?.name === name) this.failed = null;
    const targets = await removeTarget(root, name);
    this.emitStatus();
    return { targets, active: this.active?.name ?? null };
  }

  // ---- status ----

  status(): SyncStatus {
    const active = this.active;
    if (!active) {
      return { target: this.failed?.name ?? null, connection: 'off', error: this.failed?.error ?? null, pending: 0, conflicts: [], lastPush: null };
    }
    return {
      target: active.name,
      connection: connectionOf(active.connection.state),
      error: active.error ?? (active.connection.state === 'connected' ? null : active.connection.error),
      pending: (active.watcher?.queued ?? 0) + active.planPending.size + (active.savedWhilePaused?.size ?? 0),
      conflicts: [...active.conflicts].map(([conflictPath, message]) => ({ path: conflictPath, message })).sort((a, b) => a.path.localeCompare(b.path)),
      lastPush: active.lastPush,
    };
  }

  private emitStatus(force = false): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (!force && key === this.lastSent) return;
    this.lastSent = key;
    this.options.events.emit('sync.status', status);
  }

  // ---- activation ----

  async activate(name: string | null): Promise<SyncStatus> {
    await this.deactivate();
    this.failed = null;
    if (name === null) {
      // Deactivated by the person: the project opens without a server next time.
      if (this.root !== null) await rememberActiveTarget(this.root, null).catch(() => undefined);
      this.emitStatus(true);
      return this.status();
    }
    const root = this.requireRoot();
    const opened = await this.openTarget(root, name);
    // Activations can overlap (a click while the remembered target is being restored, a double
    // click): the last one to get here wins and the earlier one is closed, never left running.
    // One whose folder was replaced meanwhile gives up. No await from here to `this.active =`.
    while (this.active !== null) await this.deactivate();
    if (this.root !== root || this.closed) return this.status();
    const active = this.install(root, name, opened);
    await this.firstContact(active);
    return this.status();
  }

  /**
   * A connection of its own to another target of the project than the active one (the Monitor
   * watching a second server), with the same ssh options, host-key checks, prompts and typed
   * passwords as activation. The caller closes it.
   */
  async connectionTo(name: string): Promise<{ readonly connection: ReconnectingConnection; readonly hostLabel: string; readonly remoteRoot: string }> {
    const root = this.requireRoot();
    const { target, hostLabel, connect } = await this.targetConnect(root, name);
    return { connection: new ReconnectingConnection(connect, this.options.reconnect ?? RECONNECT), hostLabel, remoteRoot: target.remoteRoot };
  }

  /** A target's settings and how to connect to it (ssh config, known hosts, the prompter). */
  private async targetConnect(root: string, name: string) {
    const project = await loadProjectSettings(root);
    const target = project.targets[name] ?? fail('not-found', `There is no server named "${name}" in this project. Add it in the Server view first.`, 'name');
    const knownHostsFiles = this.options.knownHostsFiles ?? (process.env.LABDESK_KNOWN_HOSTS ? process.env.LABDESK_KNOWN_HOSTS.split(path.delimiter).filter(Boolean) : undefined);
    const { hostLabel, connect } = await targetConnection(target, {
      prompter: this.options.prompter,
      configDir: this.options.configDir,
      secrets: this.secrets,
      sshConfigFile: this.options.sshConfigFile,
      knownHostsFiles,
    });
    return { project, target, hostLabel, connect };
  }

  /** Everything activation needs before connecting: the target's settings, its ssh options, its base and ignore rules. */
  private async openTarget(root: string, name: string): Promise<OpenedTarget> {
    const { project, target, hostLabel, connect } = await this.targetConnect(root, name);
    // Remembered per machine for the next open (a write failure only costs that convenience).
    await rememberActiveTarget(root, name).catch(() => undefined);
    const [state, ignore] = await Promise.all([
      SyncState.load(root, { target: name, host: hostLabel, remoteRoot: target.remoteRoot }),
      loadIgnoreRules(root, { extraPatterns: project.ignore }),
    ]);
    return { remoteRoot: target.remoteRoot, ignoreExtra: project.ignore, hostLabel, connect, state, ignore };
  }

  /** Makes the target the active one and starts connecting (in the background, with reconnects). */
  private install(root: string, name: string, opened: OpenedTarget): Active {
    const connection = new ReconnectingConnection(opened.connect, this.options.reconnect ?? RECONNECT);
    const active: Active = {
      name,
      root,
      hostLabel: opened.hostLabel,
      remoteRoot: opened.remoteRoot,
      connection,
      state: opened.state,
      ignore: opened.ignore,
      ignoreExtra: opened.ignoreExtra,
      watcher: null,
      planPending: new Set(),
      conflicts: new Map(),
      seen: new Map(),
      error: null,
      lastPush: null,
      exclusive: Promise.resolve(),
      ticker: null,
      savedWhilePaused: null,
      facts: null,
    };
    this.active = active;
    active.ticker = setInterval(() => this.emitStatus(), STATUS_TICK_MS);
    active.ticker.unref();
    connection.on('state', () => this.emitStatus());
    this.emitStatus();
    return active;
  }

  /**
   * Waits for the first connection attempt. A fatal one (host key refused, wrong key or
   * password) ends the activation: retrying cannot fix it, the person must act. Otherwise the
   * first plan shows what differs, and the watcher starts (offline too: it pushes on reconnect).
   */
  private async firstContact(active: Active): Promise<void> {
    const first = await firstOutcome(active.connection);
    if (this.active !== active) return; // deactivated meanwhile
    if (first.fatal) {
      if (active.ticker) clearInterval(active.ticker);
      active.connection.close();
      this.active = null;
      this.failed = { name: active.name, error: first.error };
      this.emitStatus();
      return;
    }
    if (first.live) {
      try {
        const prepared = await prepareSync(this.sessionFor(active, first.live), { deleteRemote: false });
        this.adoptPlan(active, prepared.plan);
      } catch (error) {
        active.error = `Could not compare with ${active.name}: ${messageOf(error)}`;
      }
    }
    await this.startWatcher(active);
    this.emitStatus();
  }

  private async deactivate(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = null;
    if (active.ticker) clearInterval(active.ticker);
    await active.exclusive.catch(() => undefined);
    await active.watcher?.stop(1_000).catch(() => undefined);
    active.watcher = null;
    await active.state.save().catch(() => undefined);
    active.connection.close();
    this.emitStatus();
  }

  private async startWatcher(active: Active): Promise<void> {
    if (this.active !== active || active.watcher) return;
    const watcher = new SyncWatcher({
      session: { localRoot: active.root, remoteRoot: active.remoteRoot, hostLabel: active.hostLabel, state: active.state, ignore: active.ignore },
      connection: active.connection,
      deleteRemote: false,
      confirmBurst: (plan, changed) => this.burst(active, plan, changed),
      reloadIgnore: async () => (active.ignore = await loadIgnoreRules(active.root, { extraPatterns: active.ignoreExtra })),
      onEvent: (event) => this.onWatchEvent(active, event),
      ...(this.options.debounceMs !== undefined && { debounceMs: this.options.debounceMs }),
    });
    try {
      await watcher.start();
    } catch (error) {
      active.error = `Changes are not pushed automatically: the file watcher could not start (${messageOf(error)}). Use Sync now.`;
      return;
    }
    active.watcher = watcher;
    watcher.done.catch((error: unknown) => {
      if (this.active !== active || active.watcher !== watcher) return;
      active.watcher = null;
      active.error = `Upload on save stopped: ${messageOf(error)}`;
      this.notify('error', `${active.name}: upload on save stopped: ${messageOf(error)} Activate the server again to retry.`, active.name);
      this.emitStatus();
    });
  }

  /** A branch switch or similar: never pushed blindly; the plan waits for "Sync now". */
  private async burst(active: Active, plan: SyncPlan, changed: number): Promise<boolean> {
    this.adoptPlan(active, plan);
    this.notify('warning', `${changed} files changed at once (a branch switch?). Nothing was pushed to ${active.name}: review and push them with "Sync now…".`, active.name);
    this.emitStatus();
    return false;
  }

  private onWatchEvent(active: Active, event: SyncWatchEvent): void {
    if (this.active !== active) return;
    switch (event.type) {
      case 'push': {
        const { report } = event;
        const known = new Set(active.conflicts.keys());
        for (const pushed of event.paths) {
          active.planPending.delete(pushed);
          active.conflicts.delete(pushed);
        }
        this.recordReport(active, report);
        // One notification per conflict (its id replaces an older one); saving again does not stack them.
        for (const conflict of report.conflicts) {
          if (!known.has(conflict.path)) this.notify('warning', `${active.name}: ${conflict.message}`, conflict.path, `sync-conflict:${conflict.path}`);
        }
        for (const error of report.errors) this.notify('error', `Could not upload ${error.path} to ${active.name} (${active.hostLabel}): ${error.message}`, error.path);
        break;
      }
      case 'error':
        active.error = event.message;
        this.notify('error', `${active.name}: ${event.message}`, event.paths[0] ?? active.name);
        break;
      case 'state':
        if (event.state === 'online') active.error = null;
        break;
      case 'rescanning':
      case 'plan':
      case 'watching':
        break;
    }
    this.emitStatus();
  }

  private recordReport(active: Active, report: SyncReport): void {
    for (const conflict of report.conflicts) active.conflicts.set(conflict.path, conflict.message);
    for (const error of report.errors) active.conflicts.delete(error.path);
    const files = report.uploaded + report.deleted;
    if (files > 0) active.lastPush = { at: new Date().toISOString(), files };
    active.error = report.errors.length > 0 ? `${report.errors.length} file(s) could not be pushed: ${report.errors[0]?.message ?? ''}` : null;
  }

  /** A full plan: what it would push is pending, its conflicts are the conflicts. */
  private adoptPlan(active: Active, plan: SyncPlan): void {
    active.planPending = new Set(plan.actions.filter((action) => action.type === 'upload' || action.type === 'mkdir' || action.type === 'symlink' || action.type === 'delete').map((action) => action.path));
    active.conflicts = new Map(plan.actions.flatMap((action) => (action.type === 'conflict' ? [[action.path, conflictMessage(action, active.name)] as const] : [])));
  }

  // ---- upload on save ----

  /** `workspace.write` succeeded: push that file now (the watcher guards it with the base). */
  saved(relativePath: string): void {
    const active = this.active;
    if (active?.savedWhilePaused) {
      active.savedWhilePaused.add(relativePath);
      this.emitStatus();
      return;
    }
    if (!active?.watcher) return;
    active.watcher.notifySaved([relativePath]);
    this.emitStatus();
  }

  // ---- full sync ----

  async plan(deleteRemote: boolean): Promise<SyncPlanSummary> {
    const active = this.requireActive();
    return this.exclusively(active, async () => {
      const live = await this.live(active);
      const prepared = await prepareSync(this.sessionFor(active, live), { deleteRemote });
      this.adoptPlan(active, prepared.plan);
      this.emitStatus();
      return summarise(active, prepared);
    });
  }

  async run(deleteRemote: boolean): Promise<SyncRunReport> {
    const active = this.requireActive();
    return this.exclusively(active, async () => {
      const live = await this.live(active);
      // The watcher pauses so that its pushes and this sync never race on one path.
      const watcher = active.watcher;
      active.watcher = null;
      active.savedWhilePaused = new Set();
      await watcher?.stop(2_000).catch(() => undefined);
      try {
        const report = await this.options.tasks.run({ title: `Sync to ${active.name}`, unit: 'files' }, async (task) => {
          const session = this.sessionFor(active, live);
          const prepared = await prepareSync(session, { deleteRemote, signal: task.signal });
          if (prepared.plan.halted) fail('internal', `${active.name}: ${prepared.plan.halted}`);
          return executeSync(session, prepared, {
            signal: task.signal,
            onProgress: (progress) => task.report(progress.filesDone, progress.filesTotal, { done: progress.bytesDone, total: progress.bytesTotal }),
          });
        });
        active.planPending = new Set();
        active.conflicts = new Map();
        this.recordReport(active, report);
        return reportInfo(report);
      } finally {
        const saved = [...(active.savedWhilePaused ?? [])];
        active.savedWhilePaused = null;
        await this.startWatcher(active);
        // (startWatcher set it again; TypeScript still sees the null assigned above.)
        if (saved.length > 0) (active.watcher as SyncWatcher | null)?.notifySaved(saved);
        this.emitStatus();
      }
    });
  }

  // ---- conflicts ----

  async readRemote(relativePath: string): Promise<RemoteFileContent> {
    const active = this.requireActive();
    const relative = canonical(relativePath);
    const live = await this.live(active);
    const remotePath = `${active.remoteRoot}/${relative}`;
    const before = await lstatRemote(live.sftp, remotePath);
    if (before === null) {
      active.seen.set(relative, null);
      return { kind: 'missing', path: relative, size: 0 };
    }
    if (before.size > NOT_OPENED_ABOVE_BYTES) {
      active.seen.set(relative, before);
      return { kind: 'too-large', path: relative, size: before.size };
    }
    const { bytes } = await readRemoteBytes(sftpSession(live.sftp, active.name), remotePath, NOT_OPENED_ABOVE_BYTES);
    const after = await lstatRemote(live.sftp, remotePath);
    if (after === null || !sameStamp(after, before)) fail('conflict', `${relative} is changing on ${active.name} right now; try again in a moment.`);
    active.seen.set(relative, after);
    if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) return { kind: 'binary', path: relative, size: bytes.length };
    return { kind: 'text', path: relative, text: bytes.toString('utf8'), size: bytes.length };
  }

  async resolveConflict(relativePath: string, choice: 'mine' | 'theirs' | 'merged', mergedText?: string): Promise<SyncStatus> {
    const active = this.requireActive();
    const relative = canonical(relativePath);
    if (choice === 'merged' && mergedText === undefined) fail('bad-argument', 'The merged text is missing.', 'text');
    return this.exclusively(active, async () => {
      const live = await this.live(active);
      const remotePath = `${active.remoteRoot}/${relative}`;
      const local = await resolveInWorkspace(active.root, relative, { followFinal: false });
      const seen = active.seen.get(relative);
      const changedAgain = () => {
        const message = `${relative} changed on ${active.name} (${active.hostLabel}) again since you compared; nothing was written. Compare again.`;
        active.conflicts.set(relative, message);
        active.seen.delete(relative);
        this.emitStatus();
        return new ApiError({ code: 'conflict', message });
      };
      /** The local file before the merge was written, put back if the upload finds a newer server version. */
      let beforeMerge: Buffer | null = null;
      if (choice === 'merged') {
        // The edited merge becomes the local file (atomically, mode kept), then goes up as "mine".
        if (seen === undefined) fail('conflict', `Compare ${relative} with the server version first, so you know what the merge replaces.`, 'path');
        const before = await lstat(local).catch(() => null);
        if (before !== null && !before.isFile()) fail('not-supported', `${relative} is not a regular file here; nothing was written.`, 'path');
        // "Nothing written" on a newer server version: check before the local write, not only at the upload.
        const current = await lstatRemote(live.sftp, remotePath);
        if (seen === null ? current !== null : current === null || !sameStamp(current, seen)) throw changedAgain();
        beforeMerge = before !== null ? await readLocalFile(local) : null;
        await atomicWriteFile(local, mergedText ?? '');
      }
      if (choice === 'mine' || choice === 'merged') {
        if (seen === undefined) fail('conflict', `Compare ${relative} with the server version first, so you know what "keep mine" replaces.`, 'path');
        const stats = await lstat(local).catch(() => null);
        if (!stats?.isFile()) fail('not-found', `${relative} is not a file here any more; nothing was uploaded.`, 'path');
        const [result] = await uploadFiles(live.sftp, [{ localPath: local, remotePath, mode: stats.mode, mtimeMs: stats.mtimeMs, expectRemote: seen, size: stats.size }], { host: active.hostLabel });
        if (!result) fail('internal', `Uploading ${relative} returned no result.`);
        if (!result.ok) {
          if (result.code === 'conflict') {
            // The server changed between the check above and the upload: undo the local write too.
            if (beforeMerge !== null) await atomicWriteFile(local, beforeMerge);
            throw changedAgain();
          }
          fail('internal', `Could not upload ${relative} to ${active.name}: ${result.message}`);
        }
        const hash = await hashLocalFile(local);
        const now = await lstat(local);
        const unchanged = now.size === stats.size && now.mtimeMs === stats.mtimeMs;
        active.state.record({ path: relative, kind: 'file', local: { size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777, hash: unchanged ? hash : '' }, remote: result.remote });
        active.lastPush = { at: new Date().toISOString(), files: 1 };
      } else {
        const current = await lstatRemote(live.sftp, remotePath);
        if (current === null) fail('not-found', `${relative} no longer exists on ${active.name}; there is nothing to take.`, 'path');
        if (seen !== undefined && (seen === null || !sameStamp(current, seen))) throw changedAgain();
        if (current.size > NOT_OPENED_ABOVE_BYTES) fail('not-supported', `${relative} is too large to download from here (${current.size} bytes).`, 'path');
        const { bytes } = await readRemoteBytes(sftpSession(live.sftp, active.name), remotePath, NOT_OPENED_ABOVE_BYTES);
        const after = await lstatRemote(live.sftp, remotePath);
        if (after === null || !sameStamp(after, current)) throw changedAgain();
        await mkdir(path.dirname(local), { recursive: true });
        await atomicWriteFile(local, bytes);
        const stats = await lstat(local);
        const hash = await hashLocalFile(local);
        // Re-read to be sure the file on disk is what was downloaded (the base must not lie).
        const onDisk = await readLocalFile(local);
        active.state.record({
          path: relative,
          kind: 'file',
          local: { size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777, hash: onDisk.equals(bytes) ? hash : '' },
          remote: current,
        });
      }
      await active.state.save();
      active.conflicts.delete(relative);
      active.planPending.delete(relative);
      active.seen.delete(relative);
      active.error = null;
      this.emitStatus();
      return this.status();
    });
  }

  // ---- remote explorer ----

  /**
   * What the remote explorer works with: the active target's one connection (waiting a while for
   * a reconnect), its base state and ignore rules. `exclusive` runs work that writes into the
   * mirrored folders one at a time with full syncs and conflict resolutions.
   */
  /** What the remote explorer works with (its RemoteContextSource): the active target and its live connection. */
  async remoteContext(): Promise<RemoteContext> {
    const active = this.requireActive();
    const live = await this.live(active);
    return {
      target: active.name,
      hostLabel: active.hostLabel,
      localRoot: active.root,
      remoteRoot: active.remoteRoot,
      state: active.state,
      ignore: active.ignore,
      live,
      exclusive: (work) => this.exclusively(active, work),
      changed: () => this.emitStatus(),
    };
  }

  // ---- helpers ----

  private requireRoot(): string {
    return this.root ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
  }

  private requireActive(): Active {
    return this.active ?? fail('not-connected', 'No server is active. Choose one in the Server view and press Activate.');
  }

  private sessionFor(active: Active, live: LiveConnection): SyncSession {
    active.facts = ConnectionFacts.for(live.client, active.facts);
    return { localRoot: active.root, remoteRoot: active.remoteRoot, hostLabel: active.hostLabel, client: live.client, sftp: live.sftp, state: active.state, ignore: active.ignore, facts: active.facts };
  }

  /** The live connection; waits a while for a reconnect, then fails with the reason. */
  private async live(active: Active): Promise<LiveConnection> {
    const ready = active.connection.ready();
    ready.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), READY_WAIT_MS);
    });
    try {
      const live = await Promise.race([ready, timeout]).catch((error: unknown) => {
        throw new ApiError({ code: 'not-connected', message: `${active.name} is not connected: ${messageOf(error)}` });
      });
      if (live === null) fail('not-connected', `${active.name} is not connected${active.connection.error ? `: ${active.connection.error}` : ''}. Labdesk keeps retrying.`);
      return live;
    } finally {
      clearTimeout(timer);
    }
  }

  private exclusively<T>(active: Active, work: () => Promise<T>): Promise<T> {
    const next = active.exclusive.catch(() => undefined).then(work);
    active.exclusive = next.catch(() => undefined);
    return next;
  }

  private notify(level: 'info' | 'warning' | 'error', message: string, source: string, id?: string): void {
    this.options.events.emit('notification', { id: id ?? `sync-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, level, message, source });
  }
}

/** The first connection attempt: live, or the error (fatal when retrying cannot fix it). */
function firstOutcome(connection: ReconnectingConnection): Promise<{ live: LiveConnection | null; fatal: boolean; error: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: { live: LiveConnection | null; fatal: boolean; error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      connection.off('state', onState);
      resolve(value);
    };
    const onState = (state: ConnectionState, error: string | null) => {
      // A transient failure (unreachable, timeout): show it now; the retries go on.
      if (state === 'offline' && error !== null) setTimeout(() => done({ live: null, fatal: false, error }), 50);
    };
    const timer = setTimeout(() => done({ live: null, fatal: false, error: 'Still connecting…' }), FIRST_CONNECT_WAIT_MS);
    connection.on('state', onState);
    connection.ready().then(
      (live) => done({ live, fatal: false, error: '' }),
      // ready() rejects only for what retrying cannot fix (SshConnectError: key refused, auth failed).
      (error: unknown) => done({ live: null, fatal: true, error: messageOf(error) }),
    );
  });
}

function connectionOf(state: ConnectionState): SyncStatus['connection'] {
  return state === 'closed' ? 'off' : state;
}

function canonical(relativePath: string): string {
  const relative = toWorkspaceRelative(parseWorkspacePath(relativePath));
  if (relative === '') fail('bad-argument', 'Name a file, not the project folder.', 'path');
  return relative;
}


function summarise(active: Active, prepared: PreparedSync): SyncPlanSummary {
  const counts = { upload: 0, mkdir: 0, symlink: 0, delete: 0, conflict: 0, skip: 0, keepRemote: 0 };
  const items: SyncPlanItem[] = [];
  for (const action of prepared.plan.actions) {
    const item = planItem(action, active.name);
    if (!item) continue;
    if (item.type === 'keep-remote') counts.keepRemote += 1;
    else counts[item.type] += 1;
    if (items.length < PLAN_ITEMS_LIMIT) items.push(item);
  }
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  return {
    target: active.name,
    host: active.hostLabel,
    counts,
    items,
    warnings: prepared.plan.warnings.map(({ path: warningPath, message }) => ({ path: warningPath, message })),
    halted: prepared.plan.halted,
    truncated: total > items.length,
  };
}

function planItem(action: PlanAction, target: string): SyncPlanItem | null {
  switch (action.type) {
    case 'upload':
      return { type: 'upload', path: action.path, detail: { new: 'new file', changed: 'changed here', 'remote-deleted': `missing on ${target}`, 'mode-changed': 'permissions changed' }[action.reason] };
    case 'mkdir':
      return { type: 'mkdir', path: action.path, detail: 'new folder' };
    case 'symlink':
      return { type: 'symlink', path: action.path, detail: `link → ${action.linkTarget}` };
    case 'delete':
      return { type: 'delete', path: action.path, detail: 'deleted here' };
    case 'conflict':
      return { type: 'conflict', path: action.path, detail: conflictMessage(action, target) };
    case 'skip':
      return { type: 'skip', path: action.path, detail: action.detail };
    case 'keep-remote':
      return { type: 'keep-remote', path: action.path, detail: `deleted here, kept on ${target}` };
    case 'adopt':
      return null;
  }
}


function reportInfo(report: SyncReport): SyncRunReport {
  const issue = ({ path: issuePath, reason, message }: { path: string; reason: string; message: string }) => ({ path: issuePath, reason, message });
  return {
    uploaded: report.uploaded,
    deleted: report.deleted,
    created: report.created,
    conflicts: report.conflicts.map(issue),
    errors: report.errors.map(issue),
    skipped: report.skipped.map(issue),
    warnings: report.warnings.map(({ path: warningPath, message }) => ({ path: warningPath, message })),
    keptRemote: report.keptRemote.length,
    bytes: report.bytes,
    seconds: Math.round(report.seconds * 1000) / 1000,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}


export type { SyncTargetInfo };
