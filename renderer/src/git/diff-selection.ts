import type { LineSelection } from '../../../preload/api';

/** One change as Monaco's diff editor reports it (an end of 0: that side has no lines). */
export interface LineChange {
  readonly originalStartLineNumber: number;
  readonly originalEndLineNumber: number;
  readonly modifiedStartLineNumber: number;
  readonly modifiedEndLineNumber: number;
}

type Range = readonly [number, number];

/** The whole change, both sides: "stage this hunk". */
export function changeSelection(change: LineChange): LineSelection {
  return {
    oldLines: change.originalEndLineNumber > 0 ? [[change.originalStartLineNumber, change.originalEndLineNumber]] : [],
    newLines: change.modifiedEndLineNumber > 0 ? [[change.modifiedStartLineNumber, change.modifiedEndLineNumber]] : [],
  };
}

/** The change the cursor is in (or next to, for a deletion), on the working side. */
export function changeAt(changes: readonly LineChange[], line: number): LineChange | undefined {
  return changes.find((change) =>
    change.modifiedEndLineNumber > 0 ? line >= change.modifiedStartLineNumber && line <= change.modifiedEndLineNumber : line === change.modifiedStartLineNumber || line === change.modifiedStartLineNumber + 1,
  );
}

/**
 * The lines to stage for what the person selected: added lines inside the selection on the new
 * side, removed lines inside the selection on the old side, and a change's removed lines whenever
 * the selection covers all of that change's added lines (selecting the new version of a line
 * means "take this instead of the old one", not "have both").
 */
export function selectedLines(changes: readonly LineChange[], onNew: readonly Range[], onOld: readonly Range[]): LineSelection {
  const oldLines: Range[] = [];
  const newLines: Range[] = [];
  for (const change of changes) {
    const newRange: Range | null = change.modifiedEndLineNumber > 0 ? [change.modifiedStartLineNumber, change.modifiedEndLineNumber] : null;
    const oldRange: Range | null = change.originalEndLineNumber > 0 ? [change.originalStartLineNumber, change.originalEndLineNumber] : null;
    const newPicked = newRange ? intersect(newRange, onNew) : [];
    newLines.push(...newPicked);
    if (!oldRange) continue;
    const wholeNewSide = newRange ? covered(newRange, newPicked) : onNew.some(([from, to]) => from <= change.modifiedStartLineNumber + 1 && to >= change.modifiedStartLineNumber);
    if (wholeNewSide) oldLines.push(oldRange);
    else oldLines.push(...intersect(oldRange, onOld));
  }
  return { oldLines, newLines };
}

function intersect(range: Range, selected: readonly Range[]): Range[] {
  return selected.flatMap(([from, to]) => {
    const start = Math.max(from, range[0]);
    const end = Math.min(to, range[1]);
    return start <= end ? [[start, end] as Range] : [];
  });
}

function covered(range: Range, parts: readonly Range[]): boolean {
  let line = range[0];
  for (const [from, to] of [...parts].sort((a, b) => a[0] - b[0])) if (from <= line) line = Math.max(line, to + 1);
  return line > range[1];
}
