import { lstat, mkdir, open, readdir, readlink, realpath, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DirEntry, EntryKind, FileContent, WriteResult } from '../../preload/api';
import { atomicWriteFile, fail, fromFsError, isLabdeskTempName } from '../common';
import { looksBinary, NOT_OPENED_ABOVE_BYTES, READ_ONLY_ABOVE_BYTES, SNIFF_BYTES } from './content-kind';
import { HIDDEN_IN_TREE } from './hidden-names';
import { parseWorkspacePath, resolveInWorkspace, toWorkspaceRelative } from './workspace-path';

/** Moves an absolute path to the OS trash (Electron's shell.trashItem, or the `trash` package). */
export type MoveToTrash = (absolutePath: string) => Promise<void>;

/**
 * One project folder on the local disk. Every method takes workspace-relative paths and confines
 * them to the root; errors are ApiErrors that name the file.
 */
export class Workspace {
  private constructor(
    /** The root as a realpath, so confinement compares like with like. */
    readonly root: string,
    private readonly moveToTrash: MoveToTrash,
  ) {}

  static async open(folder: string, moveToTrash: MoveToTrash): Promise<Workspace> {
    if (!path.isAbsolute(folder)) fail('bad-argument', `"${folder}" is not an absolute path to a folder.`, 'path');
    const info = await stat(folder).catch((error: unknown) => {
      throw fromFsError(error, 'open the folder', folder);
    });
    if (!info.isDirectory()) fail('not-a-directory', `${folder} is a file, not a folder. Open the folder that contains it.`, 'path');
    return new Workspace(await realpath(folder), moveToTrash);
  }

  get name(): string {
    return path.basename(this.root) || this.root;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const absolute = await this.resolve(dir, true, 'dir');
    const prefix = toWorkspaceRelative(parseWorkspacePath(dir, 'dir'));
    const names = await readdir(absolute).catch((error: unknown) => {
      throw fromFsError(error, 'list', displayName(dir));
    });
    const entries = await Promise.all(
      names
        .filter((name) => !HIDDEN_IN_TREE.has(name) && !isLabdeskTempName(name))
        .map((name) => this.describe(absolute, prefix, name)),
    );
    return entries
      .filter((entry): entry is DirEntry => entry !== null)
      .sort((a, b) => sortRank(a) - sortRank(b) || NAME_ORDER.compare(a.name, b.name));
  }

  async read(relative: string): Promise<FileContent> {
    const absolute = await this.resolve(relative, true);
    const canonical = toWorkspaceRelative(parseWorkspacePath(relative));
    try {
      const info = await stat(absolute);
      if (info.isDirectory()) fail('is-a-directory', `${canonical} is a folder, not a file.`, 'path');
      const base = { path: canonical, size: info.size, mtimeMs: info.mtimeMs };
      if (info.size > NOT_OPENED_ABOVE_BYTES) return { kind: 'too-large', ...base };
      const handle = await open(absolute, 'r');
      let bytes: Buffer;
      try {
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
      if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) return { kind: 'binary', ...base, size: bytes.length };
      const decoded = decodeText(bytes);
      if (bytes.length > READ_ONLY_ABOVE_BYTES) {
        return { kind: 'text', ...base, text: decoded.text, readOnly: true, notice: `${canonical} is ${formatMegabytes(bytes.length)}, over the ${formatMegabytes(READ_ONLY_ABOVE_BYTES)} editing limit, so it opened read-only.` };
      }
      if (!decoded.exact) {
        // Saving text that was decoded with replacement characters would destroy the original bytes.
        return { kind: 'text', ...base, text: decoded.text, readOnly: true, notice: `${canonical} is not valid UTF-8 text, so it opened read-only: saving it from here would change bytes Labdesk cannot show.` };
      }
      return { kind: 'text', ...base, text: decoded.text, readOnly: false };
    } catch (error) {
      throw fromFsError(error, 'open', canonical);
    }
  }

  async write(relative: string, text: string, expectedMtimeMs?: number): Promise<WriteResult> {
    const absolute = await this.resolve(relative, true);
    const canonical = toWorkspaceRelative(parseWorkspacePath(relative));
    try {
      const current = await stat(absolute).catch(() => null);
      if (current?.isDirectory()) fail('is-a-directory', `${canonical} is a folder, not a file.`, 'path');
      if (expectedMtimeMs !== undefined) {
        if (current === null) {
          fail('changed-on-disk', `${canonical} was deleted on disk since you opened it. Saving again will recreate it.`);
        }
        if (current.mtimeMs !== expectedMtimeMs) {
          fail('changed-on-disk', `${canonical} changed on disk since you opened it. Compare the two versions before saving, so neither is lost.`);
        }
      }
      await atomicWriteFile(absolute, text);
      const written = await stat(absolute);
      return { path: canonical, size: written.size, mtimeMs: written.mtimeMs };
    } catch (error) {
      throw fromFsError(error, 'save', canonical);
    }
  }

  async createFile(relative: string): Promise<DirEntry> {
    const absolute = await this.resolve(relative, false);
    const canonical = toWorkspaceRelative(parseWorkspacePath(relative));
    await writeFile(absolute, '', { flag: 'wx' }).catch((error: unknown) => {
      throw fromFsError(error, 'create', canonical);
    });
    return this.entryAt(canonical);
  }

  async createFolder(relative: string): Promise<DirEntry> {
    const absolute = await this.resolve(relative, false);
    const canonical = toWorkspaceRelative(parseWorkspacePath(relative));
    await mkdir(absolute).catch((error: unknown) => {
      throw fromFsError(error, 'create the folder', canonical);
    });
    return this.entryAt(canonical);
  }

  async rename(from: string, to: string): Promise<DirEntry> {
    const source = await this.resolve(from, false, 'from');
    const target = await this.resolve(to, false, 'to');
    const fromCanonical = toWorkspaceRelative(parseWorkspacePath(from, 'from'));
    const toCanonical = toWorkspaceRelative(parseWorkspacePath(to, 'to'));
    if (fromCanonical === '') fail('bad-argument', 'The workspace folder itself cannot be renamed from here.', 'from');
    const sourceInfo = await lstat(source).catch((error: unknown) => {
      throw fromFsError(error, 'rename', fromCanonical);
    });
    // Never replace an existing file by renaming onto it; only a case change of the same entry.
    // "Same entry" is checked by inode too: on a case-sensitive disk `notes.txt` and `NOTES.txt`
    // are two files, and renaming one onto the other would destroy the second.
    const existing = await lstat(target).catch(() => null);
    const sameEntry =
      existing !== null &&
      fromCanonical.toLowerCase() === toCanonical.toLowerCase() &&
      existing.dev === sourceInfo.dev &&
      existing.ino === sourceInfo.ino;
    if (existing && !sameEntry) fail('already-exists', `${toCanonical} already exists. Choose another name.`, 'to');
    await rename(source, target).catch((error: unknown) => {
      throw fromFsError(error, 'rename', fromCanonical);
    });
    return this.entryAt(toCanonical);
  }

  async delete(relative: string): Promise<{ path: string }> {
    const absolute = await this.resolve(relative, false);
    const canonical = toWorkspaceRelative(parseWorkspacePath(relative));
    if (canonical === '') fail('bad-argument', 'The workspace folder itself cannot be deleted from here.', 'path');
    await lstat(absolute).catch((error: unknown) => {
      throw fromFsError(error, 'delete', canonical);
    });
    await this.moveToTrash(absolute).catch((error: unknown) => {
      throw fromFsError(error, 'move to the trash', canonical);
    });
    return { path: canonical };
  }

  private resolve(relative: string, followFinal: boolean, argument = 'path'): Promise<string> {
    return resolveInWorkspace(this.root, relative, { followFinal, argument });
  }

  private async entryAt(canonical: string): Promise<DirEntry> {
    const slash = canonical.lastIndexOf('/');
    const parent = slash < 0 ? '' : canonical.slice(0, slash);
    const entry = await this.describe(path.join(this.root, ...parent.split('/')), parent, canonical.slice(slash + 1));
    if (!entry) fail('not-found', `${canonical} vanished right after it was written.`);
    return entry;
  }

  private async describe(absoluteDir: string, prefix: string, name: string): Promise<DirEntry | null> {
    const absolute = path.join(absoluteDir, name);
    const info = await lstat(absolute).catch(() => null);
    if (!info) return null; // removed between readdir and lstat
    const relative = prefix === '' ? name : `${prefix}/${name}`;
    const kind: EntryKind = info.isSymbolicLink() ? 'symlink' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
    const base = { path: relative, name, kind, size: info.size, mtimeMs: info.mtimeMs };
    if (kind !== 'symlink') return base;
    return { ...base, linkTarget: await readlink(absolute).catch(() => '?') };
  }
}

/** One collator for every sort: `localeCompare` with options builds a new one per comparison. */
const NAME_ORDER = new Intl.Collator(undefined, { numeric: true });

function sortRank(entry: DirEntry): number {
  return entry.kind === 'dir' ? 0 : 1;
}

function displayName(relative: string): string {
  return relative === '' ? 'the workspace folder' : relative;
}

/** UTF-8 decoding that says whether it was lossless (a UTF-8 BOM is kept, so it round-trips). */
function decodeText(bytes: Uint8Array): { text: string; exact: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), exact: true };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), exact: false };
  }
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
