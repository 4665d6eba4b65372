import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { execCommand } from '../ssh';
import { hashLocalFile, hashRemoteFiles } from './local/content-hash';
import { HelperChannels } from './transfer/helper-channels';
import { HELPERS_MIN_BYTES, TAR_MIN_FILES, TAR_OWNED_MAX_BYTES, TAR_OWNED_MIN_FILES, TAR_OWNED_MIN_RTT_MS, TAR_WORTH_SECONDS } from './transfer/push-strategy';

export { TAR_MIN_FILES, TAR_OWNED_MIN_FILES } from './transfer/push-strategy';
import type { IgnoreRules } from './local/ignore-rules';
import { type LocalScan, type LocalSkip, scanLocal } from './local/local-scan';
import { planSync, sameStamp, stampOf } from './plan/plan';
import { scanRemoteKnown } from './remote/remote-known-scan';
import { type RemoteScan, scanRemote } from './remote/remote-scan';
import { checkExistingParents, createRemoteDirs, createSymlinkRemote, ensureRemoteDir, lstatRemote, type NewRemoteDir, removeRemote, sweepStaleTemps, symlinkRemote } from './remote/remote-ops';
import { TEMP_MARKER } from '../common';
import { findCrlfShebangs } from './plan/shebang-check';
import type { SyncState } from './state/sync-state';
import type { BaseEntry, LocalEntry, PlanAction, PlanWarning, RemoteEntry, RemoteStamp, SyncPlan } from './sync-types';
import { timedPhase, timingMark } from './sync-timing';
import { sftpSession } from '../sftp';
import { pushWithTar } from './tar/tar-push';
import type { TarShell } from './tar/tar-shell';
import { uploadFiles, type UploadItem, type UploadResult } from './transfer/transfer';
import { SPLIT_MIN_BYTES } from './transfer/write-lanes';
import { conflictMessage } from './plan/conflict-message';
import type { ConnectionFacts } from './connection-facts';

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
  /** What this connection has learned about the server (see ConnectionFacts). */
  readonly facts: ConnectionFacts;
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
  /**
   * The sweep of stale Labdesk temp files on the server, started with the first full sync on a
   * connection (not awaited by prepareSync: it is one exec, whose login shell may take seconds).
   * Resolves to the root-relative paths removed.
   */
  readonly sweep?: Promise<string[]>;
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
  /** Of `uploaded`, the files the tar stream placed (the rest went over SFTP). */
  readonly viaTar: number;
}


export interface PrepareOptions {
  deleteRemote: boolean;
  signal?: AbortSignal;
  /**
   * A scan of the local root (with the session's ignore rules) started earlier: the CLI starts
   * it before connecting, so it runs while the handshake waits on the network.
   */
  localScan?: Promise<LocalScan>;
}

/** Scans both sides and plans; decides "same content?" by hash where stamps cannot tell. */
export async function prepareSync(session: SyncSession, options: PrepareOptions): Promise<PreparedSync> {
  const transport = {
    exec: (command: string, execOptions?: { signal?: AbortSignal }) => execCommand(session.client, command, execOptions),
    sftp: session.sftp,
  };
  const signal = options.signal && { signal: options.signal };
  const localScanning = options.localScan ?? timedPhase('scan-local', () => scanLocal(session.localRoot, { ignore: session.ignore, ...signal }));
  // The first full sync of a root on a connection walks the whole remote tree (and sees any
  // stale temp files a cut connection left). After that, a resync with a base looks up only the
  // paths the plan can look at (local ∪ base, with the folders above them): one pipelined LSTAT
  // each, however deep the tree, instead of a round trip or more per folder level.
  const known = session.state.entries.size > 0 && session.facts.walkedRoots.has(session.remoteRoot);
  const remoteScanning: Promise<RemoteScan & { full: boolean }> = known
    ? timedPhase('scan-remote-known', async () => {
        // The base's paths at once; the local scan's (mostly the same) as soon as it is done.
        const more = localScanning.then((localScan) => localScan.entries.map((entry) => entry.path));
        more.catch(() => undefined); // a failed local scan is reported by the Promise.all below
        const scan = await scanRemoteKnown(session.sftp, session.remoteRoot, session.state.entries.keys(), { hostLabel: session.hostLabel, more, ...signal });
        return { entries: scan.entries, method: 'sftp' as const, full: false };
      })
    : timedPhase('scan-remote', async () => ({ ...(await scanRemote(transport, session.remoteRoot, { hostLabel: session.hostLabel, ...signal })), full: true }));
  // Both started before either is awaited: a failing local scan must not leave the remote one unhandled.
  remoteScanning.catch(() => undefined);
  const [localScan, remoteScan] = await Promise.all([localScanning, remoteScanning]);
  if (remoteScan.full) {
    session.facts.walkedRoots.add(session.remoteRoot);
  }
  const plan = await timedPhase('plan', () =>
    planEntries(session, {
      local: localScan.entries,
      localSkipped: localScan.skipped,
      remote: remoteScan.entries,
      base: session.state.entries,
      deleteRemote: options.deleteRemote,
    }),
  );
  const local = new Map(localScan.entries.map((entry) => [entry.path, entry]));
  const remote = new Map(remoteScan.entries.map((entry) => [entry.path, entry]));
  // A cut connection can leave temp files and staging folders behind. The walk shows whether
  // there are any, so the sweep's exec (a login-shell start) is only paid when there are.
  let sweep: Promise<string[]> | undefined;
  if (remoteScan.full && !session.facts.sweptTemps && remoteScan.entries.some(isLabdeskTemp)) {
    session.facts.sweptTemps = true;
    sweep = sweepStaleTemps(session.client, session.remoteRoot);
  }
  return { plan, local, remote, remoteScan: remoteScan.method, ...(sweep && { sweep }) };
}

const TEMP_NAME = new RegExp(`^\\..*${TEMP_MARKER.replace(/[.]/g, '\\.')}[0-9a-f]{12}(\\.old)?$`);
const STAGING_PATH = /^\.labdesk\/incoming-[0-9a-f]{12}$/;

/** What sweepStaleTemps would look at: a transfer temp file or a tar staging folder. */
function isLabdeskTemp(entry: RemoteEntry): boolean {
  if (entry.kind === 'dir') return STAGING_PATH.test(entry.path);
  return entry.kind === 'file' && TEMP_NAME.test(entry.path.slice(entry.path.lastIndexOf('/') + 1));
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
    const [mine, theirs] = await Promise.all([hashAll(session.localRoot, paths, localHashes), hashRemoteFiles(session.client, session.sftp, session.remoteRoot, paths, { sizes: new Map(undecided.map((entry) => [entry.path, entry.size])) })]);
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
  // Only executable files: "bad interpreter" comes from the kernel running the file, which needs
  // the execute bit (kept by the upload). Reading every upload's head cost a first push of 5,000
  // files three file-system calls each.
  const scripts = plan.actions.flatMap((action) => (action.type === 'upload' && (action.local.mode & 0o111) !== 0 ? [action.path] : []));
  const warnings = await findCrlfShebangs(session.localRoot, scripts);
  return { ...plan, warnings: [...plan.warnings, ...warnings] };
}

/** How often, at least, the base is saved while a long transfer runs (each save is atomic). */
const STATE_SAVE_INTERVAL_MS = 500;
/** …and at most this share of the time goes to saving it (a 10,000-entry base is ~1.5 MB of JSON). */
const STATE_SAVE_MAX_SHARE = 0.05;

/** SFTP's rate for that decision is measured over this much recent time. */
const RATE_WINDOW_MS = 500;


export interface ExecuteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Files in flight (default: the transfer's). 1 uploads in the plan's order, one after the other. */
  concurrency?: number;
  /** The caller just saw the remote root is a folder: skip re-checking it (one RTT per path component). */
  remoteRootExists?: boolean;
  /**
   * New files through a tar stream over exec: 'auto' (default) from TAR_MIN_FILES new files up,
   * true whenever there are new files, false never. Falls back to SFTP for anything tar could
   * not place (no shell, no tar, a move that failed).
   */
  tar?: boolean | 'auto';
  /** 'auto' uses tar from this many new files up (default TAR_MIN_FILES). */
  tarMinFiles?: number;
  /** 'auto': tar takes over only if SFTP would need longer than this for the rest (default TAR_WORTH_SECONDS). */
  tarWorthSeconds?: number;
  /**
   * A shell started for a tar push before the plan was made (startTarShell, for the session's
   * remote root): 'auto' then takes tar alone for a big first push whatever the round trip (the
   * shell's start is paid already). Declined when unused.
   */
  tarShell?: TarShell;
  /**
   * Extra SFTP channels for big files (helper-channels.ts, write-lanes.ts): 'auto' (default) on
   * a long link when files of SPLIT_MIN_BYTES or more add up to HELPERS_MIN_BYTES, true for any
   * such file, false never.
   */
  helperChannels?: boolean | 'auto';
}

/**
 * Whether a first push is likely to go through tar alone (TarMode 'owned'), so that starting
 * its shell before the plan is worth it: no base yet, and a local tree of TAR_OWNED_MIN_FILES
 * files or more, TAR_OWNED_MAX_BYTES at most.
 */
export function tarShellWorthStarting(local: LocalScan, baseEntries: number): boolean {
  if (baseEntries > 0) return false;
  const files = local.entries.filter((entry) => entry.kind === 'file');
  return bigEnoughForTarAlone(files.length, files.reduce((sum, entry) => sum + entry.size, 0));
}

/** A push of this many new files and bytes goes through tar alone where its shell is (or will be) worth it. */
function bigEnoughForTarAlone(files: number, bytes: number): boolean {
  return files >= TAR_OWNED_MIN_FILES && bytes <= TAR_OWNED_MAX_BYTES;
}

/**
 * Carries out a plan. Every write is guarded by the remote stamp the plan expected, so a change
 * made on the server between planning and writing becomes a conflict, not an overwrite. The base
 * advances only for writes the server confirmed.
 */
export async function executeSync(session: SyncSession, prepared: PreparedSync, options: ExecuteOptions = {}): Promise<SyncReport> {
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
  let viaTar = 0;
  let lastSave = Date.now();
  let saveCost = 0;
  const saveSoon = async (force = false) => {
    const interval = Math.max(STATE_SAVE_INTERVAL_MS, saveCost / STATE_SAVE_MAX_SHARE);
    if (force || Date.now() - lastSave > interval) {
      const began = Date.now();
      lastSave = began;
      await session.state.saveIfChanged();
      saveCost = Date.now() - began;
    }
  };
  const byType = <T extends PlanAction['type']>(type: T) => plan.actions.filter((action): action is Extract<PlanAction, { type: T }> => action.type === type);

  if (plan.halted) {
    options.tarShell?.release();
    throw new Error(plan.halted);
  }

  for (const action of plan.actions) {
    if (action.type === 'conflict') conflicts.push({ path: action.path, reason: action.reason, message: conflictMessage(action, session.hostLabel) });
    if (action.type === 'skip') skipped.push({ path: action.path, reason: action.reason, message: action.detail });
    if (action.type === 'keep-remote') keptRemote.push(action.path);
  }

  try {
    const mkdirs = byType('mkdir');
    const tarMode = chooseTarMode(session, byType('upload'), options);
    const placedDirs = new Set<string>();
    const failedDirs = new Map<string, Error>();
    const dirPlaced = (dirPath: string) => {
      if (placedDirs.has(dirPath)) return;
      placedDirs.add(dirPath);
      created += 1;
      session.state.record({ path: dirPath, kind: 'dir', local: null, remote: null });
    };
    let rootChecked = false;
    // New folders: pipelined, a round trip per depth level (uploads then need no MKDIRs).
    const makeDirs = async () => {
      // The scan listing anything means the root is a folder already.
      if (!rootChecked && !options.remoteRootExists && prepared.remote.size === 0) await ensureRemoteDir(session.sftp, session.remoteRoot);
      rootChecked = true;
      const wanted = mkdirs.filter((action) => !placedDirs.has(action.path) && !failedDirs.has(action.path));
      const failed = await createRemoteDirs(session.sftp, session.remoteRoot, wanted, session.hostLabel);
      // Also the existing folders they go into (a link there fails everything below it).
      for (const [dirPath, error] of failed) failedDirs.set(dirPath, error);
      for (const action of wanted) {
        const error = failed.get(action.path);
        if (!error) dirPlaced(action.path);
        else errors.push({ path: action.path, reason: 'mkdir-failed', message: error.message });
      }
    };
    // When tar owns the new files, the new folders travel in its archive and go into place with
    // everything in them (one RENAME per topmost folder, tar-push.ts); the ones it could not
    // place are made over SFTP afterwards, before anything is sent again through SFTP.
    const foldersByTar = tarMode === 'owned' && mkdirs.length > 0;
    if (!foldersByTar) await makeDirs();
    // The folders they go into must still be real folders (a link there would take the whole
    // new folder through it); what is below one that is not is reported when made at the end.
    else for (const [dirPath, error] of await checkExistingParents(session.sftp, session.remoteRoot, mkdirs)) failedDirs.set(dirPath, error);
    options.signal?.throwIfAborted();

    // Uploads, hashed while they are sent (the base records what was sent); recorded as each
    // one is confirmed, so a crash mid-push keeps what already landed.
    const failedAbove = (entryPath: string) => {
      for (let slash = entryPath.lastIndexOf('/'); slash > 0; slash = entryPath.lastIndexOf('/', slash - 1)) {
        const error = failedDirs.get(entryPath.slice(0, slash));
        if (error) return error;
      }
      return undefined;
    };
    const withoutFailedDirs = (actions: readonly UploadAction[]) =>
      actions.filter((action) => {
        const error = failedAbove(action.path);
        if (error) errors.push({ path: action.path, reason: 'mkdir-failed', message: `${action.path} was not uploaded: ${error.message}` });
        return !error;
      });
    const uploads = withoutFailedDirs(byType('upload'));
    const recording: Array<Promise<void>> = [];
    const onResult = (action: UploadAction, result: UploadResult) => {
      if (result.ok) {
        uploaded += 1;
        bytes += action.local.size;
        recording.push(recordUpload(session, action, result).then(() => saveSoon()));
      } else if (result.code === 'conflict') {
        conflicts.push({ path: action.path, reason: 'remote-changed', message: `${action.path} changed on ${session.hostLabel} after the plan was made; it was not overwritten.` });
      } else {
        errors.push({ path: action.path, reason: result.code, message: result.message });
      }
    };
    const folders: TarFolders | undefined = foldersByTar
      ? {
          dirs: mkdirs.filter((action) => !failedAbove(action.path)),
          placed: dirPlaced,
          beforeRetry: async (actions) => {
            await makeDirs();
            return withoutFailedDirs(actions);
          },
        }
      : undefined;
    await timedPhase('transfer', async () => {
      viaTar = await pushUploads(session, uploads, tarMode, options, onResult, folders);
      await Promise.all(recording);
    });
    // What tar did not place. When it placed every folder, nothing is left to make, and the root
    // is there (its staging folder was made in it): no walk of the root's path over SFTP.
    if (foldersByTar && mkdirs.some((action) => !placedDirs.has(action.path) && !failedDirs.has(action.path))) await makeDirs();

    // Links are independent of each other: all in flight at once (a few round trips in all, not per link).
    const links = byType('symlink');
    const outcomes = await Promise.all(links.map((action) => placeSymlink(session, action, options.signal)));
    for (const [index, outcome] of outcomes.entries()) {
      const action = links[index] as Extract<PlanAction, { type: 'symlink' }>;
      if (outcome.kind === 'placed') {
        session.state.record({ path: action.path, kind: 'symlink', local: null, remote: outcome.stamp, linkTarget: action.linkTarget });
        created += 1;
      } else if (outcome.kind === 'changed') {
        conflicts.push({ path: action.path, reason: 'remote-changed', message: `${action.path} changed on ${session.hostLabel}; the link was not replaced.` });
      } else {
        errors.push({ path: action.path, reason: 'symlink-failed', message: outcome.message });
      }
    }
    options.signal?.throwIfAborted();

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
    const planned = new Set(plan.actions.map((action) => action.path));
    for (const entryPath of [...session.state.entries.keys()]) {
      if (prepared.scope && !prepared.scope.has(entryPath)) continue;
      if (!prepared.local.has(entryPath) && !prepared.remote.has(entryPath) && !planned.has(entryPath)) session.state.forget(entryPath);
    }
  } finally {
    options.tarShell?.release(); // not needed after all, or the push was cut short before tar
    await timedPhase('state-save', () => saveSoon(true));
  }

  return { uploaded, deleted, created, conflicts, errors, skipped, keptRemote, warnings: plan.warnings, bytes, seconds: (Date.now() - started) / 1000, viaTar };
}

type UploadAction = Extract<PlanAction, { type: 'upload' }>;

type SymlinkOutcome = { kind: 'placed'; stamp: RemoteStamp } | { kind: 'changed' } | { kind: 'failed'; message: string };

/** Creates or replaces one link, only if the server still has what the plan expected there. */
async function placeSymlink(session: SyncSession, action: Extract<PlanAction, { type: 'symlink' }>, signal: AbortSignal | undefined): Promise<SymlinkOutcome> {
  if (signal?.aborted) return { kind: 'failed', message: `${action.path}: cancelled.` };
  const target = `${session.remoteRoot}/${action.path}`;
  if (action.expectRemote === null) {
    try {
      const made = await createSymlinkRemote(session.sftp, action.linkTarget, target);
      return made === 'exists' ? { kind: 'changed' } : { kind: 'placed', stamp: made };
    } catch (error) {
      return { kind: 'failed', message: (error as Error).message };
    }
  }
  const current = await lstatRemote(session.sftp, target);
  const expected = action.expectRemote;
  if ((current === null) !== (expected === null) || (current && expected && !sameStamp(current, expected))) return { kind: 'changed' };
  try {
    return { kind: 'placed', stamp: await symlinkRemote(session.sftp, action.linkTarget, target, current !== null) };
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message };
  }
}

/** none: SFTP only. shared: tar takes what SFTP has not started once its shell is up. owned: tar has every new file from the start. */
type TarMode = 'none' | 'shared' | 'owned';

function chooseTarMode(session: SyncSession, uploads: readonly UploadAction[], options: ExecuteOptions): TarMode {
  const fresh = uploads.filter((action) => action.expectRemote === null);
  const wantTar = options.tar ?? 'auto';
  if (wantTar === false || options.concurrency === 1 || session.facts.tarUnavailable || fresh.length === 0) return 'none';
  if (wantTar === true) return 'owned';
  const freshBytes = fresh.reduce((sum, action) => sum + action.local.size, 0);
  const shellStarted = options.tarShell !== undefined && !options.tarShell.answered;
  if ((onLongLink(session) || shellStarted) && bigEnoughForTarAlone(fresh.length, freshBytes)) return 'owned';
  return fresh.length >= (options.tarMinFiles ?? TAR_MIN_FILES) ? 'shared' : 'none';
}

/** The SFTP channel's fastest reply so far is at least TAR_OWNED_MIN_RTT_MS (none yet: not long). */
function onLongLink(session: SyncSession): boolean {
  const roundTrip = sftpSession(session.sftp).roundTripMs; // Infinity until a first reply
  return Number.isFinite(roundTrip) && roundTrip >= TAR_OWNED_MIN_RTT_MS;
}

/** Big files worth extra channels: on a long link, HELPERS_MIN_BYTES in files SFTP splits. */
function wantsHelperChannels(session: SyncSession, uploads: readonly UploadAction[], want: boolean | 'auto'): boolean {
  if (want === false) return false;
  let splitBytes = 0;
  for (const action of uploads) if (action.local.size >= SPLIT_MIN_BYTES) splitBytes += action.local.size;
  return want === true ? splitBytes > 0 : splitBytes >= HELPERS_MIN_BYTES && onLongLink(session);
}

/** The plan's new folders, when tar carries them (tar-push.ts `newDirs`). */
interface TarFolders {
  readonly dirs: readonly NewRemoteDir[];
  /** A folder is in place on the server (moved in by tar). */
  readonly placed: (dirPath: string) => void;
  /** Before files go (again) through SFTP: makes the folders still missing; returns the files that can go. */
  readonly beforeRetry: (actions: readonly UploadAction[]) => Promise<UploadAction[]>;
}

/**
 * Records a confirmed upload in the base: the scan's stamp, and the hash of the bytes actually
 * sent. A file edited after the scan then looks changed to the next sync (new mtime) and is
 * compared by hash: sent before the edit landed, or torn mid-edit, it differs and goes again;
 * edited before it was read, it matches what the server has. Without a hash from the transfer,
 * the old way: hash it again if the stamp still matches, else record no hash.
 */
async function recordUpload(session: SyncSession, action: UploadAction, result: Extract<UploadResult, { ok: true }>): Promise<void> {
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

/**
 * Sends the uploads through the pipelined SFTP transfer, and, for a big first push on a server
 * with a shell, through one tar stream over exec as well (tar-push.ts: staged, then moved in
 * with a no-clobber RENAME). The two share the list: SFTP starts at once and keeps every file
 * until tar on the server is reading (the login shell may take seconds), then tar takes the new
 * files nobody has started yet. Each file is sent by exactly one of them; whatever tar could not
 * place (no shell, no tar, a failed move) goes through SFTP afterwards. `onResult` gets each
 * upload's final outcome exactly once.
 */
async function pushUploads(
  session: SyncSession,
  uploads: readonly UploadAction[],
  tarMode: TarMode,
  options: ExecuteOptions,
  onResult: (action: UploadAction, result: UploadResult) => void,
  folders?: TarFolders,
): Promise<number> {
  if (uploads.length === 0) return 0;
  let placedByTar = 0;
  const useTar = tarMode !== 'none';

  const owner = new Array<'tar' | 'sftp' | undefined>(uploads.length);
  // Stops the tar push when SFTP has done (or will soon have done) everything without it.
  const stopTar = new AbortController();
  let tarNotNeeded = false;
  const pushStarted = performance.now();
  let tarStreaming = false;
  const claim = (side: 'tar' | 'sftp', index: number) => {
    if (owner[index] !== undefined) return false;
    const isNew = (uploads[index] as UploadAction).expectRemote === null;
    // tar only creates files (its move refuses to replace anything); once it streams, SFTP leaves the new ones to it.
    if (side === 'tar' ? !isNew || stopTar.signal.aborted : useTar && isNew && tarStreaming) return false;
    owner[index] = side;
    return true;
  };

  const bytesTotal = uploads.reduce((sum, action) => sum + action.local.size, 0);
  const parts = { tar: { files: 0, bytes: 0 }, sftp: { files: 0, bytes: 0 }, retry: { files: 0, bytes: 0 } };
  // SFTP's progress over time (a sample per progress report, ~10 a second), for its recent rate.
  const sftpSamples: Array<{ at: number; files: number }> = [];
  const report = (part: keyof typeof parts) => (progress: { filesDone: number; bytesDone: number }) => {
    parts[part] = { files: progress.filesDone, bytes: progress.bytesDone };
    // Only needed until tar's shell is ready and the decision is made.
    if (part === 'sftp' && useTar && !tarStreaming && !stopTar.signal.aborted) sftpSamples.push({ at: performance.now(), files: progress.filesDone });
    options.onProgress?.({
      filesDone: parts.tar.files + parts.sftp.files + parts.retry.files,
      filesTotal: uploads.length,
      bytesDone: Math.min(bytesTotal, parts.tar.bytes + parts.sftp.bytes + parts.retry.bytes),
      bytesTotal,
    });
  };

  // Big files on a long link: more channels, more flow-control windows in flight. Only for what
  // SFTP sends (tar alone has the new files): on servers that run sftp-server as a subsystem,
  // each channel costs a process start, through the login shell.
  const sentBySftp = tarMode === 'owned' ? uploads.filter((action) => action.expectRemote !== null) : uploads;
  const helpers = wantsHelperChannels(session, sentBySftp, options.helperChannels ?? 'auto') ? new HelperChannels(session.client, session.hostLabel) : undefined;
  const sftpPush = (actions: readonly UploadAction[], part: 'sftp' | 'retry') =>
    uploadFiles(
      session.sftp,
      actions.map((action) => uploadItem(session, action)),
      {
        host: session.hostLabel,
        hash: true,
        // The engine created the plan's folders (never through a link); a folder missing now
        // was removed on the server meanwhile, and the upload fails rather than recreate it.
        createParents: false,
        ...(options.signal && { signal: options.signal }),
        ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
        // The first pass shares the list with tar (indices into `uploads`); the retry owns its files.
        ...(part === 'sftp' && { claim: (index: number) => claim('sftp', index) }),
        onProgress: report(part),
        onResult: (index, result) => onResult(actions[index] as UploadAction, result),
        ...(helpers && { helpers: helpers.sessions }),
      },
    );

  const cancelTar = () => stopTar.abort();
  options.signal?.addEventListener('abort', cancelTar, { once: true });
  // Called when tar's shell is ready: stream the files nobody has started, or step aside.
  const startStreamingIfWorthIt = () => {
    // The rate over the last half second: SFTP speeds up once its first round trips are over
    // (and once the shell's start no longer takes CPU from it).
    const now = performance.now();
    const since = sftpSamples.find((sample) => sample.at >= now - RATE_WINDOW_MS) ?? { at: pushStarted, files: 0 };
    const seconds = (now - since.at) / 1000;
    let untaken = 0; // (owner is sparse: reduce would skip the files nobody took)
    for (let index = 0; index < uploads.length; index++) if (owner[index] === undefined && (uploads[index] as UploadAction).expectRemote === null) untaken += 1;
    const sftpRate = (parts.sftp.files - since.files) / Math.max(seconds, 0.001);
    if (sftpRate > 0 && untaken / sftpRate < (options.tarWorthSeconds ?? TAR_WORTH_SECONDS)) {
      timingMark('tar: not worth it', () => `${untaken} files left, SFTP at ${sftpRate.toFixed(0)} files/s`);
      tarNotNeeded = true;
      stopTar.abort();
      return;
    }
    tarStreaming = true;
  };
  const tarPush = async (): Promise<UploadAction[]> => {
    if (!useTar) return [];
    // Owned: tar has every new file from the start and streams once its shell is ready.
    // Shared: it claims what SFTP has not started, once its shell is ready.
    const forced = tarMode === 'owned';
    const indices = forced ? uploads.flatMap((action, index) => (action.expectRemote === null ? [index] : [])) : uploads.map((_action, index) => index);
    if (forced) for (const index of indices) owner[index] = 'tar';
    const results = await pushWithTar(
      session.client,
      session.localRoot,
      indices.map((index) => (uploads[index] as UploadAction).path),
      session.remoteRoot,
      {
        host: session.hostLabel,
        sftp: session.sftp,
        hash: true,
        createParents: false,
        signal: stopTar.signal,
        localStats: indices.map((index) => (uploads[index] as UploadAction).local),
        ...(!forced && { claim: (k: number) => claim('tar', indices[k] as number), onStreaming: startStreamingIfWorthIt }),
        ...(forced && folders && { newDirs: folders.dirs, onDirPlaced: folders.placed }),
        ...(forced && options.tarShell && { shell: options.tarShell }),
        onProgress: report('tar'),
      },
    );
    // Whatever tar could not place goes through SFTP: no shell, no tar, a move that failed.
    // Conflicts, a full disk and permission problems are final (SFTP would hit them too), and
    // so is a cancel by the user.
    const retry: UploadAction[] = [];
    for (const [k, result] of results.entries()) {
      const index = indices[k] as number;
      if (owner[index] !== 'tar') continue;
      const action = uploads[index] as UploadAction;
      const retryable = !result.ok && (result.code === 'failed' || result.code === 'cancelled');
      if (retryable && !options.signal?.aborted) retry.push(action);
      else onResult(action, result);
      if (result.ok) placedByTar += 1;
    }
    // No shell or no tar: later syncs on this connection go straight to SFTP.
    const placedNothing = results.length > 0 && results.every((result) => !result.ok && result.code === 'failed');
    if (!options.signal?.aborted && !tarNotNeeded && (forced ? placedNothing : !tarStreaming)) session.facts.tarUnavailable = true;
    return retry;
  };

  try {
    const [retry] = await Promise.all([
      tarPush(),
      sftpPush(uploads, 'sftp').then(() => {
        timingMark('sftp: share done', () => `${owner.filter((o) => o === 'sftp').length} files`);
        // SFTP took every file before tar's shell was ready: nothing is left for tar to do.
        if (tarStreaming || owner.includes('tar') || owner.includes(undefined)) return;
        tarNotNeeded = true;
        stopTar.abort();
      }),
    ]);
    // Files nobody took: tar stopped early (SFTP left them to it once it streamed).
    const untaken = uploads.filter((_action, index) => owner[index] === undefined);
    let again = [...retry, ...untaken];
    timingMark('push: tar and sftp done');
    if (again.length > 0 && folders) again = await folders.beforeRetry(again);
    if (again.length > 0) await sftpPush(again, 'retry');
  } finally {
    options.signal?.removeEventListener('abort', cancelTar);
    helpers?.close();
  }
  return placedByTar;
}

function uploadItem(session: SyncSession, action: UploadAction): UploadItem {
  return {
    localPath: path.join(session.localRoot, ...action.path.split('/')),
    remotePath: `${session.remoteRoot}/${action.path}`,
    mode: action.local.mode,
    mtimeMs: action.local.mtimeMs,
    expectRemote: action.expectRemote,
    size: action.local.size,
  };
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

