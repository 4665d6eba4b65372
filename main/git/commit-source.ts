import type { OidIds } from './graph/oid-ids';

/**
 * The history of a repository as the graph needs it, whatever reads it: the system git
 * (git-cli-source.ts) or isomorphic-git where no git is installed (isomorphic-source.ts). Both
 * pass the same contract tests (tests/integration/git-commit-source.test.ts).
 */

export interface Person {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch, as recorded in the commit. */
  readonly time: number;
}

/** What the lane layout needs of a commit, and all the graph reads of the whole history. */
export interface CommitShape {
  readonly oid: string;
  /** First parent first; parents outside the history read (a shallow clone's boundary) are left out. */
  readonly parents: readonly string[];
  /** A stash entry is shown as its own kind, with its first parent only (the index and untracked commits are internal). */
  readonly kind: 'commit' | 'stash';
  /** Its id and its parents' in the OidIds table the read was given (ReadHistoryOptions.ids), if any. */
  readonly id?: number;
  readonly parentIds?: readonly number[];
}

export interface Commit extends CommitShape {
  readonly author: Person;
  readonly committer: Person;
  /** The message's first line (git's %s: the first paragraph, joined). */
  readonly subject: string;
}

export type RefKind = 'local' | 'remote' | 'tag' | 'stash';

export interface Ref {
  /** Full name: refs/heads/main, refs/remotes/origin/main, refs/tags/v1, stash@{0}. */
  readonly name: string;
  /** What is shown: main, origin/main, v1, stash@{0}. */
  readonly short: string;
  readonly kind: RefKind;
  /** The commit it points at (an annotated tag is peeled). */
  readonly oid: string;
  /** An annotated tag (has its own object and message). */
  readonly annotated?: boolean;
}

export interface RepoRefs {
  /** HEAD's commit; null in a repository with no commits yet. */
  readonly head: string | null;
  /** The branch HEAD is on (refs/heads/…), or null when HEAD is detached. */
  readonly headBranch: string | null;
  /** Sorted: local branches, remote branches, tags, stashes; by name within each. */
  readonly refs: readonly Ref[];
}

export interface ReadHistoryOptions {
  /** At most this many commits (the newest first). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
  /** Name each shape's commit and parents in this table as they are parsed (`id`, `parentIds`). */
  readonly ids?: OidIds;
}

export interface CommitSource {
  readonly kind: 'git' | 'isomorphic-git';
  /** The repository's top folder (where .git is). */
  readonly root: string;
  refs(): Promise<RepoRefs>;
  /**
   * Every commit reachable from HEAD, the branches (local and remote), the tags and the stashes,
   * each exactly once, in the order of git's own walk (newest commit date first among the commits
   * met so far). Yields in batches as they are read, so the first screen shows before the whole
   * history is read. Where a commit is dated before its parent, it can come after it:
   * `SettledOrder` turns the walk into the graph's order (children before parents).
   */
  commits(refs: RepoRefs, options?: ReadHistoryOptions): AsyncIterable<readonly Commit[]>;
  /**
   * The same commits in the same order with only their shape: with a commit-graph file git reads
   * these without opening a single commit object, so the layout of 100k commits costs what git's
   * own --graph costs. People, dates and subjects come later, by `details`, for the rows shown.
   */
  shapes(refs: RepoRefs, options?: ReadHistoryOptions): AsyncIterable<readonly CommitShape[]>;
  /** Full commits for these oids, in the same order (an oid that is not a commit is left out). */
  details(oids: readonly string[]): Promise<Commit[]>;
}
