import { create } from 'zustand';
import type { BranchInfo, ChangedFile, GitStatus, LineSelection, PullMode, StashInfo } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { ask } from '../state/dialog-store';
import { notify } from '../state/notifications-store';

type RepoStatus = Extract<GitStatus, { repository: true }>;

interface GitState {
  /** null until first read (or when no folder is open). */
  readonly status: GitStatus | null;
  readonly branches: readonly BranchInfo[];
  readonly stashes: readonly StashInfo[];
  /** The name of the action running now ("Committing"), so its button shows it and others wait. */
  readonly busy: string | null;
  refresh(): Promise<void>;
  reset(): void;
  stage(paths: readonly string[]): Promise<void>;
  unstage(paths: readonly string[]): Promise<void>;
  /** Stages (or unstages) the chosen lines of one file; a refusal is shown next to that file's name. */
  stageLines(path: string, unstage: boolean, selection: LineSelection): Promise<void>;
  discard(files: readonly ChangedFile[]): Promise<void>;
  commit(message: string, amend: boolean): Promise<boolean>;
  init(): Promise<void>;
  createBranch(name: string, from?: string): Promise<void>;
  checkout(ref: string): Promise<void>;
  renameBranch(from: string, to: string): Promise<void>;
  deleteBranch(name: string): Promise<void>;
  stash(message: string | undefined): Promise<void>;
  stashPop(index: number): Promise<void>;
  fetch(): Promise<void>;
  pull(mode: PullMode): Promise<void>;
  push(setUpstream: boolean): Promise<void>;
}

export function repoStatus(status: GitStatus | null): RepoStatus | null {
  return status?.repository ? status : null;
}

/** Every changed file, for the file tree's marks: path → the kind shown (unstaged wins over staged). */
export function changeMarks(status: GitStatus | null): ReadonlyMap<string, ChangedFile['kind']> {
  const marks = new Map<string, ChangedFile['kind']>();
  const repo = repoStatus(status);
  if (!repo) return marks;
  for (const list of [repo.staged, repo.unstaged, repo.untracked, repo.conflicted]) for (const file of list) marks.set(file.path, file.kind);
  return marks;
}

let refreshing: Promise<void> | null = null;
let again = false;

/**
 * The working tree as git sees it and the actions on it. Each action's answer is the new status,
 * so the lists update at once; failures are shown where the person is looking (a toast with git's
 * reason in words).
 */
export const useGit = create<GitState>((set, get) => {
  /** Runs one action at a time; its resulting status replaces the old one. */
  const act = async (name: string, action: () => Promise<GitStatus | void>, done?: string, onError?: (message: string) => void): Promise<boolean> => {
    if (get().busy !== null) return false;
    set({ busy: name });
    try {
      const status = await action();
      if (status) set({ status });
      if (done) notify('info', done);
      void loadLists();
      return true;
    } catch (error) {
      if (onError) onError(errorMessage(error));
      else notify('error', errorMessage(error), { source: 'git' });
      return false;
    } finally {
      set({ busy: null });
    }
  };
  const loadLists = async () => {
    if (!repoStatus(get().status)) return set({ branches: [], stashes: [] });
    const [branches, stashes] = await Promise.all([api().git.branches({}).catch(() => []), api().git.stashes({}).catch(() => [])]);
    set({ branches, stashes });
  };

  return {
    status: null,
    branches: [],
    stashes: [],
    busy: null,

    async refresh() {
      // One read at a time; a request during a read asks for one more afterwards.
      if (refreshing) {
        again = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          again = false;
          try {
            set({ status: await api().git.status({}) });
          } catch (error) {
            set({ status: { repository: false, reason: errorMessage(error) } });
          }
        } while (again);
        await loadLists();
      })().finally(() => (refreshing = null));
      return refreshing;
    },

    reset() {
      set({ status: null, branches: [], stashes: [], busy: null });
    },

    stage: (paths) => act('Staging', () => api().git.stage({ paths })).then(() => undefined),
    unstage: (paths) => act('Unstaging', () => api().git.unstage({ paths })).then(() => undefined),
    stageLines: (path, unstage, selection) =>
      act(unstage ? 'Unstaging' : 'Staging', () => api().git.stageLines({ path, unstage, selection }), undefined, (message) => notify('error', message, { source: path })).then(() => undefined),

    async discard(files) {
      if (files.length === 0) return;
      const what = files.length === 1 ? (files[0] as ChangedFile).path : `${files.length} files`;
      const untracked = files.some((file) => file.kind === 'untracked');
      const choice = await ask(
        `Discard changes to ${what}?`,
        `${untracked ? 'Untracked files are deleted and changed files' : 'The files'} go back to their staged or committed version. A copy is kept, so you can undo this.`,
        [
          { label: 'Cancel', value: 'cancel' },
          { label: 'Discard', value: 'discard', primary: true },
        ],
      );
      if (choice !== 'discard') return;
      await act('Discarding', async () => {
        const result = await api().git.discard({ paths: files.map((file) => file.path) });
        notify('info', `Discarded changes to ${what}.`, {
          actions: [{ label: 'Undo', run: () => void act('Undoing', () => api().git.undoDiscard({ backup: result.backup }), `Restored ${what}.`) }],
        });
      });
    },

    commit: (message, amend) => act(amend ? 'Amending' : 'Committing', async () => void (await api().git.commit({ message, amend }))),
    init: () => act('Initializing', () => api().git.init({}), 'Initialized a git repository.').then(() => undefined),
    createBranch: (name, from) => act('Creating branch', () => api().git.createBranch({ name, checkout: true, ...(from !== undefined && { from }) }), `Switched to a new branch ${name}.`).then(() => undefined),
    checkout: (ref) => act('Checking out', () => api().git.checkout({ ref }), `Checked out ${ref}.`).then(() => undefined),
    renameBranch: (from, to) => act('Renaming branch', () => api().git.renameBranch({ from, to })).then(() => undefined),

    async deleteBranch(name) {
      const choice = await ask(`Delete branch ${name}?`, 'git refuses to delete a branch whose commits are not merged elsewhere; "Delete anyway" removes it even then.', [
        { label: 'Cancel', value: 'cancel' },
        { label: 'Delete anyway', value: 'force' },
        { label: 'Delete', value: 'delete', primary: true },
      ]);
      if (choice === 'cancel') return;
      await act('Deleting branch', () => api().git.deleteBranch({ name, force: choice === 'force' }), `Deleted branch ${name}.`);
    },

    stash: (message) => act('Stashing', () => api().git.stash({ includeUntracked: true, ...(message ? { message } : {}) }), 'Stashed the changes.').then(() => undefined),
    fetch: () => act('Fetching', () => api().git.fetch({}), 'Fetched.').then(() => undefined),

    async pull(mode) {
      await act('Pulling', () => api().git.pull({ mode }), 'Pulled.', (message) => {
        // A pull that needs a merge is a choice, offered where the message is.
        const actions = /needs a merge/.test(message)
          ? [
              { label: 'Pull with merge', run: () => void get().pull('merge') },
              { label: 'Pull with rebase', run: () => void get().pull('rebase') },
            ]
          : [];
        notify('error', message, { source: 'git pull', actions });
      });
      void get().refresh();
    },

    async push(setUpstream) {
      await act('Pushing', () => api().git.push({ setUpstream }), 'Pushed.', (message) => {
        const actions = /no upstream yet/.test(message)
          ? [{ label: 'Push and set upstream', run: () => void get().push(true) }]
          : /push was rejected/.test(message)
            ? [{ label: 'Pull', run: () => void get().pull('ff-only') }]
            : [];
        notify('error', message, { source: 'git push', actions });
      });
    },

    stashPop: (index) => act('Applying stash', () => api().git.stashPop({ index }), `Applied and dropped stash@{${index}}.`).then(() => undefined),
  };
});
