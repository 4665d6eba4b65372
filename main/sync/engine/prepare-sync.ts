import path from 'node:path';
import { TEMP_MARKER } from '../../common';
import { execCommand } from '../../ssh';
import { hashLocalFile, hashRemoteFiles } from '../local/content-hash';
import { type LocalScan, type LocalSkip, scanLocal } from '../local/local-scan';
import { planSync, sameStamp, stampOf } from '../plan/plan';
import { findCrlfShebangs } from '../plan/shebang-check';
import { scanRemoteKnown } from '../remote/remote-known-scan';
import { type RemoteScan, scanRemote } from '../remote/remote-scan';
import { sweepStaleTemps } from '../remote/remote-ops';
import type { BaseEntry, LocalEntry, RemoteEntry, SyncPlan } from '../sync-types';
import { timedPhase } from '../sync-timing';
import type { PreparedSync, SyncSession } from './sync-session';

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

/** Hashes local files, eight at a time; `known` hashes are reused, unreadable files left out. */
export async function hashAll(root: string, paths: readonly string[], known?: ReadonlyMap<string, string>): Promise<Map<string, string>> {
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

