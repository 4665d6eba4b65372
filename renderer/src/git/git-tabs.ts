import type { FileVersion } from '../../../preload/api';

/** The commit graph: one tab per window. */
export interface GraphTab {
  readonly kind: 'graph';
  readonly id: typeof GRAPH_TAB_ID;
}

/** Two versions of one file in Monaco's diff editor. */
export interface GitDiffTab {
  readonly kind: 'git-diff';
  readonly id: string;
  readonly path: string;
  /** The left side's path when the file was renamed. */
  readonly oldPath?: string;
  readonly left: FileVersion;
  readonly right: FileVersion;
  readonly leftLabel: string;
  readonly rightLabel: string;
  /**
   * What the diff's lines can be sent to: 'stage' (index ↔ working tree), 'unstage'
   * (HEAD ↔ index), or nothing (history).
   */
  readonly lines: 'stage' | 'unstage' | null;
}

export const GRAPH_TAB_ID = 'git-graph';

const versionKey = (version: FileVersion) => (version.kind === 'commit' ? version.oid : version.kind);

export function gitDiffTabId(path: string, left: FileVersion, right: FileVersion): string {
  return `git-diff:${versionKey(left)}..${versionKey(right)}:${path}`;
}

/** "HEAD", "index", "working tree", or a short hash. */
export function versionLabel(version: FileVersion): string {
  if (version.kind === 'worktree') return 'working tree';
  if (version.kind === 'index') return 'staged';
  return version.oid.slice(0, 8);
}
