import { type GraphRow, NODE } from './graph-layout';

/**
 * A graph row as text, the way `git log --graph --oneline` draws it (a column every two
 * characters, diagonals in the gaps): an optional line above the commit where lanes from other
 * columns end in it, the commit's own line (`*`), and an optional line below where its parents
 * go to other columns or a lane moves into its column.
 */
export function graphLines(row: GraphRow): { above: string | null; node: string; below: string | null } {
  const width = Math.max(row.lane + 1, ...row.edges.flatMap((edge) => [edge.from + 1, edge.to + 1]));
  const blank = () => new Array<string>(2 * width).fill(' ');
  const lanesAbove = blank();
  const lanesBelow = blank();
  for (const edge of row.edges) {
    if (edge.from === NODE || edge.to === NODE) continue;
    lanesAbove[2 * edge.from] = '|';
    if (edge.from === edge.to) lanesBelow[2 * edge.to] = '|';
  }

  const above = [...lanesAbove];
  let joinsAbove = false;
  const node = [...lanesAbove];
  node[2 * row.lane] = '*';
  const below = [...lanesBelow];
  let splitsBelow = false;
  for (const edge of row.edges) {
    if (edge.to === NODE && edge.from !== NODE) {
      if (edge.from === row.lane) continue;
      above[edge.from < row.lane ? 2 * edge.from + 1 : 2 * edge.from - 1] = edge.from < row.lane ? '\\' : '/';
      above[2 * row.lane] = '|';
      joinsAbove = true;
    } else if (edge.from === NODE) {
      if (edge.to === row.lane) {
        below[2 * row.lane] = '|';
        continue;
      }
      if (edge.to > row.lane) below[2 * edge.to - 1] = '\\';
      else {
        // Back to a lane on the left: the diagonal leaves next to the dot and runs along the bottom.
        below[2 * row.lane - 1] = '/';
        for (let at = 2 * edge.to + 1; at < 2 * row.lane - 1; at++) if (below[at] === ' ') below[at] = '_';
      }
      splitsBelow = true;
    } else if (edge.from !== edge.to) {
      below[2 * edge.from - 1] = '/'; // a lane moving into the commit's column
      below[2 * edge.to] = '|';
      splitsBelow = true;
    }
  }
  const text = (cells: string[]) => cells.join('').trimEnd();
  return { above: joinsAbove ? text(above) : null, node: text(node), below: splitsBelow ? text(below) : null };
}
