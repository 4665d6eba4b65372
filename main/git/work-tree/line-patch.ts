import type { LineSelection } from '../../../preload/api';

/**
 * A patch of only the chosen lines of one file's diff, for `git apply --cached` (stage) or
 * `git apply --cached --reverse` (unstage). Pure, and table-tested.
 *
 * Staging applies the patch to the index, which holds the diff's old side, so the old side must
 * stay exactly as it is: an added line that is not chosen is left out, a removed line that is not
 * chosen stays as context. Unstaging applies it in reverse to the index, which holds the new
 * side, so it is the other way round: an unchosen added line stays as context, an unchosen
 * removed line is left out. Hunk counts are recomputed; the side that did not change keeps its
 * numbers and the other side's start is shifted by what the earlier hunks now add or remove.
 */

interface Hunk {
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  readonly lines: readonly string[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function selectLines(diff: string, selection: LineSelection, direction: 'stage' | 'unstage'): string | null {
  const { header, hunks } = parseDiff(diff);
  if (hunks.length === 0) return null;
  const chosen = (n: number, ranges: LineSelection['oldLines']) => ranges.some(([from, to]) => n >= from && n <= to);
  const out: string[] = [];
  let delta = 0;
  let everyChangeChosen = true;
  for (const hunk of hunks) {
    const lines: string[] = [];
    let oldNo = hunk.oldStart;
    let newNo = hunk.newStart;
    let changes = 0;
    let droppedLast = false;
    for (const line of hunk.lines) {
      const sign = line[0];
      const text = line.slice(1);
      if (sign !== '\\') droppedLast = false;
      if (sign === '-') {
        const take = chosen(oldNo++, selection.oldLines);
        if (!take) everyChangeChosen = false;
        if (take) {
          lines.push(line);
          changes++;
        } else if (direction === 'stage') lines.push(` ${text}`);
        else droppedLast = true;
      } else if (sign === '+') {
        const take = chosen(newNo++, selection.newLines);
        if (!take) everyChangeChosen = false;
        if (take) {
          lines.push(line);
          changes++;
        } else if (direction === 'unstage') lines.push(` ${text}`);
        else droppedLast = true;
      } else if (sign === '\\') {
        // "\ No newline at end of file" belongs to the line before it.
        if (!droppedLast && lines.length > 0) lines.push(line);
      } else {
        lines.push(line);
        oldNo++;
        newNo++;
      }
    }
    if (changes === 0) continue;
    const oldCount = lines.filter((line) => line[0] === ' ' || line[0] === '-').length;
    const newCount = lines.filter((line) => line[0] === ' ' || line[0] === '+').length;
    let oldStart = hunk.oldStart;
    let newStart = hunk.newStart;
    if (direction === 'stage') newStart = shiftedStart(hunk.oldStart, hunk.oldCount, delta, newCount);
    else oldStart = shiftedStart(hunk.newStart, hunk.newCount, -delta, oldCount);
    delta += newCount - oldCount;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...lines);
  }
  if (out.length === 0) return null;
  return [...(everyChangeChosen ? header : asPlainChange(header)), ...out].join('\n') + '\n';
}

/**
 * The start of the other side of a hunk: a hunk's start names its first line, or with a count of 0
 * the line before the change, so the shift goes through the first line's position.
 */
function shiftedStart(start: number, count: number, delta: number, otherCount: number): number {
  const firstLine = (count === 0 ? start + 1 : start) + delta;
  return otherCount === 0 ? firstLine - 1 : firstLine;
}

/** A file that is created or deleted by the whole diff is only changed by part of it. */
function asPlainChange(header: readonly string[]): string[] {
  const oldName = header.find((line) => line.startsWith('--- a/'))?.slice(6);
  const newName = header.find((line) => line.startsWith('+++ b/'))?.slice(6);
  return header
    .filter((line) => !/^(new|deleted) file mode /.test(line) && !line.startsWith('index '))
    .map((line) => {
      if (line === '--- /dev/null' && newName !== undefined) return `--- a/${newName}`;
      if (line === '+++ /dev/null' && oldName !== undefined) return `+++ b/${oldName}`;
      return line;
    });
}

function parseDiff(diff: string): { header: string[]; hunks: Hunk[] } {
  const header: string[] = [];
  const hunks: Hunk[] = [];
  let current: { oldStart: number; oldCount: number; newStart: number; newCount: number; lines: string[] } | null = null;
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const match = HUNK_HEADER.exec(line);
    if (match) {
      current = {
        oldStart: Number(match[1]),
        oldCount: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newCount: match[4] === undefined ? 1 : Number(match[4]),
        lines: [],
      };
      hunks.push(current);
    } else if (current) current.lines.push(line);
    else header.push(line);
  }
  return { header, hunks };
}
