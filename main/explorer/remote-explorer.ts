import { lstat } from 'node:fs/promises';
import type { RemoteEntry, RemoteFileOpen, RemoteListing, RemoteTransferReport } from '../../preload/api';
import { ApiError, fail, type TaskRegistry } from '../common';
import { resolveInWorkspace } from '../workspace';
import { baseEntriesUnder } from './remote-base';
import { deleteRemoteTree } from './remote-delete';
import { downloadRemote } from './remote-download';
import { type ContentMemory, openRemoteFile, saveRemoteFile } from './remote-file-io';
import { describeRemote, LIST_LIMIT, listRemoteDir } from './remote-listing';
import { isRemoteInside, normaliseRemotePath, relativeToRemoteRoot, remoteParent, SftpError, sftpSession, type SftpSession } from '../sftp';
import { uploadLocal } from './remote-upload';
import type { RemoteContext, RemoteContextSource } from './remote-context';

export interface RemoteExplorerOptions {
  /** Entries one listing returns at most (default 20,000; tests make it small). */
  readonly listLimit?: number;
}

/**
 * The remote explorer: browse, open, save, download, upload, rename, delete and
 * create folders on the active target's server, over the one connection sync already holds.
 * Paths are absolute on the server and normalised lexically; every error names the path and
 * the host. Listing and opening follow links; rename and delete act on the link itself.
 *
 * How explorer actions inside the target's remote root relate to sync (the project is the
 * source of truth, see plan.ts):
 * - save: the server copy now differs from the base, so the next sync reports a conflict for a
 *   file the project also has (`read` says so up front). The base is left alone on purpose.
 * - download of a synced file whose local copy is unchanged: a pull; the base is recorded.
 * - upload to the mirrored place: the base is recorded, as a sync would.
 * - delete: the base is kept. For a file the project still has, the plan then says "missing on
 *   <target>" and restores it from the project on the next sync, visibly (never a silent
 *   upload over something unexpected: its write expects nothing there, so a file that appears
 *   meanwhile is a conflict). For a file gone here too, the next sync forgets the base.
 * - rename: the old name is treated like a delete. Base entries at the new name are forgotten:
 *   what arrives there is the server's own file, so a sync compares it by content (adopt or
 *   conflict) and never deletes it as "deleted locally".
 * - mkdir: nothing to record (the plan never needs a base for a folder).
 */
export class RemoteExplorer {
  /** Per host: what each path's content was when last read or written here (the save guard). */
  private readonly contents = new Map<string, ContentMemory>();
  private readonly listLimit: number;

  constructor(
    private readonly sync: RemoteContextSource,
    private readonly tasks: TaskRegistry,
    options: RemoteExplorerOptions = {},
  ) {
    this.listLimit = options.listLimit ?? LIST_LIMIT;
  }

  async list(dir: string): Promise<RemoteListing> {
    const canonical = normaliseRemotePath(dir, 'dir');
    const { session } = await this.connect();
    return listRemoteDir(session, canonical, this.listLimit);
  }

  async read(path: string): Promise<RemoteFileOpen> {
    const canonical = normaliseRemotePath(path);
    const { ctx, session } = await this.connect();
    const opened = await openRemoteFile(session, canonical, this.memoryFor(ctx));
    if (opened.kind !== 'text') return opened;
    const mirrored = await this.localCopyOf(ctx, canonical);
    if (mirrored === null) return opened;
    const warning = `${mirrored} is also in your project, which is the source of truth: if you save an edit here, the next sync to ${ctx.target} will report ${mirrored} as a conflict. Edit the project's copy instead, or download this file after saving.`;
    return { ...opened, notice: opened.notice === undefined ? warning : `${opened.notice} ${warning}` };
  }

  async write(path: string, text: string, expected: { size: number; mtimeMs: number } | null): Promise<RemoteEntry> {
    const canonical = normaliseRemotePath(path);
    const { ctx, session } = await this.connect();
    return saveRemoteFile(session, canonical, text, expected, this.memoryFor(ctx));
  }

  async download(paths: readonly string[], toDir: string): Promise<RemoteTransferReport> {
    const picked = paths.map((item, index) => normaliseRemotePath(item, `paths.${index}`));
    const { ctx, session } = await this.connect();
    return this.tasks.run({ title: `Download from ${ctx.target}`, unit: 'files' }, (task) => downloadRemote(ctx, session, picked, toDir, task));
  }

  async upload(paths: readonly string[], toDir: string): Promise<RemoteTransferReport> {
    const destination = normaliseRemotePath(toDir, 'toDir');
    const { ctx, session } = await this.connect();
    return this.tasks.run({ title: `Upload to ${ctx.target}`, unit: 'files' }, (task) => uploadLocal(ctx, session, paths, destination, task));
  }

  async mkdir(path: string): Promise<RemoteEntry> {
    const canonical = normaliseRemotePath(path);
    const { session } = await this.connect();
    const where = `${canonical} on ${session.host}`;
    try {
      await session.mkdir(canonical);
    } catch (error) {
      if (!(error instanceof SftpError)) throw error;
      if (await session.lstatOrNull(canonical).catch(() => null)) fail('already-exists', `${where} already exists.`, 'path');
      if (error.kind === 'no-such-file') fail('not-found', `The folder ${remoteParent(canonical)} does not exist on ${session.host}; ${canonical} was not created.`, 'path');
      if (error.kind === 'permission-denied') fail('permission-denied', `Could not create the folder ${where}: permission denied.`, 'path');
      throw error;
    }
    return describeRemote(session, canonical);
  }

  async rename(from: string, to: string): Promise<RemoteEntry> {
    const source = normaliseRemotePath(from, 'from');
    const destination = normaliseRemotePath(to, 'to');
    const { ctx, session } = await this.connect();
    const host = session.host;
    if (source === '/') fail('bad-argument', `The server's root folder cannot be renamed.`, 'from');
    if (source === destination) fail('bad-argument', `${source} already has that name.`, 'to');
    if (isRemoteInside(source, destination)) fail('bad-argument', `${source} cannot be moved into itself (${destination}).`, 'to');
    if ((await session.lstatOrNull(source)) === null) fail('not-found', `${source} does not exist on ${host}; nothing was renamed.`, 'from');
    const taken = () => new ApiError({ code: 'already-exists', message: `${destination} already exists on ${host}; nothing was renamed (Labdesk never replaces an entry by renaming).`, argument: 'to' });
    if ((await session.lstatOrNull(destination)) !== null) throw taken();
    try {
      // Plain SSH_FXP_RENAME: OpenSSH refuses to replace an existing entry, so this cannot clobber.
      await session.rename(source, destination);
    } catch (error) {
      if (!(error instanceof SftpError)) throw error;
      if (await session.lstatOrNull(destination).catch(() => null)) throw taken();
      if (error.kind === 'no-such-file') fail('not-found', `The folder ${remoteParent(destination)} does not exist on ${host}; ${source} was not renamed.`, 'to');
      if (error.kind === 'permission-denied') fail('permission-denied', `Could not rename ${source} to ${destination} on ${host}: permission denied.`, 'from');
      throw error;
    }
    this.forgetContent(ctx, source);
    const arrived = relativeToRemoteRoot(ctx.remoteRoot, destination);
    if (arrived !== null) await this.forgetBase(ctx, baseEntriesUnder(ctx.state, arrived));
    return describeRemote(session, destination);
  }

  async delete(path: string): Promise<{ path: string; removed: number }> {
    const canonical = normaliseRemotePath(path);
    const { ctx, session } = await this.connect();
    const host = session.host;
    const stats = await session.lstatOrNull(canonical);
    if (stats === null) fail('not-found', `${canonical} does not exist on ${host}; nothing was deleted.`, 'path');
    await refuseVitalFolder(session, canonical, stats.isSymbolicLink());
    const outcome = await deleteRemoteTree(session, canonical);
    this.forgetContent(ctx, canonical);
    const first = outcome.failed[0];
    if (first) {
      if (outcome.removed === 0 && outcome.failed.length === 1 && first.error instanceof ApiError) throw first.error;
      const code = first.error instanceof ApiError ? first.error.code : 'internal';
      const more = outcome.failed.slice(1, 4).map((item) => item.path);
      const others = more.length > 0 ? ` Not deleted either: ${more.join(', ')}${outcome.failed.length > 4 ? ` and ${outcome.failed.length - 4} more` : ''}.` : '';
      throw new ApiError({ code, message: `${canonical} on ${host} was only partly deleted: ${outcome.removed} entries were removed, ${outcome.failed.length} could not be (nor the folders holding them). ${first.message}${others}` });
    }
    return { path: canonical, removed: outcome.removed };
  }

  // ---- helpers ----

  private async connect(): Promise<{ ctx: RemoteContext; session: SftpSession }> {
    const ctx = await this.sync.remoteContext();
    return { ctx, session: sftpSession(ctx.live.sftp, ctx.hostLabel) };
  }

  private memoryFor(ctx: RemoteContext): ContentMemory {
    let memory = this.contents.get(ctx.hostLabel);
    if (!memory) {
      memory = new Map();
      this.contents.set(ctx.hostLabel, memory);
    }
    return memory;
  }

  private forgetContent(ctx: RemoteContext, remotePath: string): void {
    const memory = this.memoryFor(ctx);
    for (const key of [...memory.keys()]) if (isRemoteInside(remotePath, key)) memory.delete(key);
  }

  private async forgetBase(ctx: RemoteContext, entries: readonly string[]): Promise<void> {
    if (entries.length === 0) return;
    await ctx.exclusive(async () => {
      for (const entry of entries) ctx.state.forget(entry);
      await ctx.state.save();
    });
    ctx.changed();
  }

  /** The project path of a server file inside the remote root that the project also has and syncs, else null. */
  private async localCopyOf(ctx: RemoteContext, remotePath: string): Promise<string | null> {
    const relative = relativeToRemoteRoot(ctx.remoteRoot, remotePath);
    if (relative === null || ctx.ignore.isIgnored(relative, false)) return null;
    const local = await resolveInWorkspace(ctx.localRoot, relative, { followFinal: false }).catch(() => null);
    const stats = local === null ? null : await lstat(local).catch(() => null);
    return stats?.isFile() ? relative : null;
  }
}

/** `/`, the login's home folder and the folders above it are never deleted (a slip would be a disaster). */
async function refuseVitalFolder(session: SftpSession, target: string, isLink: boolean): Promise<void> {
  const refuse = (what: string) => fail('bad-argument', `${target} on ${session.host} is ${what}; Labdesk does not delete it.`, 'path');
  if (target === '/') refuse('the root folder');
  const home = await session.realpath('.').catch(() => null);
  if (home === null) return;
  if (isRemoteInside(target, home)) refuse(target === home ? 'your home folder' : 'a folder that holds your home folder');
  // A link is removed, not followed; anything else may be another name for home (/home → /data/home).
  const real = isLink ? null : await session.realpath(target).catch(() => null);
  if (real !== null && isRemoteInside(real, home)) refuse(real === home ? `your home folder (${home})` : `a folder that holds your home folder (${home})`);
}
