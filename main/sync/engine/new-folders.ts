import { checkExistingParents, createRemoteDirs, ensureRemoteDir } from '../remote/remote-ops';
import type { ActionOf } from '../sync-types';
import type { SyncLedger } from './sync-ledger';
import type { SyncSession } from './sync-session';

/**
 * The plan's new folders on the server, and what a folder that could not be made means for the
 * files below it (they are reported, not sent). Made pipelined, a round trip per depth level,
 * so the uploads need no MKDIRs; or carried by a tar push, which then reports each one placed.
 */
export class NewFolders {
  private readonly placedDirs = new Set<string>();
  private readonly failedDirs = new Map<string, Error>();
  private rootChecked: boolean;

  /** `rootKnown`: the remote root is known to be a folder already (the caller saw it, or the scan listed something in it). */
  constructor(
    private readonly session: SyncSession,
    readonly dirs: readonly ActionOf<'mkdir'>[],
    private readonly ledger: SyncLedger,
    rootKnown: boolean,
  ) {
    this.rootChecked = rootKnown;
  }

  /** Makes the folders not made yet (and the root once, if not known to exist); a failure is reported per folder. */
  async make(): Promise<void> {
    const { session } = this;
    if (!this.rootChecked) await ensureRemoteDir(session.sftp, session.remoteRoot);
    this.rootChecked = true;
    const wanted = this.dirs.filter((action) => this.isLeft(action.path));
    const failed = await createRemoteDirs(session.sftp, session.remoteRoot, wanted, session.hostLabel);
    // Also the existing folders they go into (a link there fails everything below it).
    for (const [dirPath, error] of failed) this.failedDirs.set(dirPath, error);
    for (const action of wanted) {
      const error = failed.get(action.path);
      if (!error) this.placed(action.path);
      else this.ledger.error(action.path, 'mkdir-failed', error.message);
    }
  }

  /**
   * When tar carries the folders: the folders they go into must still be real folders (a link
   * there would take the whole new folder through it). What is below one that is not is
   * reported when made at the end.
   */
  async checkParents(): Promise<void> {
    for (const [dirPath, error] of await checkExistingParents(this.session.sftp, this.session.remoteRoot, this.dirs)) this.failedDirs.set(dirPath, error);
  }

  /** A folder is in place on the server (made here, or moved in by tar). */
  placed(dirPath: string): void {
    if (this.placedDirs.has(dirPath)) return;
    this.placedDirs.add(dirPath);
    this.ledger.folderCreated(dirPath);
  }

  /** Some folder was neither placed nor found impossible. */
  get anyLeft(): boolean {
    return this.dirs.some((action) => this.isLeft(action.path));
  }

  /** The folders that are not below one that failed. */
  notBelowFailed(): ActionOf<'mkdir'>[] {
    return this.dirs.filter((action) => !this.failedAbove(action.path));
  }

  /** The uploads whose folders can hold them; each of the others is reported as not uploaded. */
  withoutFailed(actions: readonly ActionOf<'upload'>[]): ActionOf<'upload'>[] {
    return actions.filter((action) => {
      const error = this.failedAbove(action.path);
      if (error) this.ledger.error(action.path, 'mkdir-failed', `${action.path} was not uploaded: ${error.message}`);
      return !error;
    });
  }

  private isLeft(dirPath: string): boolean {
    return !this.placedDirs.has(dirPath) && !this.failedDirs.has(dirPath);
  }

  private failedAbove(entryPath: string): Error | undefined {
    for (let slash = entryPath.lastIndexOf('/'); slash > 0; slash = entryPath.lastIndexOf('/', slash - 1)) {
      const error = this.failedDirs.get(entryPath.slice(0, slash));
      if (error) return error;
    }
    return undefined;
  }
}
