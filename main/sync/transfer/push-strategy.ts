import { sftpSession } from '../../sftp';
import type { SyncSession } from '../engine/sync-session';
import type { LocalScan } from '../local/local-scan';
import type { ActionOf } from '../sync-types';
import { SPLIT_MIN_BYTES } from './write-lanes';

/**
 * How a push is carried: SFTP alone, a tar stream over exec sharing or owning the new files, and
 * extra SFTP channels for big files. The rules are here together because they trade the same
 * costs against each other: a login shell's start on the server (tar needs one; on GPU servers
 * conda or pyenv init can make it seconds of server CPU), round trips per file and per folder
 * level (SFTP), and what a cut push keeps (SFTP keeps each file it finished; a cut tar push keeps
 * nothing). `npm run bench -- sync` prints both paths against rsync, so a change here can be
 * checked against the numbers of the day.
 */

/**
 * From this many new files up, tar may share a push with SFTP. Below it a shell's start is not
 * worth it: SFTP with its backlog limit (channel-window.ts) pushes such trees quickly, and on a
 * small server the shell's start also takes CPU from the SFTP push it would help.
 */
export const TAR_MIN_FILES = 10_000;

/**
 * When tar's shell is ready, it takes the files SFTP has not started only if SFTP, at the rate it
 * has reached, would need longer than this for them: a shorter tail does not pay for the stream,
 * the listing, a RENAME per file, and the CPU the two transfers then fight over.
 */
export const TAR_WORTH_SECONDS = 5;

/**
 * On a link with at least this round trip (the SFTP channel's fastest reply so far), a first push
 * of at least TAR_OWNED_MIN_FILES new files, TAR_OWNED_MAX_BYTES at most, goes through tar alone
 * from the start: new folders travel in the archive and each topmost one goes into place with one
 * RENAME, where SFTP pays a round trip per folder level and per file. The shell is started while
 * the SFTP channel opens (open-sync-session.ts), so its start is hidden behind the connection
 * even for a typical ML repository of a few hundred files. On loopback the two are level, and
 * SFTP keeps what it sent if the connection is cut, so there SFTP goes on alone.
 */
export const TAR_OWNED_MIN_RTT_MS = 5;
export const TAR_OWNED_MIN_FILES = 500;
/** A cut tar push keeps nothing (its staging folder is swept): beyond this, files go one by one. */
export const TAR_OWNED_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Two helper channels, three in all: the big files' WRITEs spread over three flow-control windows
 * (write-lanes.ts); more add channel starts without filling the link any better.
 */
export const HELPER_CHANNELS = 2;
/**
 * A push opens helpers when its files of SPLIT_MIN_BYTES or more add up to at least this much:
 * enough data that a channel's start (a round trip, or a login shell's start on servers that run
 * sftp-server as a subsystem) is small beside what the extra windows save.
 */
export const HELPERS_MIN_BYTES = 64 * 1024 * 1024;

/** none: SFTP only. shared: tar takes what SFTP has not started once its shell is up. owned: tar has every new file from the start. */
export type TarMode = 'none' | 'shared' | 'owned';

export interface TarChoice {
  /** 'auto' (default) follows the rules above; true: tar for any new file; false: never. */
  readonly tar?: boolean | 'auto';
  readonly tarMinFiles?: number;
  /** 1 means the plan's order matters (uploads one after the other): no tar. */
  readonly concurrency?: number;
  /** A tar shell started before the plan; unanswered yet, its start is paid already. */
  readonly tarShell?: { readonly answered: boolean };
}

/** How this push carries its new files (see TarMode). */
export function chooseTarMode(session: SyncSession, uploads: readonly ActionOf<'upload'>[], options: TarChoice): TarMode {
  const fresh = uploads.filter((action) => action.expectRemote === null);
  const wantTar = options.tar ?? 'auto';
  if (wantTar === false || options.concurrency === 1 || session.facts.tarUnavailable || fresh.length === 0) return 'none';
  if (wantTar === true) return 'owned';
  const freshBytes = fresh.reduce((sum, action) => sum + action.local.size, 0);
  const shellStarted = options.tarShell !== undefined && !options.tarShell.answered;
  if ((onLongLink(session) || shellStarted) && bigEnoughForTarAlone(fresh.length, freshBytes)) return 'owned';
  return fresh.length >= (options.tarMinFiles ?? TAR_MIN_FILES) ? 'shared' : 'none';
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

/** The SFTP channel's fastest reply so far is at least TAR_OWNED_MIN_RTT_MS (none yet: not long). */
function onLongLink(session: SyncSession): boolean {
  const roundTrip = sftpSession(session.sftp).roundTripMs; // Infinity until a first reply
  return Number.isFinite(roundTrip) && roundTrip >= TAR_OWNED_MIN_RTT_MS;
}

/** Big files worth extra channels: on a long link, HELPERS_MIN_BYTES in files SFTP splits. */
export function wantsHelperChannels(session: SyncSession, uploads: readonly ActionOf<'upload'>[], want: boolean | 'auto'): boolean {
  if (want === false) return false;
  let splitBytes = 0;
  for (const action of uploads) if (action.local.size >= SPLIT_MIN_BYTES) splitBytes += action.local.size;
  return want === true ? splitBytes > 0 : splitBytes >= HELPERS_MIN_BYTES && onLongLink(session);
}
