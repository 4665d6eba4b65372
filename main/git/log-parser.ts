import { StringDecoder } from 'node:string_decoder';
import type { Commit, CommitShape, Person } from './commit-source';
import type { OidIds } from './graph/oid-ids';

/**
 * The `git log` format the history is read with: one field per NUL, and `-z` ends each commit
 * with one more NUL, so a record is FIELDS NUL-terminated fields and nothing in a field can break it (git
 * refuses NUL in names and subjects).
 */
export const LOG_FORMAT = ['%H', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%s'].join('%x00');
/** Only the shape (oid and parents): what a commit-graph file answers without reading commits. */
export const SHAPE_FORMAT = '%H%x00%P';

export interface LogRecord<T> {
  readonly fields: number;
  readonly decode: (fields: readonly string[]) => T;
}

export const COMMIT_RECORD: LogRecord<Commit> = { fields: 9, decode: (fields) => toCommit(fields) };
/** Shapes; with a table, each named by id as it is parsed (the only look-up of its hash). */
export function shapeRecord(ids?: OidIds): LogRecord<CommitShape> {
  return {
    fields: 2,
    decode: (fields) => {
      const oid = fields[0] as string;
      const list = fields[1] as string;
      const parents = list === '' ? [] : list.split(' ');
      if (!ids) return { oid, parents, kind: 'commit' };
      return { oid, parents, kind: 'commit', id: ids.idOf(oid), parentIds: parents.map((parent) => ids.idOf(parent)) };
    },
  };
}

/**
 * Turns `git log -z --format=LOG_FORMAT` output into commits as it streams in: feed it chunks,
 * it returns the commits completed by each. The output is decoded as UTF-8 as it comes (a
 * character split between chunks is kept whole; git re-encodes messages that declare an
 * encoding, others show U+FFFD for what is not UTF-8), then cut at NULs: one string per chunk
 * and slices of it, which is several times faster than a Buffer per field on 85k commits.
 */
export class LogParser<T = Commit> {
  private readonly decoder = new StringDecoder('utf8');
  private fields: string[] = [];
  private rest = '';

  constructor(private readonly record: LogRecord<T> = COMMIT_RECORD as unknown as LogRecord<T>) {}

  push(chunk: Buffer): T[] {
    return this.cut(this.rest + this.decoder.write(chunk));
  }

  /** The last commit, when the output did not end with its terminator. */
  end(): T[] {
    const commits = this.cut(this.rest + this.decoder.end());
    if (this.rest !== '') this.fields.push(this.rest);
    this.rest = '';
    if (this.fields.length >= this.record.fields) commits.push(this.record.decode(this.fields));
    this.fields = [];
    return commits;
  }

  private cut(data: string): T[] {
    const commits: T[] = [];
    const FIELDS = this.record.fields;
    let start = 0;
    for (let nul = data.indexOf('\0'); nul !== -1; nul = data.indexOf('\0', start)) {
      this.fields.push(data.slice(start, nul));
      start = nul + 1;
      if (this.fields.length === FIELDS) {
        // The last field's NUL is the record's terminator (-z). decode reads the fields at once,
        // so the array is reused for the next record (one array less per commit).
        commits.push(this.record.decode(this.fields));
        this.fields.length = 0;
      }
    }
    this.rest = data.slice(start);
    return commits;
  }
}

function toCommit(fields: readonly string[]): Commit {
  const text = (index: number) => fields[index] as string;
  const parents = text(1);
  const person = (name: number): Person => ({ name: text(name), email: text(name + 1), time: Number(text(name + 2)) || 0 });
  return {
    oid: text(0),
    parents: parents === '' ? [] : parents.split(' '),
    author: person(2),
    committer: person(5),
    subject: text(8),
    kind: 'commit',
  };
}
