import type { BaseEntry, LocalEntry, PlanAction, RemoteEntry, RemoteStamp, SkipReason, SyncPlan } from '../sync-types';

/**
 * The sync plan: a pure function from (local scan, remote scan, last-synced base) to actions.
 * Local is the source of code; the remote is a replica that may also hold files of its own
 * (outputs, logs, data links), which are never touched. Every rule is visible on one screen and
 * each has a row in tests/unit/sync-plan.test.ts.
 *
 *  local   remote   base    → action
 *  file    —        —       → upload (new)
 *  file    —        yes     → upload (remote-deleted: the replica lost it; local still has it)
 *  file    file     —       → adopt if same content, else conflict (remote-differs)
 *  file    file     yes     → nothing / upload (local changed) / conflict (remote changed)
 *  —       file     —       → nothing (the server's own file)
 *  —       file     yes     → delete (only when asked, and only if unchanged since base),
 *                             conflict if it changed remotely, else keep-remote
 *  dir     —        any     → mkdir;  file vs dir on the other side → conflict (type-changed)
 *  any     symlink  any     → never followed, overwritten or deleted, unless it is a link Labdesk
 *                             made itself and it is unchanged (skip: remote-symlink)
 *  anything below a remote symlink → skip (under-remote-symlink)
 *  a plan that would delete everything in a root with ≥ 2 synced entries → halted
 *  a synced path that is now ignored or skipped locally is not a deletion: it stays remote
 */
export interface PlanInput {
  readonly local: readonly LocalEntry[];
  readonly localSkipped?: readonly { readonly path: string; readonly reason: SkipReason; readonly detail: string }[];
  readonly remote: readonly RemoteEntry[];
  readonly base: ReadonlyMap<string, BaseEntry>;
  /** Propagate local deletions to the server (`--delete`). Off by default. */
  readonly deleteRemote: boolean;
  /**
   * Paths whose local and remote content was compared by hash (done by the engine for files
   * that exist on both sides without agreeing stamps): true when identical.
   */
  readonly sameContent?: ReadonlyMap<string, boolean>;
  /**
   * Local content hashes computed for files whose size matches the base but whose mtime does
   * not, so a `touch` or a checkout of the same content is not taken for an edit.
   */
  readonly localHashes?: ReadonlyMap<string, string>;
  /**
   * Paths the local scan left out on purpose (now ignored, skipped links, case collisions).
   * They are not local deletions: their server copies stay, like rsync's excluded files.
   */
  readonly excluded?: (path: string, isDir: boolean) => boolean;
}

const MIN_ENTRIES_FOR_EMPTY_ROOT_HALT = 2;

export function planSync(input: PlanInput): SyncPlan {
  const local = new Map(input.local.map((entry) => [entry.path, entry]));
  const remote = new Map(input.remote.map((entry) => [entry.path, entry]));
  const remoteLinks = input.remote.filter((entry) => entry.kind === 'symlink').map((entry) => entry.path);
  const underRemoteLink = (path: string) => remoteLinks.find((link) => path.startsWith(`${link}/`));
  const actions: PlanAction[] = [];

  for (const skipped of input.localSkipped ?? []) actions.push({ type: 'skip', ...skipped });
  const skippedPaths = new Set((input.localSkipped ?? []).map((skipped) => skipped.path));
  const leftOut = (path: string, isDir: boolean) =>
    skippedPaths.has(path) || [...skippedPaths].some((skipped) => path.startsWith(`${skipped}/`)) || (input.excluded?.(path, isDir) ?? false);

  const paths = new Set<string>([...local.keys(), ...input.base.keys()]);
  for (const path of [...paths].sort()) {
    const mine = local.get(path) ?? null;
    const theirs = remote.get(path) ?? null;
    const base = input.base.get(path) ?? null;

    const link = underRemoteLink(path);
    if (link !== undefined) {
      if (mine) actions.push({ type: 'skip', path, reason: 'under-remote-symlink', detail: `${link} is a symbolic link on the server; nothing is written through it.` });
      continue;
    }
    if (theirs?.kind === 'symlink' && !isOurUnchangedLink(theirs, base)) {
      if (mine && !(mine.kind === 'symlink' && mine.linkTarget === theirs.linkTarget)) {
        actions.push({ type: 'skip', path, reason: 'remote-symlink', detail: `${path} is a symbolic link on the server (→ ${theirs.linkTarget ?? '?'}); it is kept as it is.` });
      }
      continue;
    }
    if (theirs?.kind === 'other') {
      if (mine) actions.push({ type: 'skip', path, reason: 'special-file', detail: `${path} is a special file on the server; it is left alone.` });
      continue;
    }
    if (!mine && leftOut(path, base?.kind === 'dir')) continue; // excluded, not deleted
    const action = mine ? planPresent(mine, theirs, base, input) : planDeleted(path, theirs, base, input.deleteRemote);
    if (action) actions.push(action);
  }

  return { actions: ordered(actions), warnings: [], halted: emptiesRoot(input, actions) };
}

/** The local entry exists: make the remote match it, unless that would overwrite a remote change. */
function planPresent(mine: LocalEntry, theirs: RemoteEntry | null, base: BaseEntry | null, input: PlanInput): PlanAction | null {
  const { path } = mine;
  if (mine.kind === 'dir') {
    if (theirs === null) return { type: 'mkdir', path, mode: mine.mode };
    return theirs.kind === 'dir' ? null : conflict(mine, theirs, 'type-changed');
  }
  if (theirs?.kind === 'dir') return conflict(mine, theirs, 'type-changed');

  if (mine.kind === 'symlink') {
    const target = mine.linkTarget ?? '';
    if (theirs === null) return { type: 'symlink', path, linkTarget: target, expectRemote: null };
    if (theirs.kind === 'symlink') {
      // Only reached for a link Labdesk made and that is unchanged (see planSync).
      return theirs.linkTarget === target ? null : { type: 'symlink', path, linkTarget: target, expectRemote: stampOf(theirs) };
    }
    return conflict(mine, theirs, 'type-changed');
  }

  // A regular local file.
  if (theirs === null) {
    return { type: 'upload', path, local: mine, expectRemote: null, reason: base?.remote ? 'remote-deleted' : 'new' };
  }
  if (theirs.kind === 'symlink') return conflict(mine, theirs, 'type-changed');
  const identical = input.sameContent?.get(path) === true;
  if (base === null || base.remote === null) {
    return identical ? { type: 'adopt', path, local: mine, remote: theirs } : conflict(mine, theirs, 'remote-differs');
  }
  const remoteChanged = !sameStamp(stampOf(theirs), base.remote);
  const localChanged = localDiffersFromBase(mine, base, input.localHashes);
  if (remoteChanged) {
    return identical ? { type: 'adopt', path, local: mine, remote: theirs } : conflict(mine, theirs, 'remote-changed');
  }
  if (!localChanged) return null;
  const modeOnly = base.local !== null && mine.size === base.local.size && input.localHashes?.get(path) === base.local.hash;
  return { type: 'upload', path, local: mine, expectRemote: base.remote, reason: modeOnly ? 'mode-changed' : 'changed' };
}

/** The local entry is gone: propagate only a deletion of something Labdesk synced, and only if asked. */
function planDeleted(path: string, theirs: RemoteEntry | null, base: BaseEntry | null, deleteRemote: boolean): PlanAction | null {
  if (base === null || theirs === null) return null; // never synced, or already gone remotely
  if (theirs.kind === 'dir') {
    // A folder's mtime moves with its contents, so no stamp guards it: the engine removes it
    // with rmdir, which fails (and keeps it) while the server has anything of its own inside.
    return deleteRemote ? { type: 'delete', path, kind: 'dir', expectRemote: stampOf(theirs) } : { type: 'keep-remote', path };
  }
  if (base.remote === null || !sameStamp(stampOf(theirs), base.remote)) {
    return { type: 'conflict', path, reason: 'deleted-locally-changed-remotely', local: null, remote: theirs };
  }
  if (!deleteRemote) return { type: 'keep-remote', path };
  return { type: 'delete', path, kind: theirs.kind === 'symlink' ? 'symlink' : 'file', expectRemote: base.remote };
}

function localDiffersFromBase(mine: LocalEntry, base: BaseEntry, localHashes: ReadonlyMap<string, string> | undefined): boolean {
  const stamp = base.local;
  if (stamp === null) return true;
  if ((mine.mode & 0o111) !== (stamp.mode & 0o111)) return true; // the execute bit is part of the content
  if (mine.size !== stamp.size) return true;
  if (mine.mtimeMs === stamp.mtimeMs) return false;
  // Same size, new mtime: a touch or a branch switch back to the same content is not an edit.
  const hash = localHashes?.get(mine.path);
  return hash === undefined || hash !== stamp.hash;
}

function isOurUnchangedLink(theirs: RemoteEntry, base: BaseEntry | null): boolean {
  return base?.kind === 'symlink' && base.remote !== null && base.linkTarget === theirs.linkTarget;
}

export function stampOf(entry: RemoteEntry): RemoteStamp {
  return { size: entry.size, mtime: entry.mtime, mode: entry.mode };
}

export function sameStamp(a: RemoteStamp, b: RemoteStamp): boolean {
  return a.size === b.size && a.mtime === b.mtime && (a.mode & 0o7777) === (b.mode & 0o7777);
}

function conflict(local: LocalEntry, remote: RemoteEntry, reason: 'type-changed' | 'remote-differs' | 'remote-changed'): PlanAction {
  return { type: 'conflict', path: local.path, reason, local, remote };
}

/** Mutagen's rule: a root that had entries and whose whole content would be deleted halts. */
function emptiesRoot(input: PlanInput, actions: readonly PlanAction[]): string | null {
  if (!input.deleteRemote || input.local.length > 0) return null;
  const deletes = actions.filter((action) => action.type === 'delete').length;
  if (deletes < MIN_ENTRIES_FOR_EMPTY_ROOT_HALT) return null;
  return `This would delete all ${deletes} synced entries on the server because the local folder is empty. Nothing was done. If that is really what you want, delete them on the server yourself.`;
}

const ORDER: Record<PlanAction['type'], number> = {
  mkdir: 0,
  upload: 1,
  symlink: 2,
  adopt: 3,
  delete: 4,
  'keep-remote': 5,
  conflict: 6,
  skip: 7,
};

/** Folders before their files; deletions deepest first so folders empty before they go. */
function ordered(actions: PlanAction[]): PlanAction[] {
  const depth = (path: string) => path.split('/').length;
  return actions.sort((a, b) => {
    if (ORDER[a.type] !== ORDER[b.type]) return ORDER[a.type] - ORDER[b.type];
    if (a.type === 'mkdir') return depth(a.path) - depth(b.path) || a.path.localeCompare(b.path);
    if (a.type === 'delete') return depth(b.path) - depth(a.path) || a.path.localeCompare(b.path);
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
}

export function summarisePlan(plan: SyncPlan): Record<PlanAction['type'], number> {
  const counts = { mkdir: 0, upload: 0, symlink: 0, adopt: 0, delete: 0, 'keep-remote': 0, conflict: 0, skip: 0 };
  for (const action of plan.actions) counts[action.type] += 1;
  return counts;
}
