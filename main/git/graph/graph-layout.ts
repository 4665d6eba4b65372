import { OidIds } from './oid-ids';

/**
 * The commit graph's lanes, laid out row by row as commits arrive (children before parents).
 *
 * Each row depends only on the rows above it, so the rows laid out from the first batch of a
 * streamed history are final: the first screen never reshuffles when the rest arrives. A lane
 * waits for one commit (a parent of something above); a commit takes the lane that waits for it
 * (lanes keep their column while they run, and a freed column is reused, so lines stay
 * straight), its first parent continues in that lane with the same colour, and a merge's other
 * parents join the lane already waiting for them or open a new one with a new colour. When two
 * lanes come to wait for the same commit, the one on the right moves into the one on the left
 * (the fork is drawn there), so the older line keeps its column and histories with many short
 * branches stay narrow.
 *
 * A row's edges are its own (lanes ending in its dot, the lane that moves left, lines leaving the
 * dot), stored as (from, to, colour) triples in one typed array, plus the lanes that pass straight
 * through it. Those are not stored per row (a history 190 lanes wide would need tens of millions
 * of them): each lane is one interval of rows, and every 64 rows a checkpoint lists the lanes
 * open there, so a row finds its pass-throughs from the checkpoint above it. A virtualized list
 * draws only the rows in view, each from `row(index)`, and 100k rows cost a few megabytes.
 */

/** The commit's own dot, as an end of an edge. */
export const NODE = -1;

export interface LaidCommit {
  readonly oid: string;
  readonly parents: readonly string[];
  /** Ids in the table the layout was given, when the reader named them already (OidIds). */
  readonly id?: number;
  readonly parentIds?: readonly number[];
}

export interface GraphEdge {
  /** Column at the row's top, or NODE (the edge starts at the commit). */
  readonly from: number;
  /** Column at the row's bottom, or NODE (the edge ends at the commit). */
  readonly to: number;
  readonly color: number;
}

export interface GraphRow {
  readonly lane: number;
  readonly color: number;
  readonly edges: readonly GraphEdge[];
}

/** Rows between checkpoints of the open lanes. */
const CHECKPOINT = 64;
const OPEN = 0x7fffffff;
/** A column waiting for nothing. */
const FREE = -1;

export class GraphLayout {
  private readonly oids: string[] = [];
  /**
   * Each commit named so far (laid out, or waited for as a parent) gets a small id, so what is
   * kept per commit lives in typed arrays: one map look-up per name instead of several maps.
   */
  /** Per id: its row, or -1 while it is only waited for. */
  private rowOfId = new Int32Array(1024).fill(-1);
  /** Per id: the leftmost column waiting for it, or -1. */
  private firstWaitingColumn = new Int32Array(1024).fill(-1);
  /** Per id with more than one column waiting for it (rare: two lines meeting): the others, in column order. */
  private readonly otherWaitingColumns = new Map<number, number[]>();
  private laneOf = new Int32Array(1024);
  private colorOf = new Int32Array(1024);
  /** Row r's own edges are triples [edgeStart[r], edgeStart[r + 1]); the first `endsOf[r]` of them end in its dot. */
  private edgeStart = new Uint32Array(1025);
  private endsOf = new Uint16Array(1024);
  /** The lane that moves left in row r (a lane id), or -1. */
  private moverOf = new Int32Array(1024);
  private edges = new Int32Array(8192);
  private edgeCount = 0;
  /** Lane intervals, by id in the order they open: open after row `laneFrom`, closed at row `laneTo`. */
  private laneFrom = new Int32Array(1024);
  private laneTo = new Int32Array(1024);
  private laneColumn = new Int32Array(1024);
  private laneColorOf = new Int32Array(1024);
  private lanes = 0;
  /** The first lane id opened at or after row r (so lanes opened in a range of rows are a range of ids). */
  private firstLaneAt = new Int32Array(1025);
  /** Checkpoint k lists the lanes open at the top of row k * CHECKPOINT: ids [checkpointStart[k], checkpointStart[k + 1]). */
  private checkpointStart: number[] = [0];
  private checkpointLanes = new Int32Array(1024);
  private checkpointCount = 0;
  /** The commit (id) each column waits for (FREE: none), and that column's lane id. */
  private readonly waiting: number[] = [];
  private readonly waitingLane: number[] = [];
  private readonly laneColor: number[] = [];
  private nextColor = 0;
  /** The widest the graph has been (columns). */
  width = 0;

  /** `ids`: the table the commits' ids come from (shared with the reader and SettledOrder), if they carry them. */
  constructor(private readonly ids = new OidIds()) {}

  get rows(): number {
    return this.oids.length;
  }

  /** Lays out the next commits (in order: children before parents). A commit seen before is ignored. */
  add(commits: Iterable<LaidCommit>): void {
    for (const commit of commits) this.addOne(commit);
  }

  /** The commit's column in row `index` (what `labdesk graph --json` prints). */
  laneAt(index: number): number {
    return this.laneOf[index] as number;
  }

  row(index: number): GraphRow {
    const edges: GraphEdge[] = [];
    const start = this.edgeStart[index] as number;
    const end = this.edgeStart[index + 1] as number;
    const endsTo = start + 3 * (this.endsOf[index] as number);
    const triple = (at: number) => edges.push({ from: this.edges[at] as number, to: this.edges[at + 1] as number, color: this.edges[at + 2] as number });
    for (let at = start; at < endsTo; at += 3) triple(at);
    // Lanes passing through, and the one moving left, in column order.
    const through: number[] = [];
    const checkpoint = Math.floor(index / CHECKPOINT);
    for (let at = this.checkpointStart[checkpoint] as number; at < (this.checkpointStart[checkpoint + 1] ?? this.checkpointCount); at++) {
      const lane = this.checkpointLanes[at] as number;
      if ((this.laneFrom[lane] as number) < index && (this.laneTo[lane] as number) > index) through.push(lane);
    }
    for (let lane = this.firstLaneAt[checkpoint * CHECKPOINT] as number; lane < (this.firstLaneAt[index] as number); lane++) {
      if ((this.laneTo[lane] as number) > index) through.push(lane);
    }
    const mover = this.moverOf[index] as number;
    if (mover !== -1) through.push(mover);
    through.sort((a, b) => (this.laneColumn[a] as number) - (this.laneColumn[b] as number));
    for (const lane of through) {
      const column = this.laneColumn[lane] as number;
      edges.push({ from: column, to: lane === mover ? (this.laneOf[index] as number) : column, color: this.laneColorOf[lane] as number });
    }
    for (let at = endsTo; at < end; at += 3) triple(at);
    return { lane: this.laneOf[index] as number, color: this.colorOf[index] as number, edges };
  }

  oidAt(index: number): string | undefined {
    return this.oids[index];
  }

  indexOf(oid: string): number | undefined {
    const id = this.ids.get(oid);
    const row = id === undefined || id >= this.rowOfId.length ? -1 : (this.rowOfId[id] as number);
    return row === -1 ? undefined : row;
  }

  /** The id's slots exist (ids may come from the reader, given out in any order). */
  private room(id: number): number {
    if (id >= this.rowOfId.length) {
      const size = Math.max(id + 1, this.rowOfId.length * 2);
      this.rowOfId = grow(this.rowOfId, size, -1);
      this.firstWaitingColumn = grow(this.firstWaitingColumn, size, -1);
    }
    return id;
  }

  /** The columns waiting for `id`, in column order (a fresh array). */
  private columnsWaitingFor(id: number): number[] {
    const first = this.firstWaitingColumn[id] as number;
    if (first === -1) return [];
    const others = this.otherWaitingColumns.get(id);
    return others ? [first, ...others] : [first];
  }

  private addOne(commit: LaidCommit): void {
    const { waiting, laneColor } = this;
    const id = this.room(commit.id ?? this.ids.idOf(commit.oid));
    if (this.rowOfId[id] !== -1) return; // laid out already
    const row = this.oids.length;
    this.reserve(row + 1);
    this.oids.push(commit.oid);
    this.rowOfId[id] = row;
    this.firstLaneAt[row] = this.lanes;
    if (row % CHECKPOINT === 0) this.checkpoint(row / CHECKPOINT);

    // The lanes that wait for this commit end in its dot; the first of them is its lane.
    let lane = -1;
    let ends = 0;
    if (this.firstWaitingColumn[id] !== -1) {
      const columns = this.columnsWaitingFor(id);
      this.firstWaitingColumn[id] = -1;
      this.otherWaitingColumns.delete(id);
      lane = columns[0] as number;
      for (const column of columns) {
        this.edge(column, NODE, laneColor[column] as number);
        this.closeLane(column, row);
        ends++;
      }
    }
    this.endsOf[row] = ends;
    // A branch tip: the first free column, with a new colour.
    if (lane === -1) {
      lane = this.freeColumn();
      laneColor[lane] = this.nextColor++;
    }
    const color = laneColor[lane] as number;

    // The first parent continues in this lane, unless a lane to the left already waits for it
    // (a branch rejoining its base: the fork is drawn there). A lane to the right waiting for
    // it moves into this one, so the older line keeps the leftmost column.
    const { parents, parentIds } = commit;
    const parentId = (at: number) => this.room(parentIds?.[at] ?? this.ids.idOf(parents[at] as string));
    const first = parents.length > 0 ? parentId(0) : -1;
    let firstColumn = lane;
    this.moverOf[row] = -1;
    if (first !== -1) {
      const waitingAt = this.firstWaitingColumn[first] as number;
      if (waitingAt !== -1 && waitingAt < lane) firstColumn = waitingAt;
      else if (waitingAt > lane) {
        this.moverOf[row] = this.waitingLane[waitingAt] as number;
        this.closeLane(waitingAt, row);
      }
    }
    if (first !== -1) {
      if (firstColumn === lane) this.openLane(lane, first, color, row);
      this.edge(NODE, firstColumn, color);
    }
    for (let at = 1; at < parents.length; at++) {
      const parent = parentId(at);
      let column = this.firstWaitingColumn[parent] as number;
      if (column === -1) {
        column = this.freeColumn();
        this.openLane(column, parent, this.nextColor++, row);
      }
      this.edge(NODE, column, laneColor[column] as number);
    }
    while (waiting.length > 0 && waiting[waiting.length - 1] === FREE) {
      waiting.pop();
      laneColor.pop();
      this.waitingLane.pop();
    }

    this.laneOf[row] = lane;
    this.colorOf[row] = color;
    this.edgeStart[row + 1] = this.edgeCount;
    this.firstLaneAt[row + 1] = this.lanes;
    this.width = Math.max(this.width, lane + 1, waiting.length);
  }

  private freeColumn(): number {
    const column = this.waiting.indexOf(FREE);
    return column === -1 ? this.waiting.length : column;
  }

  /** A lane in `column` waiting for commit `id`, opened below row `row`. */
  private openLane(column: number, commit: number, color: number, row: number): void {
    this.waiting[column] = commit;
    this.laneColor[column] = color;
    const first = this.firstWaitingColumn[commit] as number;
    if (first === -1) this.firstWaitingColumn[commit] = column;
    else {
      const columns = [first, ...(this.otherWaitingColumns.get(commit) ?? []), column].sort((a, b) => a - b);
      this.firstWaitingColumn[commit] = columns[0] as number;
      this.otherWaitingColumns.set(commit, columns.slice(1));
    }
    const id = this.lanes++;
    if (id >= this.laneFrom.length) {
      const size = this.laneFrom.length * 2;
      this.laneFrom = grow(this.laneFrom, size);
      this.laneTo = grow(this.laneTo, size);
      this.laneColumn = grow(this.laneColumn, size);
      this.laneColorOf = grow(this.laneColorOf, size);
    }
    this.laneFrom[id] = row;
    this.laneTo[id] = OPEN;
    this.laneColumn[id] = column;
    this.laneColorOf[id] = color;
    this.waitingLane[column] = id;
  }

  /** The lane in `column` ends at row `row` (in its dot, or moving left). */
  private closeLane(column: number, row: number): void {
    const id = this.waiting[column];
    if (id !== undefined && id !== FREE) {
      const left = this.columnsWaitingFor(id).filter((candidate) => candidate !== column);
      this.firstWaitingColumn[id] = left[0] ?? -1;
      if (left.length > 1) this.otherWaitingColumns.set(id, left.slice(1));
      else this.otherWaitingColumns.delete(id);
    }
    this.waiting[column] = FREE;
    this.laneTo[this.waitingLane[column] as number] = row;
  }

  /** The lanes open at the top of checkpoint row `index * CHECKPOINT`. */
  private checkpoint(index: number): void {
    for (let column = 0; column < this.waiting.length; column++) {
      if (this.waiting[column] === FREE) continue;
      if (this.checkpointCount >= this.checkpointLanes.length) this.checkpointLanes = grow(this.checkpointLanes, this.checkpointLanes.length * 2);
      this.checkpointLanes[this.checkpointCount++] = this.waitingLane[column] as number;
    }
    this.checkpointStart[index + 1] = this.checkpointCount;
  }

  private edge(from: number, to: number, color: number): void {
    if (this.edgeCount + 3 > this.edges.length) this.edges = grow(this.edges, this.edges.length * 2);
    this.edges[this.edgeCount++] = from;
    this.edges[this.edgeCount++] = to;
    this.edges[this.edgeCount++] = color;
  }

  private reserve(rows: number): void {
    if (rows <= this.laneOf.length) return;
    const size = Math.max(rows, this.laneOf.length * 2);
    this.laneOf = grow(this.laneOf, size);
    this.colorOf = grow(this.colorOf, size);
    this.endsOf = grow(this.endsOf, size);
    this.moverOf = grow(this.moverOf, size);
    this.edgeStart = grow(this.edgeStart, size + 1);
    this.firstLaneAt = grow(this.firstLaneAt, size + 1);
  }
}

function grow<T extends Int32Array | Uint32Array | Uint16Array>(array: T, size: number, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(size);
  if (fill !== 0) bigger.fill(fill);
  bigger.set(array);
  return bigger;
}
