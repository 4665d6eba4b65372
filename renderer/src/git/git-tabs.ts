import type { CompareTarget, FileVersion } from '../../../preload/api';

/** The commit graph: one tab per window. */
export interface GraphTab {
  readonly kind: 'graph';
  readonly id: typeof GRAPH_TAB_ID;
}

/** One side of a diff: a git version, or the active server's copy (read through the sync connection). */
export type DiffSide = FileVersion | { readonly kind: 'server'; readonly target: string };

/** Two versions of one file in Monaco's diff editor. */
export interface GitDiffTab {
  readonly kind: 'git-diff';
  readonly id: string;
  readonly path: string;
  /** The left side's path when the file was renamed. */
  readonly oldPath?: string;
  readonly left: DiffSide;
  readonly right: DiffSide;
  readonly leftLabel: string;
  readonly rightLabel: string;
  /**
   * What the diff's lines can be sent to: 'stage' (index ↔ working tree), 'unstage'
   * (HEAD ↔ index), or nothing (history).
   */
  readonly lines: 'stage' | 'unstage' | null;
}

/** The commits that touched one file. */
export interface FileHistoryTab {
  readonly kind: 'file-history';
  readonly id: string;
  readonly path: string;
}

/** A multi-file patch (a commit, a stash, two commits) rendered with diff2html. */
export interface PatchTab {
  readonly kind: 'patch';
  readonly id: string;
  readonly from: string | null;
  readonly to: string;
  /** A stash's untracked-files commit, shown after the rest as new files. */
  readonly untracked?: string;
  /** A run's code.patch instead of a git diff (`to` is then the run's commit). */
  readonly run?: string;
  readonly title: string;
}

/** Two folders side by side: a project folder against another or against the server. */
export interface FolderCompareTab {
  readonly kind: 'folder-compare';
  readonly id: string;
  readonly path: string;
  readonly with: CompareTarget;
}

export const GRAPH_TAB_ID = 'git-graph';
export const fileHistoryTabId = (path: string) => `file-history:${path}`;

/** git's empty tree: no file exists in it, so what has no parent (a root commit, an unborn HEAD) is compared with nothing. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

const versionKey = (version: DiffSide) => (version.kind === 'commit' ? version.oid : version.kind === 'server' ? `server:${version.target}` : version.kind);

export function gitDiffTabId(path: string, left: DiffSide, right: DiffSide): string {
  return `git-diff:${versionKey(left)}..${versionKey(right)}:${path}`;
}

/** "HEAD", "index", "working tree", or a short hash. */
export function versionLabel(version: DiffSide): string {
  if (version.kind === 'server') return `on ${version.target}`;
  if (version.kind === 'worktree') return 'working tree';
  if (version.kind === 'index') return 'staged';
  return version.oid.slice(0, 8);
}
