import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { SyncSession } from '../engine/sync-session';
import { caseCollisions, type LocalSkip, symlinkProblem } from '../local/local-scan';
import type { LocalEntry } from '../sync-types';

/** More paths than a partial plan takes: the caller rescans instead. */
export class TooManyChanges extends Error {
  constructor(readonly count: number) {
    super(`${count} entries`);
  }
}

/**
 * The local side of a partial plan: what the changed paths are now, with the same rules as the
 * full scan (ignore rules with their parents, case collisions, links that leave the root,
 * special files), a folder that is new to sync walked, and the folders above for their modes.
 */
export class LocalChanges {
  readonly local = new Map<string, LocalEntry>();
  readonly skipped: LocalSkip[] = [];
  /** In push order: the changed paths as they came, then what walking added. */
  readonly scope = new Set<string>();
  private readonly stats = new Map<string, Promise<Stats | null>>();
  private readonly listings = new Map<string, Promise<string[]>>();

  constructor(
    private readonly session: SyncSession,
    private readonly limit: number,
  ) {}

  /** Reads the changed paths; deleted ones come into scope (with what the base has below them) only with `deleteRemote`. Throws TooManyChanges. */
  async collect(changed: readonly string[], deleteRemote: boolean): Promise<void> {
    const { state } = this.session;
    for (const relative of changed) {
      const entryStats = await this.lstat(relative);
      const base = state.entries.get(relative);
      const isDir = entryStats ? entryStats.isDirectory() : base?.kind === 'dir';
      if (this.ignoredWithParents(relative, isDir)) continue;
      if (entryStats) {
        if (!(await this.ancestorsAreFolders(relative))) continue; // replaced since the event
        await this.addExisting(relative, entryStats);
        if (entryStats.isDirectory() && base?.kind !== 'dir') await this.walk(relative);
      } else if (deleteRemote) {
        this.scope.add(relative);
        for (const key of state.entries.keys()) if (key.startsWith(`${relative}/`)) this.scope.add(key);
        this.checkLimit();
      }
    }
  }

  /**
   * The folders above the scope: local ones join it (for their mode when they must be created).
   * Returns them all, for the remote side (a remote link anywhere above a path means nothing is
   * written through it).
   */
  async addFoldersAbove(): Promise<Set<string>> {
    const above = new Set<string>();
    for (const relative of this.scope) for (let dir = parentOf(relative); dir !== '' && !above.has(dir); dir = parentOf(dir)) above.add(dir);
    for (const dir of above) {
      if (this.scope.has(dir)) continue;
      const dirStats = await this.lstat(dir);
      if (dirStats?.isDirectory()) {
        this.scope.add(dir);
        this.local.set(dir, { path: dir, kind: 'dir', size: dirStats.size, mtimeMs: dirStats.mtimeMs, mode: dirStats.mode & 0o7777 });
      }
    }
    return above;
  }

  private absolute(relative: string): string {
    return path.join(this.session.localRoot, ...relative.split('/'));
  }

  private lstat(relative: string): Promise<Stats | null> {
    let known = this.stats.get(relative);
    if (!known) {
      known = lstat(this.absolute(relative)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
        throw error;
      });
      this.stats.set(relative, known);
    }
    return known;
  }

  private checkLimit(): void {
    if (this.scope.size > this.limit) throw new TooManyChanges(this.scope.size);
  }

  private ignoredWithParents(relative: string, isDir: boolean): boolean {
    const { ignore } = this.session;
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) if (ignore.isIgnored(parts.slice(0, depth).join('/'), true)) return true;
    return ignore.isIgnored(relative, isDir);
  }

  private async ancestorsAreFolders(relative: string): Promise<boolean> {
    for (let dir = parentOf(relative); dir !== ''; dir = parentOf(dir)) {
      if (!(await this.lstat(dir))?.isDirectory()) return false;
    }
    return true;
  }

  /** Names in one folder that differ only by case are both skipped, as the full scan does. */
  private async collidesByCase(relative: string): Promise<string[] | null> {
    const { ignore, localRoot } = this.session;
    const dir = parentOf(relative);
    let names = this.listings.get(dir);
    if (!names) {
      names = readdir(dir === '' ? localRoot : this.absolute(dir), { withFileTypes: true }).then(
        (dirents) => dirents.filter((dirent) => !ignore.isIgnored(joinPosix(dir, dirent.name), dirent.isDirectory())).map((dirent) => dirent.name),
        () => [],
      );
      this.listings.set(dir, names);
    }
    const name = relative.slice(dir === '' ? 0 : dir.length + 1);
    return caseCollisions(await names).get(name) ?? null;
  }

  private async addExisting(relative: string, entryStats: Stats): Promise<void> {
    this.scope.add(relative);
    this.checkLimit();
    const others = await this.collidesByCase(relative);
    if (others) {
      const names = [path.posix.basename(relative), ...others].map((name) => JSON.stringify(name)).join(' and ');
      this.skipped.push({ path: relative, reason: 'case-collision', detail: `${names} differ only by case (or Unicode normalization); on a case-insensitive disk one would overwrite the other, so neither is synced. Rename one of them.` });
      return;
    }
    const common = { path: relative, size: entryStats.size, mtimeMs: entryStats.mtimeMs, mode: entryStats.mode & 0o7777 };
    if (entryStats.isFile()) this.local.set(relative, { ...common, kind: 'file' });
    else if (entryStats.isDirectory()) this.local.set(relative, { ...common, kind: 'dir' });
    else if (entryStats.isSymbolicLink()) {
      const linkTarget = await readlink(this.absolute(relative)).catch(() => null);
      if (linkTarget === null) return;
      const problem = symlinkProblem(relative, linkTarget);
      if (problem) this.skipped.push({ path: relative, ...problem });
      else this.local.set(relative, { ...common, kind: 'symlink', linkTarget });
    } else {
      this.skipped.push({ path: relative, reason: 'special-file', detail: `${relative} is not a file, folder or link (a socket, pipe or device); it is not synced.` });
    }
  }

  /** A folder new to sync: its files may have arrived without events (moved in as a whole). */
  private async walk(dir: string): Promise<void> {
    const folders = [dir];
    for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
      const dirents: Dirent[] = await readdir(this.absolute(next), { withFileTypes: true }).catch(() => []);
      for (const dirent of dirents) {
        const child = joinPosix(next, dirent.name);
        if (this.session.ignore.isIgnored(child, dirent.isDirectory())) continue;
        const childStats = await this.lstat(child);
        if (!childStats) continue;
        await this.addExisting(child, childStats);
        if (childStats.isDirectory()) folders.push(child);
      }
    }
  }
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}

function joinPosix(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
