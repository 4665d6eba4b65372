/**
 * Bulk first push over an exec channel: one tar stream instead of thousands of SFTP requests.
 *
 *   1. exec `printf READY; <read one go byte>; mkdir -p <staging> [<target folders>];
 *      tar -xpf - -C <staging>` where staging is `<remoteRoot>/.labdesk/incoming-<random>`
 *      (same file system as the targets, so moving in is a rename), and stream a ustar/pax
 *      archive of the files into it. With `claim` (the engine), the SFTP pipeline works while
 *      the login shell starts, and tar takes the files nobody has started once READY arrives;
 *      without it, the archive follows READY. Before READY the shell grows its stdin pipe.
 *      After tar, `find -printf` in the same exec lists the staging folder: each file's remote
 *      stamp (size, mtime, mode), which the move below keeps, with no LSTAT per file.
 *   2. Move each file into place over SFTP with a plain RENAME, which OpenSSH implements as
 *      link()+unlink(): atomic and refusing to replace an existing file. A target that exists is
 *      reported as 'conflict' and left untouched; nothing existing is ever overwritten. A cut
 *      connection leaves complete or partial files only inside the staging folder.
 *   3. Remove the staging folder (over SFTP; rm -rf over exec if anything unexpected is left).
 *      A cut connection can leave it behind: the engine's sweep (remote-ops.ts) removes stale
 *      ones.
 *
 * Modes (permission bits) and mtimes (whole seconds) travel in the tar headers; `tar -p`
 * applies the modes exactly instead of through the umask. Only regular files are pushed: pass
 * symlinks to the SFTP path. Requires a POSIX shell and tar on the server.
 */
import path from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { openSftp, shellCommand } from '../../ssh';
import type { NewRemoteDir } from '../remote/remote-ops';
import { parseFindOutput } from '../remote/remote-scan';
import { BacklogGate, type ChannelLike, channelWindowInUse, clientProtocol, sftpSession, windowLimitFor } from '../../sftp';
import { timedPhase, timingMark } from '../sync-timing';
import { archiveChunks } from './archive-stream';
import { cleanupStaging, ensureDirsOverSftp, moveFoldersIntoPlace, moveIntoPlace, removeStagingOverSftp, stagingContent, topmostNewFolder } from './staging-moves';
import { describeFiles, type FileState, type LocalStat, markFailed, resultsOf } from './tar-files';
import { type ExtractOutcome, newStagingPath, TarShell, tarShellCommand } from './tar-shell';
import { Progress, type UploadFailureCode, type UploadProgress, type UploadResult } from '../transfer/transfer';

export type { LocalStat } from './tar-files';

export interface TarPushOptions {
  /** Names the server in messages. */
  readonly host?: string;
  /** The SFTP channel for the moves; one is opened (and closed again) on `client` when missing. */
  readonly sftp?: SFTPWrapper;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly progressIntervalMs?: number;
  /** Return the sha256 of each file's bytes as streamed (default false). Costs no extra read. */
  readonly hash?: boolean;
  /**
   * `mkdir -p` the target folders in the same exec (default true). The sync engine creates them
   * itself (checking that none is a link) and passes false, so tar-push creates nothing outside
   * its staging folder.
   */
  readonly createParents?: boolean;
  /**
   * Shares the push with another transfer (the engine's SFTP pipeline). When set, nothing is
   * streamed until the server's shell has started and tar is reading (the login shell may take
   * seconds, during which the other transfer works), then each file is asked for just before it
   * is read: false means the other transfer has it (its result here is 'cancelled').
   */
  readonly claim?: (index: number) => boolean;
  /** Called once tar on the server is reading the stream (only with `claim`). */
  readonly onStreaming?: () => void;
  /**
   * Folders (relative to the root) that do not exist on the server and that the caller has not
   * created (ignored with `claim`: the other transfer needs them in place). They travel in the
   * archive with their modes, and each topmost one is moved into place with one RENAME, with
   * everything tar put in it: a fresh tree is a few dozen RENAMEs instead of one per file. A
   * RENAME that is refused (the folder appeared on the server meanwhile) moves nothing: the
   * files in it fail with 'failed', for the caller to create the folder its own way and send
   * them again.
   */
  readonly newDirs?: readonly NewRemoteDir[];
  /** Called with each of `newDirs` once it is in place on the server. */
  readonly onDirPlaced?: (rel: string) => void;
  /**
   * A shell started earlier for this push (startTarShell: same root, no target folders to
   * make). Used instead of a new exec; declined if the push ends up not needing it.
   */
  readonly shell?: TarShell;
  /**
   * What the caller's scan saw of each file (aligned with `relativePaths`): small files are then
   * read in one call, with no FileHandle and no stat of their own (per file, that is most of
   * the client's CPU in a push of thousands of small files).
   */
  readonly localStats?: ReadonlyArray<LocalStat | undefined>;
}

/** Longest exec command we build with the folder list inline; beyond it folders go over SFTP. */
const MAX_COMMAND_BYTES = 128 * 1024;

class Cancelled extends Error {}

/** Where this push's files go on the server, and what the exec must make there first. */
interface StagingPlan {
  readonly root: string;
  readonly staging: string;
  /** The new folders tar carries, parents first. */
  readonly newDirs: readonly NewRemoteDir[];
  /** Target folders of files that go in one by one (not with a new folder). */
  readonly dirs: readonly string[];
  readonly createParents: boolean;
  /** `mkdir -p` of `dirs` for the exec ('' when none are to be made). */
  readonly makeDirs: string;
  /** The target folders are made by the exec itself (else over SFTP, before the moves). */
  readonly inlineDirs: boolean;
}

export async function pushWithTar(
  client: Client,
  localRoot: string,
  relativePaths: readonly string[],
  remoteRoot: string,
  options: TarPushOptions = {},
): Promise<UploadResult[]> {
  const host = options.host ?? 'the server';
  const root = remoteRoot.replace(/\/+$/, '') || '/';
  const files = await describeFiles(localRoot, relativePaths, root, options.localStats, options.claim !== undefined);
  const progress = new Progress(files.length, files.reduce((sum, f) => sum + f.size, 0), options.onProgress, options.progressIntervalMs ?? 100);
  const finish = () => {
    progress.emit();
    return resultsOf(files);
  };
  const pushable = files.filter((file) => !file.failure);
  // A shell started earlier for this push is taken over (one for another root is declined).
  const given = options.shell?.root === root && !options.shell.answered ? options.shell : undefined;
  if (given) given.adopted = true;
  else options.shell?.release();
  if (pushable.length === 0) {
    given?.decline();
    return finish();
  }

  const plan = planStaging(pushable, root, given, options);
  const shell = given ?? new TarShell(client, tarShellCommand(root, plan.staging, plan.inlineDirs ? plan.makeDirs : ''), root, plan.staging);
  // The SFTP channel for the moves opens while the archive streams (it takes a few round trips).
  const ownSftp = options.sftp ? undefined : openSftp(client).then((sftp) => sftp, (error: Error) => error);
  try {
    const listing = await extractIntoStaging(shell, client, pushable, plan, progress, options, host);
    if (listing === null) return finish();
    const sftp = options.sftp ?? (await ownSftp);
    if (!sftp || sftp instanceof Error) {
      const why = sftp instanceof Error ? sftp.message : 'no SFTP channel';
      for (const file of pushable) markFailed(file, 'failed', `Could not move ${file.remotePath} into place on ${host}: ${why}.`);
      await cleanupStaging(client, plan.staging, root);
      return finish();
    }
    noteStagedStamps(pushable, listing);
    await moveStagedIntoPlace(client, sftp, pushable, plan, progress, options, host);
    return finish();
  } finally {
    void ownSftp?.then((sftp) => {
      if (!(sftp instanceof Error)) sftp.end();
    });
  }
}

function planStaging(pushable: FileState[], root: string, given: TarShell | undefined, options: TarPushOptions): StagingPlan {
  const staging = given?.staging ?? newStagingPath(root);
  const newDirs = options.claim ? [] : [...(options.newDirs ?? [])].sort((a, b) => (a.path < b.path ? -1 : 1));
  const newDirNames = new Set(newDirs.map((dir) => dir.path));
  for (const file of pushable) file.folder = topmostNewFolder(file.rel, newDirNames);
  const dirs = leafDirs(pushable.filter((file) => !file.folder).map((file) => path.posix.dirname(file.remotePath)));
  const createParents = options.createParents ?? true;
  const makeDirs = createParents && dirs.length > 0 ? `${shellCommand(['mkdir', '-p', '--', ...dirs])} 2>/dev/null; ` : '';
  // A shell started earlier runs a command without them: they are made over SFTP then.
  return { root, staging, newDirs, dirs, createParents, makeDirs, inlineDirs: !given && makeDirs.length <= MAX_COMMAND_BYTES };
}

/**
 * Step 1: streams the archive into the staging folder. Resolves to the staging folder's listing
 * (the `find` after tar, in the same exec), or null when nothing can be moved in: every file is
 * then marked failed (or cancelled) and the staging folder removed.
 */
async function extractIntoStaging(
  shell: TarShell,
  client: Client,
  pushable: FileState[],
  plan: StagingPlan,
  progress: Progress,
  options: TarPushOptions,
  host: string,
): Promise<Buffer | null> {
  let extract: ExtractOutcome;
  try {
    extract = await streamArchive(shell, client, pushable, plan.newDirs, progress, options);
  } catch (error) {
    const cancelled = error instanceof Cancelled;
    for (const file of pushable) {
      if (cancelled) markFailed(file, 'cancelled', `Push of ${file.remotePath} to ${host} was cancelled; nothing was written outside the staging folder.`);
      else markFailed(file, 'failed', `Could not push ${file.remotePath} to ${host}: ${(error as Error).message}`);
    }
    // Never told to go on (closed before READY, or answered N): it created no staging folder.
    if (shell.wentAhead) await cleanupStaging(client, plan.staging, plan.root);
    return null;
  }
  if (extract.code !== 0) {
    const { code, message } = classifyTarFailure(extract, host, plan.staging);
    for (const file of pushable) markFailed(file, code, `Could not push ${file.remotePath}: ${message}`);
    await cleanupStaging(client, plan.staging, plan.root);
    return null;
  }
  return extract.stdout;
}

/** Each streamed file's stamp in staging, from the listing (a RENAME keeps size, mtime and mode). */
function noteStagedStamps(pushable: readonly FileState[], listing: Buffer): void {
  const listed = parseFindOutput(listing);
  if (listed?.root !== 'dir') return;
  const stamps = new Map(listed.entries.filter((entry) => entry.kind === 'file').map((entry) => [entry.path, entry]));
  for (const file of pushable) {
    const entry = file.streamed ? stamps.get(file.rel) : undefined;
    if (entry) file.staged = { size: entry.size, mtime: entry.mtime, mode: entry.mode };
  }
}

/**
 * Steps 2 and 3: moves everything into place, never over an existing file (with the stamps from
 * the listing, a move is one RENAME; without, an LSTAT follows each), then removes the staging
 * folder. Every exec pays a login-shell start (rc files with conda or pyenv init), so the
 * staging folder, whose content is known, is removed over SFTP; rm -rf only if that fails.
 */
async function moveStagedIntoPlace(client: Client, sftp: SFTPWrapper, pushable: FileState[], plan: StagingPlan, progress: Progress, options: TarPushOptions, host: string): Promise<void> {
  const session = sftpSession(sftp, host);
  if (plan.createParents && !plan.inlineDirs) await ensureDirsOverSftp(session, plan.dirs);
  const moved = new Set<string>();
  const { staging, root } = plan;
  await timedPhase('tar-moves', () =>
    Promise.all([
      moveFoldersIntoPlace(session, pushable, plan.newDirs, { staging, root, progress, host, moved, ...(options.signal && { signal: options.signal }), ...(options.onDirPlaced && { onDirPlaced: options.onDirPlaced }) }),
      moveIntoPlace(session, pushable.filter((file) => !file.failure && !file.folder), staging, progress, options.signal, host),
    ]),
  );
  if (!(await removeStagingOverSftp(session, staging, root, stagingContent(pushable, plan.newDirs, moved)))) await cleanupStaging(client, staging, root);
  timingMark('tar: staging removed', () => `${pushable.filter((f) => f.streamed).length} files streamed`);
}

function leafDirs(dirs: readonly string[]): string[] {
  const unique = new Set(dirs);
  const ancestors = new Set<string>();
  for (const dir of unique) {
    for (let up = path.posix.dirname(dir); !ancestors.has(up); up = path.posix.dirname(up)) {
      ancestors.add(up);
      if (path.posix.dirname(up) === up) break;
    }
  }
  return [...unique].filter((dir) => !ancestors.has(dir)).sort();
}

function classifyTarFailure(outcome: ExtractOutcome, host: string, staging: string): { code: UploadFailureCode; message: string } {
  const detail = outcome.stderr.trim().split('\n').slice(0, 3).join(' / ') || `exit ${outcome.code ?? outcome.signal ?? 'unknown'}`;
  if (/No space left on device|Disk quota exceeded/i.test(outcome.stderr)) {
    return { code: 'disk-full', message: `the server's disk is full (tar on ${host}: ${detail}). Nothing outside ${staging} was written.` };
  }
  if (/Permission denied|Read-only file system|Operation not permitted/i.test(outcome.stderr)) {
    return { code: 'permission-denied', message: `permission denied on ${host} (${detail}). Nothing was written.` };
  }
  if (/command not found|not found/i.test(outcome.stderr) && outcome.code === 127) {
    return { code: 'failed', message: `${host} has no tar (or no POSIX shell); use the SFTP upload instead.` };
  }
  return { code: 'failed', message: `tar on ${host} failed (${detail}). Nothing outside ${staging} was written.` };
}

async function streamArchive(
  shell: TarShell,
  client: Client,
  files: FileState[],
  folders: readonly NewRemoteDir[],
  progress: Progress,
  options: TarPushOptions,
): Promise<ExtractOutcome> {
  const { signal } = options;
  const host = options.host ?? 'the server';
  if (signal?.aborted) {
    shell.decline();
    throw new Cancelled();
  }
  const channel = await shell.channel;
  // Cancelled before the go byte: N, and the shell exits by itself; after it, close.
  const onAbort = () => shell.decline();
  signal?.addEventListener('abort', onAbort, { once: true });

  // Keep sshd's backlog small on a fast link (channel-window.ts); the SFTP channel's fastest
  // reply tells how long the link is.
  const roundTripMs = () => (options.sftp ? sftpSession(options.sftp).roundTripMs : Infinity);
  const window = channelWindowInUse(channel as unknown as ChannelLike, clientProtocol(client), () => backlog.release());
  const backlog = new BacklogGate(() => window?.inUse() ?? 0, () => windowLimitFor(roundTripMs()));
  void shell.closed.then(() => {
    backlog.close();
    window?.stop();
  });

  const gate = options.claim ? { ready: shell.ready, claim: options.claim, onStreaming: options.onStreaming } : undefined;
  const chunks = archiveChunks(files, folders, options.hash ?? false, gate);
  try {
    // Nothing goes before READY: until the shell is past its rc files nobody reads the pipe, and
    // a window's worth of data would wait in sshd's buffer (tar-shell.ts GROW_STDIN_PIPE).
    // (Building the archive's start meanwhile is no faster: on a small client it takes CPU from
    // the shell's start, which READY waits for, and the stream does not gain.) The go
    // byte goes with the first chunk: a push cancelled while the shell is still in its rc files
    // answers N instead.
    if (!gate) await shell.ready;
    for await (const chunk of chunks) {
      if (signal?.aborted) throw new Cancelled();
      if (shell.isClosed) break;
      progress.bytes(chunk.content);
      shell.go();
      await backlog.wait();
      if (shell.isClosed) break;
      if (!channel.write(chunk.data)) {
        await Promise.race([new Promise((resolve) => channel.once('drain', resolve)), shell.closed]);
      }
    }
    if (signal?.aborted) throw new Cancelled();
    if (!shell.isClosed) channel.end();
    timingMark('tar: archive sent');
    await shell.closed;
    timingMark('tar: tar + find done');
    if (signal?.aborted) throw new Cancelled();
  } catch (error) {
    // Answered N: it exits by itself. Otherwise tar may be running: close the channel.
    if (!shell.answered || shell.wentAhead) shell.close();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stopped early (closed, cancelled): the generator closes the file it was reading.
    await chunks.return(undefined).catch(() => undefined);
  }
  return shell.outcome(host);
}
