import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { hashLocalFile } from '../local/content-hash';
import { conflictMessage } from '../plan/conflict-message';
import type { ActionOf, PlanAction, PlanWarning, RemoteStamp } from '../sync-types';
import type { UploadResult } from '../transfer/transfer';
import type { SyncIssue, SyncReport, SyncSession } from './sync-session';

/** How often, at least, the base is saved while a long transfer runs (each save is atomic). */
const STATE_SAVE_INTERVAL_MS = 500;
/** …and at most this share of the time goes to saving it (a 10,000-entry base is ~1.5 MB of JSON). */
const STATE_SAVE_MAX_SHARE = 0.05;

/**
 * What one executeSync did, path by path: the report's counts and issues, and the base entries
 * of what the server confirmed. Confirmed writes are recorded as they land and the base is saved
 * at a bounded pace, so a crash or a cut connection mid-push keeps what already landed.
 */
export class SyncLedger {
  private readonly started = Date.now();
  private readonly conflicts: SyncIssue[] = [];
  private readonly errors: SyncIssue[] = [];
  private readonly skipped: SyncIssue[] = [];
  private readonly keptRemote: string[] = [];
  private readonly recording: Array<Promise<void>> = [];
  private uploaded = 0;
  private deleted = 0;
  private created = 0;
  private bytes = 0;
  /** Of the uploads, how many the tar stream placed. */
  viaTar = 0;
  private lastSave = Date.now();
  private saveCost = 0;

  constructor(private readonly session: SyncSession) {}

  /** The plan's own verdicts (conflicts, skips, kept remote copies), before anything is written. */
  notePlanned(actions: readonly PlanAction[]): void {
    for (const action of actions) {
      if (action.type === 'conflict') this.conflicts.push({ path: action.path, reason: action.reason, message: conflictMessage(action, this.session.hostLabel) });
      if (action.type === 'skip') this.skipped.push({ path: action.path, reason: action.reason, message: action.detail });
      if (action.type === 'keep-remote') this.keptRemote.push(action.path);
    }
  }

  /** The server changed under a write, which therefore did not happen. */
  conflict(entryPath: string, message: string, reason = 'remote-changed'): void {
    this.conflicts.push({ path: entryPath, reason, message });
  }

  error(entryPath: string, reason: string, message: string): void {
    this.errors.push({ path: entryPath, reason, message });
  }

  keptOnServer(entryPath: string): void {
    this.keptRemote.push(entryPath);
  }

  folderCreated(dirPath: string): void {
    this.created += 1;
    this.session.state.record({ path: dirPath, kind: 'dir', local: null, remote: null });
  }

  linkPlaced(action: ActionOf<'symlink'>, stamp: RemoteStamp): void {
    this.created += 1;
    this.session.state.record({ path: action.path, kind: 'symlink', local: null, remote: stamp, linkTarget: action.linkTarget });
  }

  remoteRemoved(entryPath: string, removed: boolean): void {
    if (removed) this.deleted += 1;
    this.session.state.forget(entryPath);
  }

  /** An upload's final outcome (exactly once per upload): recorded in the base when the server confirmed it. */
  uploadDone(action: ActionOf<'upload'>, result: UploadResult): void {
    if (result.ok) {
      this.uploaded += 1;
      this.bytes += action.local.size;
      this.recording.push(recordUpload(this.session, action, result).then(() => this.saveSoon()));
    } else if (result.code === 'conflict') {
      this.conflict(action.path, `${action.path} changed on ${this.session.hostLabel} after the plan was made; it was not overwritten.`);
    } else {
      this.error(action.path, result.code, result.message);
    }
  }

  /** Waits until every confirmed upload is in the base. */
  async uploadsRecorded(): Promise<void> {
    await Promise.all(this.recording);
  }

  /** Saves the base if it changed and the last save is long enough ago (or `force`). */
  async saveSoon(force = false): Promise<void> {
    const interval = Math.max(STATE_SAVE_INTERVAL_MS, this.saveCost / STATE_SAVE_MAX_SHARE);
    if (force || Date.now() - this.lastSave > interval) {
      const began = Date.now();
      this.lastSave = began;
      await this.session.state.saveIfChanged();
      this.saveCost = Date.now() - began;
    }
  }

  report(warnings: readonly PlanWarning[]): SyncReport {
    return {
      uploaded: this.uploaded,
      deleted: this.deleted,
      created: this.created,
      conflicts: this.conflicts,
      errors: this.errors,
      skipped: this.skipped,
      keptRemote: this.keptRemote,
      warnings,
      bytes: this.bytes,
      seconds: (Date.now() - this.started) / 1000,
      viaTar: this.viaTar,
    };
  }
}

/**
 * Records a confirmed upload in the base: the scan's stamp, and the hash of the bytes actually
 * sent. A file edited after the scan then looks changed to the next sync (new mtime) and is
 * compared by hash: sent before the edit landed, or torn mid-edit, it differs and goes again;
 * edited before it was read, it matches what the server has. Without a hash from the transfer,
 * the old way: hash it again if the stamp still matches, else record no hash.
 */
async function recordUpload(session: SyncSession, action: ActionOf<'upload'>, result: Extract<UploadResult, { ok: true }>): Promise<void> {
  let hash = result.hash;
  if (hash === undefined) {
    const file = path.join(session.localRoot, ...action.path.split('/'));
    const now = await lstat(file).catch(() => null);
    const unchanged = now !== null && now.size === action.local.size && now.mtimeMs === action.local.mtimeMs;
    hash = unchanged ? await hashLocalFile(file).catch(() => '') : '';
  }
  session.state.record({
    path: action.path,
    kind: 'file',
    local: { size: action.local.size, mtimeMs: action.local.mtimeMs, mode: action.local.mode, hash },
    remote: result.remote,
  });
}
