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

export interface Commit {
  readonly oid: string;
  /** First parent first; parents outside the history read (a shallow clone's boundary) are left out. */
  readonly parents: readonly string[];
  readonly author: Person;
  readonly committer: Person;
  /** The message's first line (git's %s: the first paragraph, joined). */
  readonly subject: string;
  /** A stash entry is shown as its own kind, with its first parent only (the index and untracked commits are internal). */
  readonly kind: 'commit' | 'stash';
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
}

export interface CommitSource {
  readonly kind: 'git' | 'isomorphic-git';
  /** The repository's top folder (where .git is). */
  readonly root: string;
  refs(): Promise<RepoRefs>;
  /**
   * Every commit reachable from HEAD, the branches (local and remote), the tags and the stashes,
   * each exactly once, children before parents, otherwise newest commit date first. Yields in
   * batches as they are read, so the first screen shows before the whole history is read.
   */
  commits(refs: RepoRefs, options?: ReadHistoryOptions): AsyncIterable<readonly Commit[]>;
}
