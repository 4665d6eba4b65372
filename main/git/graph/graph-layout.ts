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
 * Edges are stored per row as (from, to, colour) triples in one typed array: from and to are
 * lane columns at the row's top and bottom, NODE for the commit's own dot (a lane that moves
 * left has from > to). So a row draws itself
 * from its own triples (a virtualized list draws only the rows in view) and 100k rows cost a few
 * megabytes, not an object per edge.
 */

/** The commit's own dot, as an end of an edge. */
export const NODE = -1;

export interface LaidCommit {
  readonly oid: string;
  readonly parents: readonly string[];
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

export class GraphLayout {
  private readonly oids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private laneOf = new Int32Array(1024);
  private colorOf = new Int32Array(1024);
  /** Row r's edges are triples [edgeStart[r], edgeStart[r + 1]). */
  private edgeStart = new Uint32Array(1025);
  private edges = new Int32Array(8192);
  private edgeCount = 0;
  /** The commit each lane waits for (null: free). */
  private readonly waiting: Array<string | null> = [];
  private readonly laneColor: number[] = [];
  private nextColor = 0;
  /** The widest the graph has been (columns). */
  width = 0;

  get rows(): number {
    return this.oids.length;
  }

  /** Lays out the next commits (in order: children before parents). A commit seen before is ignored. */
  add(commits: Iterable<LaidCommit>): void {
    for (const commit of commits) if (!this.rowOf.has(commit.oid)) this.addOne(commit);
  }

  row(index: number): GraphRow {
    const edges: GraphEdge[] = [];
    for (let at = this.edgeStart[index] as number; at < (this.edgeStart[index + 1] as number); at += 3) {
      edges.push({ from: this.edges[at] as number, to: this.edges[at + 1] as number, color: this.edges[at + 2] as number });
    }
    return { lane: this.laneOf[index] as number, color: this.colorOf[index] as number, edges };
  }

  oidAt(index: number): string | undefined {
    return this.oids[index];
  }

  indexOf(oid: string): number | undefined {
    return this.rowOf.get(oid);
  }

  private addOne(commit: LaidCommit): void {
    const { waiting, laneColor } = this;
    const row = this.oids.length;
    this.reserve(row + 1);
    this.oids.push(commit.oid);
    this.rowOf.set(commit.oid, row);

    // The lanes that wait for this commit end in its dot; the first of them is its lane.
    let lane = -1;
    for (let column = 0; column < waiting.length; column++) {
      if (waiting[column] !== commit.oid) continue;
      if (lane === -1) lane = column;
      this.edge(column, NODE, laneColor[column] as number);
      waiting[column] = null;
    }
    // A branch tip: the first free column, with a new colour.
    if (lane === -1) {
      lane = this.freeColumn();
      laneColor[lane] = this.nextColor++;
    }
    const color = laneColor[lane] as number;

    // The first parent continues in this lane, unless a lane to the left already waits for it
    // (a branch rejoining its base: the fork is drawn there). A lane to the right waiting for
    // it moves into this one, so the older line keeps the leftmost column.
    const [first, ...others] = commit.parents;
    let firstColumn = lane;
    let movesIn = -1;
    if (first !== undefined) {
      const waitingAt = waiting.indexOf(first);
      if (waitingAt !== -1 && waitingAt < lane) firstColumn = waitingAt;
      else if (waitingAt > lane) movesIn = waitingAt;
    }
    for (let column = 0; column < waiting.length; column++) {
      if (waiting[column] !== null) this.edge(column, column === movesIn ? lane : column, laneColor[column] as number);
    }
    if (movesIn !== -1) waiting[movesIn] = null;
    if (first !== undefined) {
      if (firstColumn === lane) {
        waiting[lane] = first;
        laneColor[lane] = color;
      }
      this.edge(NODE, firstColumn, color);
    }
    for (const parent of others) {
      let column = waiting.indexOf(parent);
      if (column === -1) column = this.openLane(parent, this.nextColor++);
      this.edge(NODE, column, laneColor[column] as number);
    }
    while (waiting.length > 0 && waiting[waiting.length - 1] === null) {
      waiting.pop();
      laneColor.pop();
    }

    this.laneOf[row] = lane;
    this.colorOf[row] = color;
    this.edgeStart[row + 1] = this.edgeCount;
    this.width = Math.max(this.width, lane + 1, waiting.length);
  }

  private freeColumn(): number {
    const column = this.waiting.indexOf(null);
    return column === -1 ? this.waiting.length : column;
  }

  /** Takes the first free column (or a new one at the right) for a lane waiting for `oid`. */
  private openLane(oid: string, color: number): number {
    const column = this.freeColumn();
    this.waiting[column] = oid;
    this.laneColor[column] = color;
    return column;
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
    this.edgeStart = grow(this.edgeStart, size + 1);
  }
}

function grow<T extends Int32Array | Uint32Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(size);
  bigger.set(array);
  return bigger;
}
