import type { DirEntry } from '../../../preload/api';

export interface TreeRow {
  readonly entry: DirEntry;
  readonly depth: number;
  /** Position among siblings (1-based) and sibling count, for aria-posinset / aria-setsize. */
  readonly position: number;
  readonly siblings: number;
}

export interface TreeSource {
  /** Loaded folder listings by workspace-relative path ('' is the root). */
  readonly listings: Readonly<Record<string, readonly DirEntry[] | undefined>>;
  readonly expanded: Readonly<Record<string, boolean | undefined>>;
}

/**
 * Flattens the expanded part of the tree into rows, depth-first, so a virtual list can render
 * only what is on screen. Symlinked folders are never expanded (they are links, not folders).
 */
export function visibleRows(source: TreeSource): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (dir: string, depth: number) => {
    const entries = source.listings[dir];
    if (!entries) return;
    entries.forEach((entry, index) => {
      rows.push({ entry, depth, position: index + 1, siblings: entries.length });
      if (entry.kind === 'dir' && source.expanded[entry.path]) walk(entry.path, depth + 1);
    });
  };
  walk('', 0);
  return rows;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
