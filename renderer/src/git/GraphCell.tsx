import type { ReactElement } from 'react';
import type { GraphRowData } from '../../../preload/api';

export const LANE_WIDTH = 14;
export const ROW_HEIGHT = 26;
/**
 * Lanes past this many columns are folded into the last one (drawn dashed): a history with 190
 * lanes open at once (git/git) stays readable, and the subject stays on screen.
 */
export const MAX_LANES = 16;
const NODE = -1;
const PALETTE = 8;

const fold = (column: number) => Math.min(column, MAX_LANES - 1);
const x = (column: number) => fold(column) * LANE_WIDTH + LANE_WIDTH / 2;

/** How wide the graph column is for a history this wide. */
export function graphWidth(lanes: number): number {
  return Math.max(1, Math.min(lanes, MAX_LANES)) * LANE_WIDTH;
}

/**
 * One row of the graph, drawn from its own edges only (so a virtualized list draws just the rows
 * in view): lines from the row's top to its bottom, into and out of the commit's dot.
 */
export function GraphCell({ row, width }: { row: GraphRowData; width: number }) {
  const mid = ROW_HEIGHT / 2;
  const paths: ReactElement[] = [];
  const { edges } = row;
  for (let at = 0; at < edges.length; at += 3) {
    const from = edges[at] as number;
    const to = edges[at + 1] as number;
    const color = (edges[at + 2] as number) % PALETTE;
    const folded = (from !== NODE && from >= MAX_LANES) || (to !== NODE && to >= MAX_LANES);
    let d: string;
    if (from === NODE) d = curve(x(row.lane), mid, x(to), ROW_HEIGHT);
    else if (to === NODE) d = curve(x(from), 0, x(row.lane), mid);
    else d = curve(x(from), 0, x(to), ROW_HEIGHT);
    paths.push(<path key={at} d={d} className={`lane lane-${color}${folded ? ' folded' : ''}`} />);
  }
  const cx = x(row.lane);
  const color = row.color % PALETTE;
  return (
    <svg className="graph-cell" width={width} height={ROW_HEIGHT} aria-hidden="true">
      {paths}
      {row.kind === 'stash' ? (
        <rect x={cx - 4} y={mid - 4} width={8} height={8} className={`node stash lane-${color}`} />
      ) : (
        <circle cx={cx} cy={mid} r={row.parents.length > 1 ? 3 : 4} className={`node lane-${color}`} />
      )}
    </svg>
  );
}

/** A straight line, or an S-curve when it changes column. */
function curve(x1: number, y1: number, x2: number, y2: number): string {
  if (x1 === x2) return `M${x1} ${y1}V${y2}`;
  const bend = (y2 - y1) / 2;
  return `M${x1} ${y1}C${x1} ${y1 + bend} ${x2} ${y2 - bend} ${x2} ${y2}`;
}
