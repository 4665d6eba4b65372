/** The project's git repository: working tree, history graph, commits, and the actions on them. */

/** How a file differs, as git's status letters say it, in words. */
export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed' | 'untracked' | 'conflicted';

export interface ChangedFile {
  /** Workspace-relative POSIX path (the new path of a rename). */
  readonly path: string;
  /** The path before a rename or copy. */
  readonly oldPath?: string;
  readonly kind: ChangeKind;
}

export type GitOperation = 'merge' | 'rebase' | 'cherry-pick' | 'revert';

export type GitStatus =
  | { readonly repository: false; readonly reason: string }
  | {
      readonly repository: true;
      /** The branch HEAD is on; null when HEAD is detached. */
      readonly branch: string | null;
      /** HEAD's commit; null in a repository without commits yet. */
      readonly head: string | null;
      readonly upstream: { readonly name: string; readonly ahead: number; readonly behind: number } | null;
      readonly operation: GitOperation | null;
      readonly staged: readonly ChangedFile[];
      readonly unstaged: readonly ChangedFile[];
      readonly untracked: readonly ChangedFile[];
      readonly conflicted: readonly ChangedFile[];
      /** Changed files outside the open folder (the repository starts above it); not listed. */
      readonly outside: number;
    };

export type RefKind = 'local' | 'remote' | 'tag' | 'stash';

export interface GraphRef {
  readonly name: string;
  readonly short: string;
  readonly kind: RefKind;
  readonly oid: string;
  /** Its commit's row in the graph, once that row is laid out. */
  readonly row: number | null;
}

/** Where a graph's history stands; sent again (`git.graph` event) as more rows are laid out. */
export interface GraphSummary {
  readonly id: string;
  readonly rows: number;
  readonly done: boolean;
  /** The widest the lanes are so far (columns). */
  readonly width: number;
  readonly head: string | null;
  readonly headBranch: string | null;
  readonly refs: readonly GraphRef[];
  /** Reading the history failed part way; the rows so far stay. */
  readonly error?: string;
  /**
   * Rows from this one on were served in another order and are laid out again: a commit dated
   * before its parent came so late in git's walk that its parent had already been shown.
   */
  readonly changedFrom?: number;
}

export interface GraphRowData {
  readonly row: number;
  readonly oid: string;
  readonly parents: readonly string[];
  readonly kind: 'commit' | 'stash';
  readonly subject: string;
  readonly author: string;
  /** Author time, seconds since the epoch. */
  readonly time: number;
  /** Short names of the refs on this commit, with their kinds. */
  readonly refs: readonly { readonly short: string; readonly kind: RefKind }[];
  readonly lane: number;
  readonly color: number;
  /** (from, to, colour) triples; from/to are columns at the row's top/bottom, -1 the commit's dot. */
  readonly edges: readonly number[];
}

export type GraphSearchField = 'message' | 'author' | 'hash' | 'path';

export interface Person {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly time: number;
}

export interface CommitFile extends ChangedFile {
  /** Lines added and removed; null for a binary file. */
  readonly additions: number | null;
  readonly deletions: number | null;
}

export interface CommitDetails {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly author: Person;
  readonly committer: Person;
  readonly message: string;
  /** Files changed against the first parent (against nothing for a root commit). */
  readonly files: readonly CommitFile[];
}

/** One side of a diff. */
export type FileVersion = { readonly kind: 'worktree' } | { readonly kind: 'index' } | { readonly kind: 'commit'; readonly oid: string };

export type VersionContent =
  | { readonly kind: 'text'; readonly text: string; readonly size: number }
  | { readonly kind: 'binary'; readonly size: number; readonly hash: string }
  | { readonly kind: 'image'; readonly size: number; readonly hash: string; readonly mime: string; readonly dataUrl: string }
  | { readonly kind: 'too-large'; readonly size: number; readonly hash: string }
  | { readonly kind: 'missing' };

/** Lines chosen in a diff: old-side numbers of removed lines, new-side numbers of added lines. */
export interface LineSelection {
  readonly oldLines: readonly (readonly [number, number])[];
  readonly newLines: readonly (readonly [number, number])[];
}

export interface BranchInfo {
  readonly name: string;
  readonly kind: 'local' | 'remote';
  readonly oid: string;
  readonly current: boolean;
  readonly upstream: string | null;
  readonly subject: string;
}

export interface StashInfo {
  readonly index: number;
  readonly oid: string;
  readonly message: string;
  /** The commit it was made on (its first parent). */
  readonly base: string;
  /** The commit holding the untracked files it saved (its third parent), if any. */
  readonly untracked?: string;
}

export interface DiscardResult {
  /** The backup's id, for `git.undoDiscard`. */
  readonly backup: string;
  readonly files: number;
}

export interface FileHistoryEntry {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly time: number;
  readonly subject: string;
  /** The file's path in that commit (it may have been renamed since). */
  readonly path: string;
}

export interface BlameResult {
  /** Each commit once; the all-zero oid stands for lines not committed yet. */
  readonly commits: readonly { readonly oid: string; readonly author: string; readonly time: number; readonly subject: string }[];
  /** Per line of the working-tree file (0-based), an index into `commits`. */
  readonly lines: readonly number[];
}

/** A multi-file patch for diff2html: the complete file list, and the patch text up to a size limit. */
export interface PatchResult {
  readonly files: readonly CommitFile[];
  /** Whole files only; when `truncated`, the files after the limit are in `files` but not here. */
  readonly patch: string;
  readonly truncated: boolean;
}

export type PullMode = 'ff-only' | 'merge' | 'rebase';

export interface GitApi {
  status(arg: Record<string, never>): Promise<GitStatus>;
  /** `git init` in the open folder (offered when it is not a repository). */
  init(arg: Record<string, never>): Promise<GitStatus>;
  /** Starts reading the history; resolves once the first rows are laid out. */
  openGraph(arg: Record<string, never>): Promise<GraphSummary>;
  graphRows(arg: { readonly id: string; readonly start: number; readonly count: number }): Promise<readonly GraphRowData[]>;
  /** Rows whose commit matches, top to bottom. */
  searchGraph(arg: { readonly id: string; readonly field: GraphSearchField; readonly query: string }): Promise<{ readonly rows: readonly number[]; readonly truncated: boolean }>;
  commitDetails(arg: { readonly oid: string }): Promise<CommitDetails>;
  /** Files changed from one commit to another. */
  compareCommits(arg: { readonly from: string; readonly to: string }): Promise<readonly CommitFile[]>;
  readVersion(arg: { readonly path: string; readonly version: FileVersion }): Promise<VersionContent>;
  stage(arg: { readonly paths: readonly string[] }): Promise<GitStatus>;
  unstage(arg: { readonly paths: readonly string[] }): Promise<GitStatus>;
  /** Stages (or unstages) only the chosen lines of one file's diff. */
  stageLines(arg: { readonly path: string; readonly unstage: boolean; readonly selection: LineSelection }): Promise<GitStatus>;
  /** Throws away uncommitted changes to these files; a copy is kept so it can be undone. */
  discard(arg: { readonly paths: readonly string[] }): Promise<DiscardResult>;
  undoDiscard(arg: { readonly backup: string }): Promise<GitStatus>;
  commit(arg: { readonly message: string; readonly amend: boolean }): Promise<{ readonly oid: string }>;
  /** The last commit's message, for amending. */
  lastMessage(arg: Record<string, never>): Promise<string>;
  branches(arg: Record<string, never>): Promise<readonly BranchInfo[]>;
  createBranch(arg: { readonly name: string; readonly from?: string; readonly checkout: boolean }): Promise<GitStatus>;
  checkout(arg: { readonly ref: string }): Promise<GitStatus>;
  renameBranch(arg: { readonly from: string; readonly to: string }): Promise<GitStatus>;
  deleteBranch(arg: { readonly name: string; readonly force: boolean }): Promise<GitStatus>;
  stashes(arg: Record<string, never>): Promise<readonly StashInfo[]>;
  stash(arg: { readonly message?: string; readonly includeUntracked: boolean }): Promise<GitStatus>;
  stashPop(arg: { readonly index: number }): Promise<GitStatus>;
  /** fetch, pull and push run the system git with the user's own credentials, as a task with progress and cancel. */
  fetch(arg: Record<string, never>): Promise<GitStatus>;
  pull(arg: { readonly mode: PullMode }): Promise<GitStatus>;
  push(arg: { readonly setUpstream: boolean }): Promise<GitStatus>;
  fileHistory(arg: { readonly path: string }): Promise<readonly FileHistoryEntry[]>;
  blame(arg: { readonly path: string }): Promise<BlameResult>;
  /**
   * The patch between two commits (from null: a root commit's whole content). `untracked`: a
   * stash's untracked-files commit, whose files follow as new ones.
   */
  patch(arg: { readonly from: string | null; readonly to: string; readonly untracked?: string }): Promise<PatchResult>;
}
