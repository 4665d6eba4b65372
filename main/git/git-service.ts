import { access } from 'node:fs/promises';
import path from 'node:path';
import type { PatchResult, BlameResult, FileHistoryEntry, PullMode, BranchInfo, CommitDetails, CommitFile, DiscardResult, FileVersion, GitOperation, GitStatus, GraphRowData, GraphSearchField, GraphSummary, LineSelection, StashInfo, VersionContent } from '../../preload/api';
import { ApiError, type EventBus, type TaskRegistry } from '../common';
import { parseWorkspacePath, toWorkspaceRelative } from '../workspace';
import { checkoutRef, createBranch, deleteBranch, listBranches, renameBranch } from './actions/branches';
import { commitStaged, lastMessage } from './actions/commit';
import { discardChanges, undoDiscard } from './actions/discard';
import { stagePaths, stageSelectedLines, unstagePaths } from './actions/staging';
import { pullArgs, pushArgs, runRemoteCommand } from './actions/remote-ops';
import { listStashes, popStash, stashChanges } from './actions/stash';
import { blameFile, fileHistory } from './history/file-history';
import { readPatch } from './history/patch';
import { changedFiles, commitDetails } from './history/commit-details';
import { writeCommitGraphIfMissing } from './history/commit-graph-file';
import { GraphSession } from './history/graph-session';
import { openRepository } from './open-repository';
import { Repository } from './repository';
import { GitNotInstalled, runGit } from './run-git';
import { watchRepository, type RepositoryWatcher } from './work-tree/watch-repository';
import { parseStatus } from './work-tree/status-parser';
import { readVersion } from './work-tree/read-version';

const OID = /^[0-9a-f]{4,64}$/i;

/** How long after Labdesk's own git work the watcher's events are taken as its echo (the watcher reports within ~100 ms). */
const OWN_ECHO_MS = 500;

/**
 * The open folder's repository for one window: status, the graph, commits, diffs' sides and the
 * actions. Every action is the system git run without a shell; after each one (and when git runs
 * outside Labdesk: HEAD, refs or the index change) a `git.changed` event tells the window to
 * refresh.
 */
export class GitService {
  private root: string | null = null;
  private repository: Promise<Repository | null> | null = null;
  private graph: GraphSession | null = null;
  private watcher: RepositoryWatcher | null = null;
  /** Own git work running now, and until when its changes in .git may still be arriving. */
  private ownRunning = 0;
  private ownUntil = 0;

  constructor(
    private readonly events: EventBus,
    private readonly tasks: TaskRegistry,
  ) {}

  async setRoot(root: string): Promise<void> {
    await this.reset();
    this.root = root;
  }

  async close(): Promise<void> {
    await this.reset();
    this.root = null;
  }

  status(): Promise<GitStatus> {
    return this.ours(async () => {
      const root = this.requireRoot();
      let repo: Repository | null;
      try {
        repo = await this.repo();
      } catch (error) {
        if (error instanceof GitNotInstalled) return { repository: false, reason: 'git is not installed on this machine, so changes cannot be staged or committed here (the history still shows).' };
        throw error;
      }
      if (repo === null) return { repository: false, reason: `${path.basename(root)} is not a git repository.` };
      const output = await repo.text(['status', '--porcelain=v2', '-z', '--branch', '--untracked-files=all'], { action: 'Reading the status' });
      const parsed = parseStatus(output);
      let outside = 0;
      const inside = <T extends { path: string; oldPath?: string }>(files: readonly T[]): T[] =>
        files.flatMap((file) => {
          const mapped = repo.workspacePath(file.path);
          if (mapped === null) {
            outside++;
            return [];
          }
          const oldPath = file.oldPath === undefined ? undefined : (repo.workspacePath(file.oldPath) ?? file.oldPath);
          return [{ ...file, path: mapped, ...(oldPath !== undefined && { oldPath }) }];
        });
      return {
        repository: true,
        branch: parsed.branch,
        head: parsed.head,
        upstream: parsed.upstream,
        operation: await operationInProgress(repo.gitDir),
        staged: inside(parsed.staged),
        unstaged: inside(parsed.unstaged),
        untracked: inside(parsed.untracked),
        conflicted: inside(parsed.conflicted),
        outside,
      };
    });
  }

  init(): Promise<GitStatus> {
    return this.ours(async () => {
      const root = this.requireRoot();
      if ((await this.repo()) !== null) throw new ApiError({ code: 'already-exists', message: `${path.basename(root)} is already in a git repository.` });
      const result = await runGit(root, ['init', '-q']);
      if (result.code !== 0) throw new ApiError({ code: 'git-refused', message: `git init failed: ${result.stderr.trim()}` });
      await this.reset();
      this.root = root;
      return this.changed();
    });
  }

  async openGraph(): Promise<GraphSummary> {
    const root = this.requireRoot();
    this.graph?.close();
    const source = await openRepository(root);
    const graph = new GraphSession(
      source,
      (summary) => {
        if (this.graph === graph) this.events.emit('git.graph', summary);
      },
      () => void this.writeCommitGraph(),
    );
    this.graph = graph;
    void this.watch();
    return graph.start();
  }

  graphRows(id: string, start: number, count: number): Promise<GraphRowData[]> {
    return this.requireGraph(id).rows(start, count);
  }

  searchGraph(id: string, field: GraphSearchField, query: string) {
    return this.requireGraph(id).search(field, query);
  }

  async commitDetails(oid: string): Promise<CommitDetails> {
    return commitDetails(await this.requireRepo(), checkOid(oid));
  }

  async compareCommits(from: string, to: string): Promise<CommitFile[]> {
    return changedFiles(await this.requireRepo(), checkOid(from), checkOid(to));
  }

  async readVersion(file: string, version: FileVersion): Promise<VersionContent> {
    if (version.kind === 'commit') checkOid(version.oid);
    return readVersion(() => this.requireRepo(), this.requireRoot(), confined(file), version);
  }

  stage(paths: readonly string[]): Promise<GitStatus> {
    return this.ours(async () => {
      await stagePaths(await this.requireRepo(), paths.map(confined));
      return this.changed();
    });
  }

  unstage(paths: readonly string[]): Promise<GitStatus> {
    return this.ours(async () => {
      const repo = await this.requireRepo();
      const hasHead = (await repo.run(['rev-parse', '-q', '--verify', 'HEAD'])).code === 0;
      await unstagePaths(repo, paths.map(confined), hasHead);
      return this.changed();
    });
  }

  stageLines(file: string, unstage: boolean, selection: LineSelection): Promise<GitStatus> {
    return this.ours(async () => {
      await stageSelectedLines(await this.requireRepo(), confined(file), selection, unstage);
      return this.changed();
    });
  }

  discard(paths: readonly string[]): Promise<DiscardResult> {
    return this.ours(async () => {
      const result = await discardChanges(await this.requireRepo(), this.requireRoot(), paths.map(confined));
      await this.changed();
      return result;
    });
  }

  undoDiscard(backup: string): Promise<GitStatus> {
    return this.ours(async () => {
      await undoDiscard(this.requireRoot(), backup);
      return this.changed();
    });
  }

  commit(message: string, amend: boolean): Promise<{ oid: string }> {
    return this.ours(async () => {
      if (message.trim() === '') throw new ApiError({ code: 'bad-argument', message: 'Write a commit message first.', argument: 'message' });
      const oid = await commitStaged(await this.requireRepo(), message, amend);
      await this.changed();
      return { oid };
    });
  }

  async lastMessage(): Promise<string> {
    return lastMessage(await this.requireRepo());
  }

  async branches(): Promise<BranchInfo[]> {
    return listBranches(await this.requireRepo());
  }

  createBranch(name: string, from: string | undefined, checkout: boolean): Promise<GitStatus> {
    return this.ours(async () => {
      await createBranch(await this.requireRepo(), name, from, checkout);
      return this.changed();
    });
  }

  checkout(ref: string): Promise<GitStatus> {
    return this.ours(async () => {
      await checkoutRef(await this.requireRepo(), ref);
      return this.changed();
    });
  }

  renameBranch(from: string, to: string): Promise<GitStatus> {
    return this.ours(async () => {
      await renameBranch(await this.requireRepo(), from, to);
      return this.changed();
    });
  }

  deleteBranch(name: string, force: boolean): Promise<GitStatus> {
    return this.ours(async () => {
      await deleteBranch(await this.requireRepo(), name, force);
      return this.changed();
    });
  }

  async stashes(): Promise<StashInfo[]> {
    return listStashes(await this.requireRepo());
  }

  stash(message: string | undefined, includeUntracked: boolean): Promise<GitStatus> {
    return this.ours(async () => {
      await stashChanges(await this.requireRepo(), message, includeUntracked);
      return this.changed();
    });
  }

  stashPop(index: number): Promise<GitStatus> {
    return this.ours(async () => {
      await popStash(await this.requireRepo(), index);
      return this.changed();
    });
  }

  fetch(): Promise<GitStatus> {
    return this.ours(async () => {
      const repo = await this.requireRepo();
      await this.tasks.run({ title: 'git fetch', unit: 'objects' }, (task) => runRemoteCommand(repo, ['fetch', '--progress', '--prune'], task));
      return this.changed();
    });
  }

  pull(mode: PullMode): Promise<GitStatus> {
    return this.ours(async () => {
      const repo = await this.requireRepo();
      try {
        await this.tasks.run({ title: 'git pull', unit: 'objects' }, (task) => runRemoteCommand(repo, pullArgs(mode), task));
      } finally {
        // A pull that stopped with conflicts still changed the working tree.
        this.events.emit('git.changed', { reason: 'action' });
      }
      return this.status();
    });
  }

  push(setUpstream: boolean): Promise<GitStatus> {
    return this.ours(async () => {
      const repo = await this.requireRepo();
      const args = await pushArgs(repo, setUpstream);
      await this.tasks.run({ title: 'git push', unit: 'objects' }, (task) => runRemoteCommand(repo, args, task));
      return this.changed();
    });
  }

  async fileHistory(file: string): Promise<FileHistoryEntry[]> {
    return fileHistory(await this.requireRepo(), confined(file));
  }

  async patch(from: string | null, to: string, untracked?: string): Promise<PatchResult> {
    return readPatch(await this.requireRepo(), from === null ? null : checkOid(from), checkOid(to), untracked === undefined ? undefined : checkOid(untracked));
  }

  async blame(file: string): Promise<BlameResult> {
    return blameFile(await this.requireRepo(), confined(file));
  }

  /**
   * Runs git work of Labdesk's own (an action, or a status that may refresh the index), so the
   * .git watcher does not report it again as a change from outside: the action's own
   * `git.changed` already refreshes the window, and a second refresh ~200 ms later cost a second
   * status and graph reload. Events up to OWN_ECHO_MS after the work are taken as its echo.
   */
  private async ours<T>(work: () => Promise<T>): Promise<T> {
    this.ownRunning++;
    try {
      return await work();
    } finally {
      this.ownRunning--;
      this.ownUntil = Date.now() + OWN_ECHO_MS;
    }
  }

  private isOwnChange(): boolean {
    return this.ownRunning > 0 || Date.now() < this.ownUntil;
  }

  /** After an action: the window refreshes; the action's caller gets the new status at once. */
  private async changed(): Promise<GitStatus> {
    this.events.emit('git.changed', { reason: 'action' });
    return this.status();
  }

  private repo(): Promise<Repository | null> {
    const root = this.requireRoot();
    // "Not a repository" is not remembered: `git init` in a terminal is noticed on the next call.
    this.repository ??= Repository.find(root).then(
      (found) => {
        if (found === null) this.repository = null;
        return found;
      },
      (error: unknown) => {
        this.repository = null;
        throw error;
      },
    );
    return this.repository;
  }

  private async requireRepo(): Promise<Repository> {
    try {
      const repo = await this.repo();
      if (repo) return repo;
    } catch (error) {
      if (error instanceof GitNotInstalled) throw new ApiError({ code: 'not-supported', message: 'git is not installed on this machine; install git to stage, commit and switch branches here.' });
      throw error;
    }
    throw new ApiError({ code: 'not-a-repository', message: `${path.basename(this.requireRoot())} is not a git repository. Initialize one to track its history.` });
  }

  private requireRoot(): string {
    if (this.root === null) throw new ApiError({ code: 'no-workspace', message: 'No project folder is open. Open a folder first.' });
    return this.root;
  }

  private requireGraph(id: string): GraphSession {
    if (this.graph?.id !== id) throw new ApiError({ code: 'not-found', message: 'That graph was closed; open the graph again.' });
    return this.graph;
  }

  /** After a whole history was read: git's own commit-graph file, so the next graph streams at once. */
  private async writeCommitGraph(): Promise<void> {
    const repo = await this.repo().catch(() => null);
    if (repo) await writeCommitGraphIfMissing(repo.top, repo.gitDir).catch(() => undefined);
  }

  /** Watches HEAD, refs and the index so git commands run outside Labdesk show up too. */
  private async watch(): Promise<void> {
    if (this.watcher) return;
    const repo = await this.repo().catch(() => null);
    if (!repo || this.watcher) return;
    this.watcher = await watchRepository(repo.gitDir, () => this.events.emit('git.changed', { reason: 'outside' }), () => this.isOwnChange()).catch(() => null);
  }

  private async reset(): Promise<void> {
    this.graph?.close();
    this.graph = null;
    this.repository = null;
    await this.watcher?.close();
    this.watcher = null;
  }
}

function checkOid(oid: string): string {
  if (!OID.test(oid)) throw new ApiError({ code: 'bad-argument', message: `"${oid}" is not a commit hash.`, argument: 'oid' });
  return oid;
}

/** A workspace-relative path in its canonical form; anything reaching outside is refused. */
function confined(file: string): string {
  const canonical = toWorkspaceRelative(parseWorkspacePath(file));
  if (canonical === '') throw new ApiError({ code: 'bad-argument', message: 'A file path is needed.', argument: 'path' });
  return canonical;
}

async function operationInProgress(gitDir: string): Promise<GitOperation | null> {
  const exists = (name: string) => access(path.join(gitDir, name)).then(() => true, () => false);
  if ((await exists('rebase-merge')) || (await exists('rebase-apply'))) return 'rebase';
  if (await exists('MERGE_HEAD')) return 'merge';
  if (await exists('CHERRY_PICK_HEAD')) return 'cherry-pick';
  if (await exists('REVERT_HEAD')) return 'revert';
  return null;
}
