import type { RemoteEntry } from '../../../preload/api';
import { formatBytes } from '../app/format';
import { collapseRemotePath, remoteParent, remoteRelative } from '../../../preload/remote-path';
import { baseName } from '../files/tree-rows';

export interface RemoteRow {
  readonly entry: RemoteEntry;
  readonly depth: number;
  /** The folder this row was listed in (for ArrowLeft and "new folder here"); the root for top rows. */
  readonly parent: string;
  /** Position among siblings (1-based) and sibling count, for aria-posinset / aria-setsize. */
  readonly position: number;
  readonly siblings: number;
}

export interface RemoteTreeSource {
  readonly root: string;
  /** Loaded listings by the absolute path they were asked for (a link's own path for a link). */
  readonly listings: Readonly<Record<string, readonly RemoteEntry[] | undefined>>;
  readonly expanded: Readonly<Record<string, boolean | undefined>>;
}

/** Folders, and links that point at folders (`data → /mnt/data`), open like folders. */
export function isExpandable(entry: RemoteEntry): boolean {
  return entry.kind === 'dir' || (entry.kind === 'symlink' && entry.linkKind === 'dir');
}

/** What Open does with a row: text files and links to files open in the editor. */
export function isOpenable(entry: RemoteEntry): boolean {
  return entry.kind === 'file' || (entry.kind === 'symlink' && entry.linkKind === 'file');
}

/**
 * Flattens the expanded part of the server tree into rows, depth-first, like the Files tree.
 * Unlike the project tree, links to folders expand (that is how `data/` on a data disk is
 * browsed). Every level opens only when the person opens it, so a link that points back up
 * (`loop → ..`) never unrolls by itself.
 */
export function visibleRemoteRows(source: RemoteTreeSource): RemoteRow[] {
  const rows: RemoteRow[] = [];
  const walk = (dir: string, depth: number) => {
    const entries = source.listings[dir];
    if (!entries) return;
    entries.forEach((entry, index) => {
      rows.push({ entry, depth, parent: dir, position: index + 1, siblings: entries.length });
      if (isExpandable(entry) && source.expanded[entry.path] && entry.path !== dir) walk(entry.path, depth + 1);
    });
  };
  walk(source.root, 0);
  return rows;
}

/** Joins a server folder and a name (or a path typed by the user, absolute or relative) into an absolute path. */
export function joinRemote(dir: string, name: string): string {
  return collapseRemotePath(name.startsWith('/') ? name : `${dir}/${name}`);
}

export const normalizeRemote = collapseRemotePath;
export { remoteParent };

export const remoteName = (path: string): string => baseName(path) || '/';

/**
 * The project folder (workspace-relative) that mirrors a server path, or null when the path is
 * not inside the target's remote root. `/srv/proj/logs/a.txt` in root `/srv/proj` → `logs/a.txt`.
 */
export const mirroredPath = remoteRelative;

/** A modification time the way a file list shows it: time today, date otherwise. */
export function formatMtime(mtimeMs: number, now = new Date()): string {
  const date = new Date(mtimeMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  const sameDay = date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  if (sameDay) return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "4.2 KiB · 2024-05-01": the size of files (not folders) and the modification time. */
export function describeEntry(entry: RemoteEntry): string {
  const size = entry.kind === 'file' ? formatBytes(entry.size) : null;
  const mtime = entry.mtimeMs > 0 ? formatMtime(entry.mtimeMs) : null;
  return [size, mtime].filter((part) => part !== null).join(' · ');
}

/** The tree item's accessible name: the name, and for a link what it points at. */
export function entryLabel(entry: RemoteEntry): string {
  if (entry.kind !== 'symlink') return entry.name;
  const target = entry.linkTarget ?? 'unknown';
  return entry.linkKind === null ? `${entry.name}, broken symbolic link to ${target}` : `${entry.name}, symbolic link to ${target}`;
}
