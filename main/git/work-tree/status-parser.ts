import type { ChangedFile, ChangeKind } from '../../../preload/api';

/**
 * `git status --porcelain=v2 -z --branch` read into the four lists the Source control view shows.
 * Pure: the input is git's bytes as text, the output plain data (paths still from the repo top).
 */

export interface ParsedStatus {
  readonly head: string | null;
  readonly branch: string | null;
  readonly upstream: { readonly name: string; readonly ahead: number; readonly behind: number } | null;
  readonly staged: ChangedFile[];
  readonly unstaged: ChangedFile[];
  readonly untracked: ChangedFile[];
  readonly conflicted: ChangedFile[];
}

const LETTER: Record<string, ChangeKind> = {
  M: 'modified',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

export function parseStatus(output: string): ParsedStatus {
  const status: ParsedStatus & { head: string | null; branch: string | null; upstream: ParsedStatus['upstream'] } = {
    head: null,
    branch: null,
    upstream: null,
    staged: [],
    unstaged: [],
    untracked: [],
    conflicted: [],
  };
  let upstreamName: string | null = null;
  let ahead = 0;
  let behind = 0;
  const records = output.split('\0');
  for (let at = 0; at < records.length; at++) {
    const record = records[at] as string;
    if (record === '') continue;
    const type = record[0];
    if (type === '#') {
      const [, key, ...rest] = record.split(' ');
      const value = rest.join(' ');
      if (key === 'branch.oid' && value !== '(initial)') status.head = value;
      if (key === 'branch.head' && value !== '(detached)') status.branch = value;
      if (key === 'branch.upstream') upstreamName = value;
      if (key === 'branch.ab') {
        const match = /^\+(\d+) -(\d+)$/.exec(value);
        if (match) [ahead, behind] = [Number(match[1]), Number(match[2])];
      }
    } else if (type === '1' || type === '2') {
      // "1 XY sub mH mI mW hH hI path"; "2 …  Xscore path" with the old path in the next record.
      const fields = record.split(' ');
      const xy = fields[1] ?? '..';
      const pathField = fields.slice(type === '1' ? 8 : 9).join(' ');
      const oldPath = type === '2' ? records[++at] : undefined;
      const entry = (letter: string): ChangedFile => ({
        path: pathField,
        kind: LETTER[letter] ?? 'modified',
        ...(oldPath !== undefined && (letter === 'R' || letter === 'C') && { oldPath }),
      });
      if (xy[0] !== '.') status.staged.push(entry(xy[0] as string));
      if (xy[1] !== '.') status.unstaged.push({ path: pathField, kind: LETTER[xy[1] as string] ?? 'modified' });
    } else if (type === 'u') {
      status.conflicted.push({ path: record.split(' ').slice(10).join(' '), kind: 'conflicted' });
    } else if (type === '?') {
      status.untracked.push({ path: record.slice(2), kind: 'untracked' });
    }
  }
  if (upstreamName !== null) status.upstream = { name: upstreamName, ahead, behind };
  return status;
}
