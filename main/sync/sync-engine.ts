import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand } from '../ssh/remote-exec';
import { hashLocalFile, hashRemoteFiles } from './content-hash';
import type { IgnoreRules } from './ignore-rules';
import { scanLocal, type LocalSkip } from './local-scan';
import { planSync, sameStamp, stampOf } from './plan';
import { scanRemote } from './remote-scan';
import { ensureRemoteDir, lstatRemote, removeRemote, symlinkRemote } from './remote-ops';
import { findCrlfShebangs } from './shebang-check';
import type { SyncState } from './sync-state';
import type { BaseEntry, LocalEntry, PlanAction, PlanWarning, RemoteEntry, SyncPlan } from './sync-types';
import { uploadFiles } from './transfer';

/** One target's sync: both roots, the open connection, and the base kept for it. */
export interface SyncSession {
  readonly localRoot: string;
  readonly remoteRoot: string;
  /** `user@host:port`, for messages. */
  readonly hostLabel: string;
  readonly client: Client;
  readonly sftp: SFTPWrapper;
  readonly state: SyncState;
  readonly ignore: IgnoreRules;
}

export interface PreparedSync {
  readonly plan: SyncPlan;
  readonly local: ReadonlyMap<string, LocalEntry>;
  readonly remote: ReadonlyMap<string, RemoteEntry>;
  readonly remoteScan: 'find' | 'sftp';
  /**
   * Set when the plan covers only these paths (the watcher's partial plans): `local` and
   * `remote` then describe only them, and the base of every other path is left alone.
   */
  readonly scope?: ReadonlySet<string>;
}

export interface SyncProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface SyncIssue {
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

export interface SyncReport {
  readonly uploaded: number;
  readonly deleted: number;
  readonly created: number;
  readonly conflicts: readonly SyncIssue[];
  readonly errors: readonly SyncIssue[];
  readonly skipped: readonly SyncIssue[];
  /** Deleted locally, kept on the server because deletions were not asked for. */
  readonly keptRemote: readonly string[];
  readonly warnings: readonly PlanWarning[];
  readonly bytes: number;
  readonly seconds: number;
}

/** Scans both sides and plans; decides "same content?" by hash where stamps cannot tell. */
export async function prepareSync(session: SyncSession, options: { deleteRemote: boolean; signal?: AbortSignal }): Promise<PreparedSync> {
  const [localScan, remoteScan] = await Promise.all([
    scanLocal(session.localRoot, { ignore: session.ignore, ...(options.signal && { signal: options.signal }) }),
    scanRemote({ exec: (command: string) => execCommand(session.client, command), sftp: session.sftp }, session.remoteRoot, { hostLabel: session.hostLabel }),
  ]);
  const plan = await planEntries(session, {
    local: localScan.entries,
    localSkipped: localScan.skipped,
    remote: remoteScan.entries,
    base: session.state.entries,
    deleteRemote: options.deleteRemote,
  });
  const local = new Map(localScan.entries.map((entry) => [entry.path, entry]));
  const remote = new Map(remoteScan.entries.map((entry) => [entry.path, entry]));
  return { plan, local, remote, remoteScan: remoteScan.method };
}

export interface PlanEntriesInput {
  readonly local: readonly LocalEntry[];
  readonly localSkipped: readonly LocalSkip[];
  readonly remote: readonly RemoteEntry[];
  /** The base of the paths planned (all of it for a full sync). */
  readonly base: ReadonlyMap<string, BaseEntry>;
  readonly deleteRemote: boolean;
}

/**
 * The half of prepareSync after the scans: hashes what stamps cannot decide, plans, and adds
 * the CRLF-shebang warnings. The watcher calls it with the few paths that changed.
 */
export async function planEntries(session: SyncSession, input: PlanEntriesInput): Promise<SyncPlan> {
  const remote = new Map(input.remote.map((entry) => [entry.path, entry]));
  const { base } = input;

  // Same size, new mtime: hash to tell a touch from an edit.
  const touched = input.local.filter((entry) => {
    const stamp = base.get(entry.path)?.local;
    return entry.kind === 'file' && stamp && stamp.size === entry.size && stamp.mtimeMs !== entry.mtimeMs;
  });
  const localHashes = await hashAll(session.localRoot, touched.map((entry) => entry.path));

  // Both sides have a file and the base cannot vouch for the remote one: compare content.
  const undecided = input.local.filter((entry) => {
    const theirs = remote.get(entry.path);
    if (entry.kind !== 'file' || theirs?.kind !== 'file' || theirs.size !== entry.size) return false;
    const stamp = base.get(entry.path)?.remote;
    return !stamp || !sameStamp(stampOf(theirs), stamp);
  });
  const sameContent = new Map<string, boolean>();
  if (undecided.length > 0) {
    const paths = undecided.map((entry) => entry.path);
    const [mine, theirs] = await Promise.all([hashAll(session.localRoot, paths, localHashes), hashRemoteFiles(session.client, session.sftp, session.remoteRoot, paths)]);
    for (const entryPath of paths) sameContent.set(entryPath, mine.get(entryPath) !== undefined && mine.get(entryPath) === theirs.get(entryPath));
  }

  const plan = planSync({
    local: input.local,
    localSkipped: input.localSkipped,
    remote: input.remote,
    base,
    deleteRemote: input.deleteRemote,
    sameContent,
    localHashes,
    excluded: (entryPath, isDir) => session.ignore.isIgnored(entryPath, isDir),
  });
  const uploads = plan.actions.flatMap((action) => (action.type === 'upload' ? [action.path] : []));
  const warnings = await findCrlfShebangs(session.localRoot, uploads);
  return { ...plan, warnings: [...plan.warnings, ...warnings] };
}

/** How often the base is saved while a long transfer runs (each save is atomic). */
const STATE_SAVE_INTERVAL_MS = 500;

/**
 * Carries out a plan. Every write is guarded by the remote stamp the plan expected, so a change
 * made on the server between planning and writing becomes a conflict, not an overwrite. The base
 * advances only for writes the server confirmed.
 */
export async function executeSync(
  session: SyncSession,
  prepared: PreparedSync,
  options: {
    signal?: AbortSignal;
    onProgress?: (progress: SyncProgress) => void;
    /** Files in flight (default: the transfer's). 1 uploads in the plan's order, one after the other. */
    concurrency?: number;
    /** The caller just saw the remote root is a folder: skip re-checking it (one RTT per path component). */
    remoteRootExists?: boolean;
  } = {},
): Promise<SyncReport> {
  const started = Date.now();
  const { plan } = prepared;
  const remotePath = (relative: string) => `${session.remoteRoot}/${relative}`;
  const conflicts: SyncIssue[] = [];
  const errors: SyncIssue[] = [];
  const skipped: SyncIssue[] = [];
  const keptRemote: string[] = [];
  let uploaded = 0;
  let deleted = 0;
  let created = 0;
  let bytes = 0;
  let lastSave = Date.now();
  const saveSoon = async (force = false) => {
    if (force || Date.now() - lastSave > STATE_SAVE_INTERVAL_MS) {
      lastSave = Date.now();
      await session.state.save();
    }
  };
  const byType = <T extends PlanAction['type']>(type: T) => plan.actions.filter((action): action is Extract<PlanAction, { type: T }> => action.type === type);

  if (plan.halted) throw new Error(plan.halted);

  for (const action of plan.actions) {
    if (action.type === 'conflict') conflicts.push({ path: action.path, reason: action.reason, message: conflictMessage(action, session.hostLabel) });
    if (action.type === 'skip') skipped.push({ path: action.path, reason: action.reason, message: action.detail });
    if (action.type === 'keep-remote') keptRemote.push(action.path);
  }

  try {
    if (!options.remoteRootExists) await ensureRemoteDir(session.sftp, session.remoteRoot);
    for (const action of byType('mkdir')) {
      options.signal?.throwIfAborted();
      const error = await ensureRemoteDir(session.sftp, remotePath(action.path), { mode: action.mode, below: session.remoteRoot }).then(() => null, (failure: Error) => failure);
      if (error) errors.push({ path: action.path, reason: 'mkdir-failed', message: error.message });
      else {
        created += 1;
        session.state.record({ path: action.path, kind: 'dir', local: null, remote: null });
      }
    }

    // Uploads: hash first (the base records what was sent), then one pipelined transfer.
    const uploads = byType('upload').filter((action) => !errors.some((error) => action.path.startsWith(`${error.path}/`)));
    const hashes = await hashAll(session.localRoot, uploads.map((action) => action.path));
    const bytesTotal = uploads.reduce((sum, action) => sum + action.local.size, 0);
    const results = await uploadFiles(
      session.sftp,
      uploads.map((action) => ({
        localPath: path.join(session.localRoot, ...action.path.split('/')),
        remotePath: remotePath(action.path),
        mode: action.local.mode,
        mtimeMs: action.local.mtimeMs,
        expectRemote: action.expectRemote,
        size: action.local.size,
      })),
      {
        host: session.hostLabel,
        ...(options.signal && { signal: options.signal }),
        ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
        onProgress: (progress) => options.onProgress?.({ filesDone: progress.filesDone, filesTotal: progress.filesTotal, bytesDone: progress.bytesDone, bytesTotal }),
      },
    );
    for (const [index, result] of results.entries()) {
      const action = uploads[index];
      if (!action) continue;
      if (result.ok) {
        uploaded += 1;
        bytes += action.local.size;
        // If the file changed while it was being sent, record the old stamp: the next sync sends it again.
        const now = await lstat(path.join(session.localRoot, ...action.path.split('/'))).catch(() => null);
        const unchanged = now !== null && now.size === action.local.size && now.mtimeMs === action.local.mtimeMs;
        session.state.record({
          path: action.path,
          kind: 'file',
          local: { size: action.local.size, mtimeMs: action.local.mtimeMs, mode: action.local.mode, hash: unchanged ? (hashes.get(action.path) ?? '') : '' },
          remote: result.remote,
        });
        await saveSoon();
      } else if (result.code === 'conflict') {
        conflicts.push({ path: action.path, reason: 'remote-changed', message: `${action.path} changed on ${session.hostLabel} after the plan was made; it was not overwritten.` });
      } else {
        errors.push({ path: action.path, reason: result.code, message: result.message });
      }
    }

    for (const action of byType('symlink')) {
      options.signal?.throwIfAborted();
      const current = await lstatRemote(session.sftp, remotePath(action.path));
      const expected = action.expectRemote;
      if ((current === null) !== (expected === null) || (current && expected && !sameStamp(current, expected))) {
        conflicts.push({ path: action.path, reason: 'remote-changed', message: `${action.path} changed on ${session.hostLabel}; the link was not replaced.` });
        continue;
      }
      try {
        const stamp = await symlinkRemote(session.sftp, action.linkTarget, remotePath(action.path), current !== null);
        session.state.record({ path: action.path, kind: 'symlink', local: null, remote: stamp, linkTarget: action.linkTarget });
        created += 1;
      } catch (error) {
        errors.push({ path: action.path, reason: 'symlink-failed', message: (error as Error).message });
      }
    }

    const adopts = byType('adopt');
    const adoptHashes = await hashAll(session.localRoot, adopts.map((action) => action.path));
    for (const action of adopts) {
      session.state.record({
        path: action.path,
        kind: 'file',
        local: { size: action.local.size, mtimeMs: action.local.mtimeMs, mode: action.local.mode, hash: adoptHashes.get(action.path) ?? '' },
        remote: stampOf(action.remote),
      });
    }

    for (const action of byType('delete')) {
      options.signal?.throwIfAborted();
      const outcome = await removeRemote(session.sftp, remotePath(action.path), action.kind, action.kind === 'dir' ? null : action.expectRemote);
      if (outcome === 'removed' || outcome === 'gone') {
        deleted += outcome === 'removed' ? 1 : 0;
        session.state.forget(action.path);
      } else if (outcome === 'changed') {
        conflicts.push({ path: action.path, reason: 'deleted-locally-changed-remotely', message: `${action.path} changed on ${session.hostLabel} since the last sync; it was not deleted.` });
      } else {
        keptRemote.push(action.path); // a folder that still holds the server's own files
      }
    }

    // Gone on both sides: nothing left to remember.
    for (const entryPath of [...session.state.entries.keys()]) {
      if (prepared.scope && !prepared.scope.has(entryPath)) continue;
      if (!prepared.local.has(entryPath) && !prepared.remote.has(entryPath) && !plan.actions.some((action) => action.path === entryPath)) session.state.forget(entryPath);
    }
  } finally {
    await saveSoon(true);
  }

  return { uploaded, deleted, created, conflicts, errors, skipped, keptRemote, warnings: plan.warnings, bytes, seconds: (Date.now() - started) / 1000 };
}

async function hashAll(root: string, paths: readonly string[], known?: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const queue = [...paths];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const cached = known?.get(next);
      const hash = cached ?? (await hashLocalFile(path.join(root, ...next.split('/'))).catch(() => null));
      if (hash !== null) hashes.set(next, hash);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return hashes;
}

function conflictMessage(action: Extract<PlanAction, { type: 'conflict' }>, host: string): string {
  switch (action.reason) {
    case 'remote-changed':
      return `${action.path} was changed on ${host} since the last sync; your local version was not uploaded over it. Compare them and choose which to keep.`;
    case 'remote-differs':
      return `${action.path} already exists on ${host} with different content, and Labdesk has no record of syncing it. Compare them before overwriting.`;
    case 'deleted-locally-changed-remotely':
      return `${action.path} was deleted here but changed on ${host}; it was kept there.`;
    case 'type-changed':
      return `${action.path} is a ${action.local?.kind ?? 'missing entry'} here but a ${action.remote?.kind ?? 'missing entry'} on ${host}; resolve it by hand.`;
  }
}
