import type { CompareRow, CopyAcrossItem, CopyDirection } from '../../../preload/api';

/** What a copy of `row` one way takes: the row, and for a folder every differing path under it. */
export interface CopyPlan {
  readonly items: readonly CopyAcrossItem[];
  /** Of those, files that exist on the destination and would be replaced. */
  readonly replacing: number;
}

const copyable = (entry: CompareRow['left']) => entry?.kind === 'file' || entry?.kind === 'dir';

/**
 * The paths a copy of `row` in `direction` sends, or null when there is nothing it could copy
 * (the source side is missing or a link, or the folder and everything in it are the same).
 * Pure, so the buttons a row offers are what the copy does.
 */
export function planCopy(rows: readonly CompareRow[], row: CompareRow, direction: CopyDirection): CopyPlan | null {
  const sourceOf = (candidate: CompareRow) => (direction === 'left-to-right' ? candidate.left : candidate.right);
  const targetOf = (candidate: CompareRow) => (direction === 'left-to-right' ? candidate.right : candidate.left);
  if (!copyable(sourceOf(row))) return null;
  const under = sourceOf(row)?.kind === 'dir' ? rows.filter((candidate) => candidate.path.startsWith(`${row.path}/`) && candidate.state !== 'same' && copyable(sourceOf(candidate))) : [];
  if (row.state === 'same' && under.length === 0) return null;
  const chosen = row.state === 'same' ? under : [row, ...under];
  const items = chosen.map((candidate) => ({ path: candidate.path, ...(candidate.left && { left: candidate.left }), ...(candidate.right && { right: candidate.right }) }));
  const replacing = chosen.filter((candidate) => sourceOf(candidate)?.kind === 'file' && targetOf(candidate) !== undefined).length;
  return { items, replacing };
}
