import type { CompareEntry, CompareRow } from '../../preload/api';

/**
 * Two folder listings side by side (meld's folder compare), pure: each path once, in path order,
 * with its state. The quick pass decides on kind, size and modification time; what it cannot
 * decide (same size, different times) is listed in `needHash` for a content check, so a large
 * tree is compared by reading only the files that may differ.
 */

export interface ListingCompare {
  readonly rows: CompareRow[];
  /** Files of the same size whose times differ: same or modified is decided by their hashes. */
  readonly needHash: string[];
}

/** Times closer than this are the same: a server reports whole seconds. */
export const MTIME_TOLERANCE_MS = 1000;

export function compareListings(left: readonly CompareEntry[], right: readonly CompareEntry[], toleranceMs = MTIME_TOLERANCE_MS): ListingCompare {
  const byPath = new Map<string, { left?: CompareEntry; right?: CompareEntry }>();
  for (const entry of left) byPath.set(entry.path, { left: entry });
  for (const entry of right) byPath.set(entry.path, { ...byPath.get(entry.path), right: entry });
  const rows: CompareRow[] = [];
  const needHash: string[] = [];
  for (const path of [...byPath.keys()].sort()) {
    const pair = byPath.get(path) as { left?: CompareEntry; right?: CompareEntry };
    const { left: l, right: r } = pair;
    if (!r) rows.push({ path, state: 'new', left: l as CompareEntry });
    else if (!l) rows.push({ path, state: 'missing', right: r });
    else if (l.kind !== r.kind) rows.push({ path, state: 'type-changed', left: l, right: r });
    else if (l.kind === 'dir') rows.push({ path, state: 'same', left: l, right: r });
    else if (l.kind === 'symlink') rows.push({ path, state: l.linkTarget === r.linkTarget ? 'same' : 'modified', left: l, right: r });
    else if (l.size !== r.size) rows.push({ path, state: 'modified', left: l, right: r });
    else if (Math.abs(l.mtimeMs - r.mtimeMs) < toleranceMs) rows.push({ path, state: 'same', left: l, right: r });
    else {
      rows.push({ path, state: 'modified', left: l, right: r, pending: true });
      needHash.push(path);
    }
  }
  return { rows, needHash };
}

/** Settles the rows the quick pass left open: the same hash on both sides is the same file. */
export function settleWithHashes(rows: readonly CompareRow[], leftHashes: ReadonlyMap<string, string>, rightHashes: ReadonlyMap<string, string>): CompareRow[] {
  return rows.map((row) => {
    if (!row.pending) return row;
    const { pending: _pending, ...rest } = row;
    const a = leftHashes.get(row.path);
    const same = a !== undefined && a === rightHashes.get(row.path);
    return { ...rest, state: same ? 'same' : 'modified', byContent: true };
  });
}
