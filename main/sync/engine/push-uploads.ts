import path from 'node:path';
import { timingMark } from '../sync-timing';
import type { ActionOf } from '../sync-types';
import { pushWithTar } from '../tar/tar-push';
import { HelperChannels } from '../transfer/helper-channels';
import { TAR_WORTH_SECONDS, type TarMode, wantsHelperChannels } from '../transfer/push-strategy';
import { uploadFiles, type UploadItem, type UploadResult } from '../transfer/transfer';
import type { NewRemoteDir } from '../remote/remote-ops';
import type { ExecuteOptions, SyncSession } from './sync-session';

type UploadAction = ActionOf<'upload'>;

/** SFTP's rate, for the "is tar still worth it" decision, is measured over this much recent time. */
const RATE_WINDOW_MS = 500;

/** The plan's new folders, when tar carries them (tar-push.ts `newDirs`). */
export interface TarFolders {
  readonly dirs: readonly NewRemoteDir[];
  /** A folder is in place on the server (moved in by tar). */
  readonly placed: (dirPath: string) => void;
  /** Before files go (again) through SFTP: makes the folders still missing; returns the files that can go. */
  readonly beforeRetry: (actions: readonly UploadAction[]) => Promise<UploadAction[]>;
}

/**
 * Sends the uploads through the pipelined SFTP transfer, and, for a big first push on a server
 * with a shell, through one tar stream over exec as well (tar-push.ts: staged, then moved in
 * with a no-clobber RENAME). The two share the list: SFTP starts at once and keeps every file
 * until tar on the server is reading (the login shell may take seconds), then tar takes the new
 * files nobody has started yet. Each file is sent by exactly one of them; whatever tar could not
 * place (no shell, no tar, a failed move) goes through SFTP afterwards. `onResult` gets each
 * upload's final outcome exactly once. Returns how many files tar placed.
 */
export async function pushUploads(
  session: SyncSession,
  uploads: readonly UploadAction[],
  tarMode: TarMode,
  options: ExecuteOptions,
  onResult: (action: UploadAction, result: UploadResult) => void,
  folders?: TarFolders,
): Promise<number> {
  if (uploads.length === 0) return 0;
  return new SharedPush(session, uploads, tarMode, options, onResult, folders).run();
}

/** Which of the two transfers sends each upload; each file is claimed once. */
class UploadOwners {
  private readonly owner: Array<'tar' | 'sftp' | undefined>;
  /** tar on the server is reading: from now on SFTP leaves the new files to it. */
  tarStreaming = false;

  constructor(
    private readonly uploads: readonly UploadAction[],
    private readonly useTar: boolean,
    private readonly tarStopped: AbortSignal,
  ) {
    this.owner = new Array(uploads.length);
  }

  claim(side: 'tar' | 'sftp', index: number): boolean {
    if (this.owner[index] !== undefined) return false;
    const isNew = (this.uploads[index] as UploadAction).expectRemote === null;
    // tar only creates files (its move refuses to replace anything); once it streams, SFTP leaves the new ones to it.
    if (side === 'tar' ? !isNew || this.tarStopped.aborted : this.useTar && isNew && this.tarStreaming) return false;
    this.owner[index] = side;
    return true;
  }

  /** tar owns these from the start (TarMode 'owned'). */
  giveToTar(indices: readonly number[]): void {
    for (const index of indices) this.owner[index] = 'tar';
  }

  isTars(index: number): boolean {
    return this.owner[index] === 'tar';
  }

  /** New files nobody has started. (owner is sparse: reduce would skip the files nobody took.) */
  untakenNewFiles(): number {
    let count = 0;
    for (let index = 0; index < this.uploads.length; index++) if (this.owner[index] === undefined && (this.uploads[index] as UploadAction).expectRemote === null) count += 1;
    return count;
  }

  untaken(): UploadAction[] {
    return this.uploads.filter((_action, index) => this.owner[index] === undefined);
  }

  sftpCount(): number {
    return this.owner.filter((side) => side === 'sftp').length;
  }

  /** SFTP took every file before tar's shell was ready. */
  sftpTookAll(): boolean {
    return !this.tarStreaming && !this.owner.includes('tar') && !this.owner.includes(undefined);
  }
}

type PushPart = 'tar' | 'sftp' | 'retry';

/** The push's progress summed over its parts, and SFTP's recent rate while tar is undecided. */
class PushProgress {
  private readonly parts: Record<PushPart, { files: number; bytes: number }> = { tar: { files: 0, bytes: 0 }, sftp: { files: 0, bytes: 0 }, retry: { files: 0, bytes: 0 } };
  /** SFTP's progress over time (a sample per progress report, ~10 a second). */
  private readonly sftpSamples: Array<{ at: number; files: number }> = [];
  private readonly bytesTotal: number;
  private readonly started = performance.now();

  constructor(
    private readonly uploads: readonly UploadAction[],
    private readonly onProgress: ExecuteOptions['onProgress'],
    /** Whether SFTP's rate is still needed (until tar's shell is ready and the decision made). */
    private readonly sampling: () => boolean,
  ) {
    this.bytesTotal = uploads.reduce((sum, action) => sum + action.local.size, 0);
  }

  reporter(part: PushPart) {
    return (progress: { filesDone: number; bytesDone: number }) => {
      const { parts } = this;
      parts[part] = { files: progress.filesDone, bytes: progress.bytesDone };
      if (part === 'sftp' && this.sampling()) this.sftpSamples.push({ at: performance.now(), files: progress.filesDone });
      this.onProgress?.({
        filesDone: parts.tar.files + parts.sftp.files + parts.retry.files,
        filesTotal: this.uploads.length,
        bytesDone: Math.min(this.bytesTotal, parts.tar.bytes + parts.sftp.bytes + parts.retry.bytes),
        bytesTotal: this.bytesTotal,
      });
    };
  }

  /**
   * Files per second over the last RATE_WINDOW_MS: SFTP speeds up once its first round trips are
   * over (and once the shell's start no longer takes CPU from it).
   */
  recentSftpRate(): number {
    const now = performance.now();
    const since = this.sftpSamples.find((sample) => sample.at >= now - RATE_WINDOW_MS) ?? { at: this.started, files: 0 };
    const seconds = (now - since.at) / 1000;
    return (this.parts.sftp.files - since.files) / Math.max(seconds, 0.001);
  }
}

/** One push of a plan's uploads, by SFTP and (if tarMode says so) tar side by side. */
class SharedPush {
  private readonly useTar: boolean;
  /** Stops the tar push when SFTP has done (or will soon have done) everything without it. */
  private readonly stopTar = new AbortController();
  private tarNotNeeded = false;
  private placedByTar = 0;
  private readonly owners: UploadOwners;
  private readonly progress: PushProgress;
  private readonly helpers: HelperChannels | undefined;

  constructor(
    private readonly session: SyncSession,
    private readonly uploads: readonly UploadAction[],
    private readonly tarMode: TarMode,
    private readonly options: ExecuteOptions,
    private readonly onResult: (action: UploadAction, result: UploadResult) => void,
    private readonly folders: TarFolders | undefined,
  ) {
    this.useTar = tarMode !== 'none';
    this.owners = new UploadOwners(uploads, this.useTar, this.stopTar.signal);
    this.progress = new PushProgress(uploads, options.onProgress, () => this.useTar && !this.owners.tarStreaming && !this.stopTar.signal.aborted);
    // Big files on a long link: more channels, more flow-control windows in flight. Only for what
    // SFTP sends (tar alone has the new files): on servers that run sftp-server as a subsystem,
    // each channel costs a process start, through the login shell.
    const sentBySftp = tarMode === 'owned' ? uploads.filter((action) => action.expectRemote !== null) : uploads;
    this.helpers = wantsHelperChannels(session, sentBySftp, options.helperChannels ?? 'auto') ? new HelperChannels(session.client, session.hostLabel) : undefined;
  }

  async run(): Promise<number> {
    const cancelTar = () => this.stopTar.abort();
    this.options.signal?.addEventListener('abort', cancelTar, { once: true });
    try {
      const [retry] = await Promise.all([
        this.sendByTar(),
        this.sendBySftp(this.uploads, 'sftp').then(() => {
          timingMark('sftp: share done', () => `${this.owners.sftpCount()} files`);
          // Nothing is left for tar to do.
          if (this.owners.sftpTookAll()) this.tarIsNotNeeded();
        }),
      ]);
      // Files nobody took: tar stopped early (SFTP left them to it once it streamed).
      let again = [...retry, ...this.owners.untaken()];
      timingMark('push: tar and sftp done');
      if (again.length > 0 && this.folders) again = await this.folders.beforeRetry(again);
      if (again.length > 0) await this.sendBySftp(again, 'retry');
    } finally {
      this.options.signal?.removeEventListener('abort', cancelTar);
      this.helpers?.close();
    }
    return this.placedByTar;
  }

  private tarIsNotNeeded(): void {
    this.tarNotNeeded = true;
    this.stopTar.abort();
  }

  private sendBySftp(actions: readonly UploadAction[], part: 'sftp' | 'retry'): Promise<UploadResult[]> {
    const { session, options } = this;
    return uploadFiles(
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
        ...(part === 'sftp' && { claim: (index: number) => this.owners.claim('sftp', index) }),
        onProgress: this.progress.reporter(part),
        onResult: (index, result) => this.onResult(actions[index] as UploadAction, result),
        ...(this.helpers && { helpers: this.helpers.sessions }),
      },
    );
  }

  /** Called when tar's shell is ready (shared mode): stream the files nobody has started, or step aside. */
  private tarReady(): void {
    const untaken = this.owners.untakenNewFiles();
    const sftpRate = this.progress.recentSftpRate();
    if (sftpRate > 0 && untaken / sftpRate < (this.options.tarWorthSeconds ?? TAR_WORTH_SECONDS)) {
      timingMark('tar: not worth it', () => `${untaken} files left, SFTP at ${sftpRate.toFixed(0)} files/s`);
      this.tarIsNotNeeded();
      return;
    }
    this.owners.tarStreaming = true;
  }

  /**
   * Owned: tar has every new file from the start and streams once its shell is ready. Shared: it
   * claims what SFTP has not started, once its shell is ready. Returns what must go through SFTP.
   */
  private async sendByTar(): Promise<UploadAction[]> {
    if (!this.useTar) return [];
    const { session, uploads, options, folders } = this;
    const forced = this.tarMode === 'owned';
    const indices = forced ? uploads.flatMap((action, index) => (action.expectRemote === null ? [index] : [])) : uploads.map((_action, index) => index);
    if (forced) this.owners.giveToTar(indices);
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
        signal: this.stopTar.signal,
        localStats: indices.map((index) => (uploads[index] as UploadAction).local),
        ...(!forced && { claim: (k: number) => this.owners.claim('tar', indices[k] as number), onStreaming: () => this.tarReady() }),
        ...(forced && folders && { newDirs: folders.dirs, onDirPlaced: folders.placed }),
        ...(forced && options.tarShell && { shell: options.tarShell }),
        onProgress: this.progress.reporter('tar'),
      },
    );
    return this.settleTarResults(indices, results, forced);
  }

  /**
   * Whatever tar could not place goes through SFTP: no shell, no tar, a move that failed.
   * Conflicts, a full disk and permission problems are final (SFTP would hit them too), and so
   * is a cancel by the user.
   */
  private settleTarResults(indices: readonly number[], results: readonly UploadResult[], forced: boolean): UploadAction[] {
    const { options } = this;
    const retry: UploadAction[] = [];
    for (const [k, result] of results.entries()) {
      const index = indices[k] as number;
      if (!this.owners.isTars(index)) continue;
      const action = this.uploads[index] as UploadAction;
      const retryable = !result.ok && (result.code === 'failed' || result.code === 'cancelled');
      if (retryable && !options.signal?.aborted) retry.push(action);
      else this.onResult(action, result);
      if (result.ok) this.placedByTar += 1;
    }
    // No shell or no tar: later syncs on this connection go straight to SFTP.
    const placedNothing = results.length > 0 && results.every((result) => !result.ok && result.code === 'failed');
    if (!options.signal?.aborted && !this.tarNotNeeded && (forced ? placedNothing : !this.owners.tarStreaming)) this.session.facts.tarUnavailable = true;
    return retry;
  }
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
