import { setMaxListeners } from 'node:events';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { AsyncSubscription, Event as WatcherEvent } from '@parcel/watcher';
import type { ConnectionState, LiveConnection, ReconnectingConnection } from '../../ssh';
import { isInside, relativeFromRoot } from '../../workspace';
import { ChangeQueue, DEFAULT_BURST_THRESHOLD, type QueuedChange } from './change-queue';
import { IGNORE_FILE_NAMES, type IgnoreRules } from '../local/ignore-rules';
import { preparePaths } from '../plan/partial-plan';
import { sftpSession } from '../../sftp';
import { executeSync, prepareSync, type SyncIssue, type SyncReport, type SyncSession } from '../sync-engine';
import type { SyncPlan } from '../sync-types';
import { ConnectionFacts } from '../connection-facts';

/**
 * Upload on save and watch (ARCHITECTURE.md §4): keeps a remote root in step
 * with a local one while the user works.
 *
 * - A native recursive watch (@parcel/watcher) feeds a ChangeQueue; after a quiet debounce
 *   window (default 10 ms on top of the watcher's own batching, at most 2 s while changes keep coming) the changed paths are
 *   planned with the full sync's rules (partial-plan.ts) and pushed. Every write is guarded by
 *   the base's remote stamp: a remote edit in between is a conflict, never an overwrite.
 * - `notifySaved()` is the editor's upload-on-save: no debounce.
 * - A burst (more than ~200 paths in one window: a branch switch) is not pushed blindly: the
 *   whole tree is rescanned and planned WITHOUT deletions, and `confirmBurst(plan)` decides.
 * - Local deletions are pushed only with `deleteRemote`, and never from a burst.
 * - Offline (the ReconnectingConnection dropped), changes keep queueing in order of first
 *   change; when the link returns they are pushed in that order (one file after the other, up to
 *   `orderedReplayMax` files), then watching goes on.
 *
 * Events come out through `onEvent`; `done` settles when the watcher stops (rejects on a failure
 * retrying cannot fix, e.g. the server now refuses the key).
 */
export type PushReason = 'initial' | 'change' | 'save' | 'queued' | 'rescan';

/** burst: many paths at once; watcher-error: events may have been lost; interrupted: a full sync was cut by the link dropping. */
export type RescanReason = 'burst' | 'watcher-error' | 'interrupted';

export type SyncWatchEvent =
  | { readonly type: 'push'; readonly reason: PushReason; readonly paths: readonly string[]; readonly report: SyncReport }
  | { readonly type: 'state'; readonly state: 'online' | 'offline'; readonly queued: number; readonly error: string | null }
  | { readonly type: 'rescanning'; readonly changed: number; readonly reason: RescanReason }
  | { readonly type: 'plan'; readonly plan: SyncPlan; readonly approved: boolean }
  | { readonly type: 'watching' }
  | { readonly type: 'error'; readonly message: string; readonly paths: readonly string[] };

export interface SyncWatcherOptions {
  /** The target's roots, host label, base and ignore rules; the connection supplies client and sftp. */
  readonly session: Omit<SyncSession, 'client' | 'sftp' | 'facts'>;
  readonly connection: ReconnectingConnection;
  /** Propagate local deletions (`--delete`); never from a burst either way. */
  readonly deleteRemote: boolean;
  /** Called before a burst's rescan plan is carried out; the CLI answers true, the UI asks. */
  readonly confirmBurst: (plan: SyncPlan, changed: number) => Promise<boolean>;
  /** Reloads the ignore rules (after a .gitignore or .labdeskignore changes, and before a rescan). */
  readonly reloadIgnore?: () => Promise<IgnoreRules>;
  readonly onEvent?: (event: SyncWatchEvent) => void;
  readonly debounceMs?: number;
  readonly maxWaitMs?: number;
  readonly burstThreshold?: number;
  /** Queued changes pushed strictly one after the other after a reconnect, up to this many files. */
  readonly orderedReplayMax?: number;
}

/**
 * Quiet after the last watcher batch before a window closes. @parcel/watcher batches on its own:
 * after half a second of silence it reports the first change at once and the rest of the same
 * save or checkout after 50 ms without events. So a single save is pushed as soon as its first
 * event is in, and what follows is a window of its own (a burst still holds, see below); a longer
 * wait here would only delay every external save by that much.
 */
export const DEFAULT_DEBOUNCE_MS = 10;
export const DEFAULT_MAX_WAIT_MS = 2_000;
export const DEFAULT_ORDERED_REPLAY_MAX = 64;
/**
 * A window that is busy (more than BUSY_WINDOW_PATHS paths), creates a folder new to sync, or
 * (with deleteRemote) deletes a synced path closes only after this much quiet. @parcel/watcher
 * reports the first change of a batch at once and the rest at most every 500 ms while changes
 * keep coming, so with the short debounce alone a slow branch switch arrives as several windows
 * under the burst threshold, each pushed (and, with --delete, its deletions propagated) blindly,
 * and a folder being filled would be walked half-written.
 */
export const SETTLE_QUIET_MS = 700;
export const BUSY_WINDOW_PATHS = 20;
/** How long stop() lets in-flight work finish before cancelling it. */
export const DEFAULT_STOP_GRACE_MS = 5_000;
/** After the grace period and the cancel, stop() waits this much longer for work to wind down, then returns anyway. */
const STOP_GIVE_UP_MS = 2_000;

class ConnectionDropped extends Error {
  constructor() {
    super('The connection was lost.');
  }
}

/**
 * Editors' own files while they save or edit: vim's backup (`name~`), swap (`.name.swp`) and
 * write probe (`4913`), JetBrains' safe write (`name___jb_tmp___`, `name___jb_old___`). With the
 * short debounce a window can close between an editor's temp write and its rename, and the temp
 * would be pushed (and left on the server, since deletions wait for --delete). A full sync still
 * takes any such file that stays.
 */
const EDITOR_SAVE_FILES = ['**/*~', '**/.*.sw[a-p]', '**/4913', '**/*___jb_tmp___', '**/*___jb_old___'];

/** Never watched: their events would only be filtered out (ignore rules apply on top). */
const WATCH_IGNORE = ['.git', '.labdesk', 'node_modules', '**/.git', '**/.git/**', '**/node_modules', '**/node_modules/**', '**/*.labdesk-tmp-*', ...EDITOR_SAVE_FILES];

export class SyncWatcher {
  private readonly queue: ChangeQueue;
  private readonly debounceMs: number;
  private readonly maxWaitMs: number;
  private readonly burstThreshold: number;
  private ignore: IgnoreRules;
  private subscription: AsyncSubscription | null = null;
  private windowTimer: NodeJS.Timeout | null = null;
  private windowStart: number | null = null;
  private lastEventAt = 0;
  private waiters: Array<() => void> = [];
  private loopPromise: Promise<void> | null = null;
  private stopping = false;
  private stopRequested: () => void = () => undefined;
  private readonly stopSignal: Promise<null>;
  private readonly abort = new AbortController();
  private online = false;
  /** Bumped whenever the link drops: work started in an older epoch may have been cut. */
  private epoch = 0;
  private replayPending = false;
  private savedPending = false;
  private rescanPending: { changed: number; reason: RescanReason } | null = null;
  /** Rejects when the current connection drops; replaced for each new one. */
  private dropped!: Promise<never>;
  private signalDrop: () => void = () => undefined;
  private fatal: Error | null = null;
  private conflictMap = new Map<string, SyncIssue>();
  /** What the current connection has learned about the server (replaced after a reconnect). */
  private facts: ConnectionFacts | null = null;
  /** A full sync (initial or rescan) was asked for and has not completed. */
  private fullSyncOwed = false;
  private doneValue: Promise<void> | null = null;
  private startPromise: Promise<SyncReport | null> | null = null;
  private stopPromise: Promise<void> | null = null;

  constructor(private readonly options: SyncWatcherOptions) {
    this.ignore = options.session.ignore;
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.burstThreshold = options.burstThreshold ?? DEFAULT_BURST_THRESHOLD;
    this.queue = new ChangeQueue({ burstThreshold: this.burstThreshold, isIgnored: (relative) => this.ignore.isIgnored(relative, false) });
    // Each request of a transfer listens to the signal while in flight (128 files at once).
    setMaxListeners(0, this.abort.signal);
    this.armDropSignal();
    this.stopSignal = new Promise((resolve) => {
      this.stopRequested = () => resolve(null);
    });
  }

  /** Conflicts left from the pushes so far (cleared when a later push of the path succeeds). */
  get conflicts(): SyncIssue[] {
    return [...this.conflictMap.values()];
  }

  /** Changes waiting to be pushed. */
  get queued(): number {
    return this.queue.size;
  }

  /**
   * False while something is known not to be on the server yet: queued changes, or a full sync
   * (initial or rescan) that was cut off, cancelled or declined.
   */
  get inSync(): boolean {
    return !this.fullSyncOwed && this.rescanPending === null && this.queue.size === 0;
  }

  /** Settles when the watcher has stopped; rejects if it had to stop on a failure. */
  get done(): Promise<void> {
    return this.doneValue ?? Promise.resolve();
  }

  /**
   * Starts watching; with `initialSync`, first runs a full sync (plan + execute, deletions only
   * with `deleteRemote`) and returns its report. The watch is subscribed before that sync, so
   * nothing changed meanwhile is missed. Throws if the watch or the initial sync fails.
   */
  start(options: { initialSync?: boolean } = {}): Promise<SyncReport | null> {
    this.startPromise ??= this.run(options);
    return this.startPromise;
  }

  private async run(options: { initialSync?: boolean }): Promise<SyncReport | null> {
    const { localRoot } = this.options.session;
    this.online = this.options.connection.state === 'connected';
    this.options.connection.on('state', this.onState);
    try {
      const watcher = await import('@parcel/watcher');
      const subscription = await watcher.subscribe(localRoot, (error, events) => this.onWatcherEvents(error, events), { ignore: WATCH_IGNORE });
      if (this.stopping) await subscription.unsubscribe();
      else this.subscription = subscription;
      let report: SyncReport | null = null;
      if (options.initialSync) this.fullSyncOwed = true;
      if (options.initialSync && !this.stopping) {
        const epoch = this.epoch;
        try {
          report = await this.guard(this.fullSync('initial', this.options.deleteRemote, null), epoch);
        } catch (error) {
          // Cut off by the link dropping: not fatal, a rescan runs once it is back.
          if (!(this.lost(epoch) || this.stopping)) throw error;
          if (!this.stopping) this.rescanPending = { changed: 0, reason: 'interrupted' };
        }
      }
      if (this.stopping) return report;
      const loop = this.loop();
      loop.catch(() => undefined); // observed through `done`
      this.loopPromise = loop;
      this.doneValue = loop;
      this.emit({ type: 'watching' });
      return report;
    } catch (error) {
      this.stopping = true;
      await this.teardown();
      throw error;
    }
  }

  /** The editor saved these root-relative paths: push them now, without waiting for the debounce. */
  notifySaved(paths: readonly string[]): void {
    if (this.stopping) return;
    let added = false;
    for (const relative of paths) added = this.queue.add(relative, 'update') || added;
    if (!added) return;
    this.savedPending = true;
    this.closeWindow();
  }

  /**
   * Stops watching, lets in-flight work finish (cancelled after `graceMs`), pushes what is
   * still queued if the link is up, and saves the base. The connection stays open: it is the
   * owner's (one per target, shared).
   */
  stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    this.stopPromise ??= this.shutdown(graceMs);
    return this.stopPromise;
  }

  private async shutdown(graceMs: number): Promise<void> {
    this.stopping = true;
    const unsubscribing = this.teardown();
    const cancel = setTimeout(() => this.abort.abort(new Error('The watch was stopped.')), graceMs);
    this.stopRequested();
    this.wake();
    let giveUp: NodeJS.Timeout | undefined;
    try {
      // An initial sync may still be running. Work stuck on a dead connection is not waited for forever.
      const settled = Promise.all([this.startPromise?.catch(() => undefined), this.loopPromise?.catch(() => undefined)]);
      await Promise.race([settled, new Promise((resolve) => (giveUp = setTimeout(resolve, graceMs + STOP_GIVE_UP_MS)))]);
    } finally {
      clearTimeout(cancel);
      clearTimeout(giveUp);
      await unsubscribing;
      await this.options.session.state.save();
    }
  }

  /** No more events, timers or state changes come in. */
  private async teardown(): Promise<void> {
    this.options.connection.off('state', this.onState);
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    this.windowStart = null;
    this.queue.closeWindow();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.unsubscribe().catch(() => undefined);
  }

  private emit(event: SyncWatchEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A listener's failure must not stop the sync.
    }
  }

  private sessionFor(live: LiveConnection): SyncSession {
    this.facts = ConnectionFacts.for(live.client, this.facts);
    return { ...this.options.session, ignore: this.ignore, client: live.client, sftp: live.sftp, facts: this.facts };
  }

  // ---- watcher events and the debounce window ----

  private onWatcherEvents(error: Error | null, events: WatcherEvent[]): void {
    if (this.stopping) return;
    const { localRoot } = this.options.session;
    if (error) {
      // Events may have been dropped (e.g. the kernel's queue overflowed): only a rescan is safe.
      this.rescanPending = { changed: this.queue.size, reason: 'watcher-error' };
      this.emit({ type: 'error', message: `The file watcher reported a problem (${error.message}); rescanning.`, paths: [] });
      this.scheduleWindow();
      return;
    }
    this.lastEventAt = Date.now();
    let added = false;
    for (const event of events) {
      if (!isInside(localRoot, event.path)) continue;
      added = this.queue.add(relativeFromRoot(localRoot, event.path), event.type) || added;
    }
    if (added) this.scheduleWindow();
  }

  /** Trailing debounce: the window closes after `debounceMs` of quiet, or `maxWaitMs` after it opened. */
  private scheduleWindow(): void {
    const now = Date.now();
    this.windowStart ??= now;
    if (this.windowTimer) clearTimeout(this.windowTimer);
    const wait = Math.max(0, Math.min(this.debounceMs, this.windowStart + this.maxWaitMs - now));
    this.windowTimer = setTimeout(() => this.onWindowTimer(), wait);
  }

  private onWindowTimer(): void {
    const fired = this.windowTimer;
    void this.settleOrClose(fired).catch(() => {
      if (this.windowTimer === fired) this.closeWindow();
    });
  }

  private async settleOrClose(fired: NodeJS.Timeout | null): Promise<void> {
    const unsettled = () => Date.now() - this.lastEventAt < SETTLE_QUIET_MS && Date.now() - (this.windowStart ?? 0) < this.maxWaitMs;
    let hold = unsettled() && (this.queue.windowSize > BUSY_WINDOW_PATHS || this.holdsSyncedDeletion());
    if (!hold && unsettled()) hold = await this.createsNewFolder();
    // New events meanwhile re-armed the timer (or stop() cleared it): that timer decides.
    if (this.stopping || this.windowTimer !== fired) return;
    if (hold && unsettled()) {
      this.windowTimer = setTimeout(() => this.onWindowTimer(), SETTLE_QUIET_MS - (Date.now() - this.lastEventAt));
      return;
    }
    this.closeWindow();
  }

  private holdsSyncedDeletion(): boolean {
    return this.options.deleteRemote && this.queue.deletions().some((relative) => this.options.session.state.entries.has(relative));
  }

  /** Whether the window created a folder that sync has not seen (it may still be filling up). */
  private async createsNewFolder(): Promise<boolean> {
    const { localRoot, state } = this.options.session;
    const created = this.queue.windowChanges().filter((change) => change.kind === 'create' && !state.entries.has(change.path));
    const stats = await Promise.all(created.slice(0, BUSY_WINDOW_PATHS).map((change) => lstat(path.join(localRoot, ...change.path.split('/'))).catch(() => null)));
    return stats.some((entry) => entry?.isDirectory() === true);
  }

  private closeWindow(): void {
    if (this.windowTimer) clearTimeout(this.windowTimer);
    this.windowTimer = null;
    this.windowStart = null;
    this.queue.closeWindow();
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async waitForWork(): Promise<void> {
    const hasWork = () =>
      this.stopping || this.fatal !== null || (this.windowTimer === null && (this.queue.size > 0 || this.rescanPending !== null));
    while (!hasWork()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  // ---- the connection ----

  private readonly onState = (state: ConnectionState, error: string | null): void => {
    if (state === 'connected') {
      if (this.online) return;
      this.online = true;
      if (this.queue.size === 0 && this.rescanPending === null) this.replayPending = false;
      this.emit({ type: 'state', state: 'online', queued: this.queue.size, error: null });
      this.wake();
    } else if (state === 'offline' || state === 'connecting') {
      if (!this.online) return;
      this.online = false;
      this.epoch += 1;
      this.signalDrop();
      this.armDropSignal();
      this.replayPending = true;
      this.emit({ type: 'state', state: 'offline', queued: this.queue.size, error });
      // Reconnect now rather than at the next change, so the state shown is current.
      this.options.connection.ready().catch((failure: unknown) => {
        if (this.stopping) return;
        this.fatal = failure instanceof Error ? failure : new Error(String(failure));
        this.wake();
      });
    }
  };

  /** The live connection, waiting through reconnects; null when stopping first. */
  private async live(): Promise<LiveConnection | null> {
    if (this.stopping) return null;
    const ready = this.options.connection.ready();
    ready.catch(() => undefined);
    const live = await Promise.race([ready, this.stopSignal]);
    return this.stopping ? null : live;
  }

  private armDropSignal(): void {
    this.dropped = new Promise<never>((_resolve, reject) => {
      this.signalDrop = () => reject(new ConnectionDropped());
    });
    this.dropped.catch(() => undefined);
  }

  /**
   * `work` unless the connection it runs on drops first. ssh2 never answers an SFTP request sent
   * on a channel that has closed, so work caught by a drop may never settle; it is abandoned
   * (it can no longer write anything) and its paths go again after the reconnect.
   */
  private guard<T>(work: Promise<T>, epoch: number): Promise<T> {
    work.catch(() => undefined);
    if (this.epoch !== epoch) return Promise.reject(new ConnectionDropped());
    return Promise.race([work, this.dropped]);
  }

  /** lost(), or the channel this work used has closed already. */
  private cut(epoch: number, live: LiveConnection): boolean {
    return this.lost(epoch) || !sftpSession(live.sftp).alive;
  }

  private lost(epoch: number): boolean {
    return this.epoch !== epoch || this.options.connection.state !== 'connected';
  }

  // ---- the push loop: one push at a time ----

  private async loop(): Promise<void> {
    for (;;) {
      await this.waitForWork();
      if (this.fatal) throw this.fatal;
      if (this.stopping) break;
      let live: LiveConnection | null;
      try {
        live = await this.live();
      } catch (error) {
        if (this.stopping) break;
        throw error; // retrying cannot fix it (host key, authentication)
      }
      if (live === null) break;
      if (this.windowTimer !== null) continue; // changes arrived while waiting: let the window close
      await this.pushQueued(live);
    }
    // Stopping: what is queued still goes out if the link is up (bounded by the stop grace).
    // (A burst is left for the next start's full sync: a rescan is no job for an exiting process.)
    const pending = this.queue.size > 0 && !this.queue.isBurst && this.rescanPending === null;
    if (!this.fatal && !this.abort.signal.aborted && this.options.connection.state === 'connected' && pending) {
      await this.pushQueued(await this.options.connection.ready());
    }
    if (this.fatal) throw this.fatal;
  }

  private async pushQueued(live: LiveConnection): Promise<void> {
    const epoch = this.epoch;
    const replay = this.replayPending;
    const saved = this.savedPending;
    this.replayPending = false;
    this.savedPending = false;
    const rescan = this.rescanPending;
    this.rescanPending = null;
    const { changes, burst } = this.queue.take();
    const fullRescan: { changed: number; reason: RescanReason } | null = burst !== null ? { changed: burst, reason: 'burst' } : rescan;
    try {
      await this.guard(fullRescan ? this.rescan(fullRescan.changed, fullRescan.reason) : this.pushChanges(live, changes, { replay, saved, epoch }), epoch);
    } catch (error) {
      if (this.lost(epoch) || this.abort.signal.aborted) {
        // The link dropped under this push (or stop() cancelled it): it goes again after the
        // reconnect, or is reported as not pushed.
        if (fullRescan) this.rescanPending = fullRescan;
        this.requeue(changes);
        return;
      }
      this.emit({ type: 'error', message: error instanceof Error ? error.message : String(error), paths: changes.map((change) => change.path) });
    }
  }

  /** Plans the changed paths with the full sync's rules and pushes them. */
  private async pushChanges(live: LiveConnection, changes: readonly QueuedChange[], how: { replay: boolean; saved: boolean; epoch: number }): Promise<void> {
    if (changes.length === 0) return;
    const paths = changes.map((change) => change.path);
    if (this.options.reloadIgnore && changes.some((change) => IGNORE_FILE_NAMES.includes(path.posix.basename(change.path)))) {
      this.ignore = await this.options.reloadIgnore();
    }
    const session = this.sessionFor(live);
    const result = await preparePaths(session, paths, { deleteRemote: this.options.deleteRemote, limit: this.burstThreshold });
    if ('tooMany' in result) {
      await this.rescan(result.tooMany, 'burst');
      return;
    }
    const { prepared } = result;
    if (prepared.plan.halted) {
      this.emit({ type: 'error', message: prepared.plan.halted, paths });
      return;
    }
    if (prepared.plan.actions.length === 0) {
      this.settleConflicts(prepared.scope, []);
      return;
    }
    const uploads = prepared.plan.actions.filter((action) => action.type === 'upload').length;
    const ordered = how.replay && uploads <= (this.options.orderedReplayMax ?? DEFAULT_ORDERED_REPLAY_MAX);
    const report = await executeSync(session, prepared, { signal: this.abort.signal, remoteRootExists: prepared.remoteRootExists, ...(ordered && { concurrency: 1 }) });
    this.settleConflicts(prepared.scope, report.conflicts);
    this.emit({ type: 'push', reason: how.replay ? 'queued' : how.saved ? 'save' : 'change', paths: paths.filter((relative) => prepared.scope.has(relative)), report });
    // Failed because the link went (the state event may not even have come yet) or cancelled by stop(): they go again.
    if (report.errors.length > 0 && (this.cut(how.epoch, live) || this.abort.signal.aborted)) this.requeue(changes);
  }

  private requeue(changes: readonly QueuedChange[]): void {
    this.queue.requeue(changes);
    this.replayPending = true;
  }

  private settleConflicts(scope: ReadonlySet<string>, conflicts: readonly SyncIssue[]): void {
    for (const relative of scope) this.conflictMap.delete(relative);
    for (const conflict of conflicts) this.conflictMap.set(conflict.path, conflict);
  }

  private async rescan(changed: number, reason: RescanReason): Promise<void> {
    this.emit({ type: 'rescanning', changed, reason });
    if (this.options.reloadIgnore) this.ignore = await this.options.reloadIgnore();
    // Never deletions from a burst: a branch switch that removes files must not remove them remotely.
    await this.fullSync('rescan', false, (plan) => this.options.confirmBurst(plan, changed));
  }

  /** Full scan, plan and (if confirmed) execute; the conflict list is replaced by its result. */
  private async fullSync(reason: 'initial' | 'rescan', deleteRemote: boolean, confirm: ((plan: SyncPlan) => Promise<boolean>) | null): Promise<SyncReport | null> {
    const epoch = this.epoch;
    const live = reason === 'initial' ? await this.options.connection.ready() : await this.live();
    if (live === null) return null;
    const session = this.sessionFor(live);
    const prepared = await prepareSync(session, { deleteRemote, signal: this.abort.signal });
    if (prepared.plan.halted) throw new Error(prepared.plan.halted);
    if (confirm) {
      const approved = (await Promise.race([confirm(prepared.plan), this.stopSignal.then(() => false)])) && !this.stopping;
      this.emit({ type: 'plan', plan: prepared.plan, approved });
      if (!approved) {
        this.fullSyncOwed = true;
        return null;
      }
    }
    const report = await executeSync(session, prepared, { signal: this.abort.signal });
    this.conflictMap = new Map(report.conflicts.map((conflict) => [conflict.path, conflict]));
    this.emit({ type: 'push', reason, paths: [], report });
    this.fullSyncOwed = false;
    if (report.errors.length > 0 && (this.cut(epoch, live) || this.abort.signal.aborted)) {
      this.rescanPending = { changed: report.errors.length, reason: 'interrupted' };
    }
    return report;
  }
}
