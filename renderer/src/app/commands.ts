import { api } from '../api/client';
import { activeTab, useEditor } from '../state/editor-store';
import { toggleBlame } from '../git/blame';
import { useSettings } from '../state/settings-store';
import { useUi } from '../state/ui-store';
import { useWorkspace } from '../state/workspace-store';
import { hasActiveCodeEditor, runEditorAction } from '../editor/active-editor';
import { deleteSelected, newEntry, renameSelected } from '../files/file-actions';
import { useSync } from '../sync/sync-store';
import * as remote from '../remote/remote-actions';
import { useRemoteTree } from '../remote/remote-tree-store';
import { repoStatus, useGit } from '../git/git-store';
import { promptText } from '../state/dialog-store';
import { newJournalEntry } from '../journal/JournalView';
import { useTerminals } from '../terminal/terminal-store';
import { serverCheck } from '../server/server-actions';

export interface Command {
  readonly id: string;
  readonly title: string;
  /** Shortcut handled globally (see useGlobalShortcuts); shown in the palette. */
  readonly shortcut?: string;
  /** Hidden from the palette and disabled when this says no. */
  readonly enabled?: () => boolean;
  readonly run: () => void | Promise<void>;
  /**
   * The shortcut also works while a terminal has focus. Others are left to the shell there
   * (Ctrl+P, Ctrl+B, Ctrl+W mean something to bash and tmux), except on macOS, where Cmd never
   * reaches the shell.
   */
  readonly inTerminal?: boolean;
}

const hasWorkspace = () => useWorkspace.getState().info !== null;
const hasTab = () => useEditor.getState().activeId !== null;
const isConnected = () => useSync.getState().status.connection === 'connected';
const inRepository = () => repoStatus(useGit.getState().status) !== null;
/** The project file in the active tab (a file tab, or a diff of one). */
function activeFilePath(): string | null {
  const tab = activeTab(useEditor.getState());
  return tab?.kind === 'file' || tab?.kind === 'git-diff' || tab?.kind === 'file-history' ? tab.path : null;
}

/**
 * Every action of the app, by name. The palette lists these; a feature that adds an action adds
 * it here (UI.md: the palette has every action with its shortcut).
 */
export const COMMANDS: readonly Command[] = [
  { id: 'workbench.quickOpen', title: 'Go to File…', shortcut: 'Mod+P', enabled: hasWorkspace, run: () => useUi.getState().openPicker('files') },
  { id: 'workbench.commandPalette', title: 'Show All Commands', shortcut: 'Mod+Shift+P', inTerminal: true, run: () => useUi.getState().openPicker('commands') },
  { id: 'workspace.openFolder', title: 'Open Folder…', shortcut: 'Mod+O', run: () => openFolder() },
  { id: 'file.save', title: 'Save', shortcut: 'Mod+S', enabled: hasTab, run: () => useEditor.getState().saveActive() },
  { id: 'file.saveAll', title: 'Save All', shortcut: 'Mod+Alt+S', enabled: hasTab, run: () => useEditor.getState().saveAll() },
  { id: 'file.close', title: 'Close Editor', shortcut: 'Mod+W', enabled: hasTab, run: () => useEditor.getState().closeActive() },
  { id: 'file.nextTab', title: 'Next Editor', shortcut: 'Ctrl+Tab', enabled: hasTab, run: () => useEditor.getState().cycle(1) },
  { id: 'file.previousTab', title: 'Previous Editor', shortcut: 'Ctrl+Shift+Tab', enabled: hasTab, run: () => useEditor.getState().cycle(-1) },
  // Monaco binds these keys itself while the editor has focus; the palette entries reach them from anywhere.
  { id: 'editor.find', title: 'Find', enabled: hasActiveCodeEditor, run: () => runEditorAction('actions.find') },
  { id: 'editor.replace', title: 'Replace', enabled: hasActiveCodeEditor, run: () => runEditorAction('editor.action.startFindReplaceAction') },
  { id: 'editor.goToLine', title: 'Go to Line…', enabled: hasActiveCodeEditor, run: () => runEditorAction('editor.action.gotoLine') },
  { id: 'files.newFile', title: 'New File…', shortcut: 'Mod+Alt+N', enabled: hasWorkspace, run: () => newEntry('file') },
  { id: 'files.newFolder', title: 'New Folder…', enabled: hasWorkspace, run: () => newEntry('folder') },
  { id: 'files.rename', title: 'Rename…', enabled: () => useWorkspace.getState().selected !== null, run: () => renameSelected() },
  { id: 'files.delete', title: 'Move to Trash…', enabled: () => useWorkspace.getState().selected !== null, run: () => deleteSelected() },
  { id: 'files.refresh', title: 'Refresh Explorer', enabled: hasWorkspace, run: () => useWorkspace.getState().reloadAll() },
  { id: 'files.collapseAll', title: 'Collapse Folders in Explorer', enabled: hasWorkspace, run: () => useWorkspace.getState().collapseAll() },
  { id: 'sync.showServer', title: 'Show Server View', enabled: hasWorkspace, run: () => useUi.getState().showView('server') },
  {
    id: 'sync.addServer',
    title: 'Add Server…',
    enabled: hasWorkspace,
    run: () => {
      useUi.getState().showView('server');
      useSync.getState().newDraft();
    },
  },
  { id: 'sync.activateTarget', title: 'Activate Target…', enabled: hasWorkspace, run: () => activateTarget() },
  {
    id: 'sync.deactivateTarget',
    title: 'Deactivate Target',
    enabled: () => useSync.getState().status.connection !== 'off',
    run: () => useSync.getState().activate(null),
  },
  {
    id: 'sync.syncNow',
    title: 'Sync Now…',
    enabled: () => useSync.getState().status.connection === 'connected',
    run: () => useSync.getState().openPreview(),
  },
  {
    id: 'sync.showConflicts',
    title: 'Show Sync Conflicts',
    enabled: () => useSync.getState().status.conflicts.length > 0,
    run: () => useUi.getState().showView('server'),
  },
  // Remote explorer ("Files on <target>" in the Server view); each shows the view so its result is seen.
  { id: 'remote.show', title: 'Show Server Files', enabled: remote.serverReady, run: () => showServerFiles() },
  { id: 'remote.refresh', title: 'Refresh Server Files', enabled: remote.serverReady, run: () => showServerFiles(remote.refreshServerFiles) },
  { id: 'remote.newFolder', title: 'New Folder on Server…', enabled: remote.serverReady, run: () => showServerFiles(remote.newFolder) },
  { id: 'remote.upload', title: 'Upload to Server…', enabled: remote.serverReady, run: () => showServerFiles(remote.uploadHere) },
  { id: 'remote.goToFolder', title: 'Go to Folder on Server…', enabled: remote.serverReady, run: () => showServerFiles(remote.goToFolder) },
  { id: 'remote.open', title: 'Open Selected Server File', enabled: hasServerSelection, run: () => showServerFiles(remote.openSelected) },
  { id: 'remote.download', title: 'Download from Server', enabled: hasServerSelection, run: () => showServerFiles(remote.downloadSelected) },
  { id: 'remote.rename', title: 'Rename on Server…', enabled: hasServerSelection, run: () => showServerFiles(remote.renameSelected) },
  { id: 'remote.delete', title: 'Delete on Server…', enabled: hasServerSelection, run: () => showServerFiles(remote.deleteSelected) },
  // Source control: the view, the graph, and the actions on the working tree and branches.
  { id: 'git.showSourceControl', title: 'Show Source Control', enabled: hasWorkspace, run: () => useUi.getState().showView('git') },
  { id: 'git.showGraph', title: 'Git: Show Commit Graph', enabled: inRepository, run: () => useEditor.getState().openGraph() },
  { id: 'git.refresh', title: 'Git: Refresh', enabled: hasWorkspace, run: () => useGit.getState().refresh() },
  { id: 'git.init', title: 'Git: Initialize Repository', enabled: () => hasWorkspace() && useGit.getState().status?.repository === false, run: () => useGit.getState().init() },
  { id: 'git.stageAll', title: 'Git: Stage All Changes', enabled: inRepository, run: () => stageAll() },
  { id: 'git.unstageAll', title: 'Git: Unstage All Changes', enabled: inRepository, run: () => unstageAll() },
  { id: 'git.commit', title: 'Git: Commit…', enabled: inRepository, run: () => commitFromPalette(false) },
  { id: 'git.amend', title: 'Git: Amend Last Commit…', enabled: inRepository, run: () => commitFromPalette(true) },
  { id: 'git.createBranch', title: 'Git: Create Branch…', enabled: inRepository, run: () => askThen('New branch', 'Branch name (created at HEAD and checked out)', (name) => useGit.getState().createBranch(name)) },
  { id: 'git.checkout', title: 'Git: Check Out Branch, Tag or Commit…', enabled: inRepository, run: () => askThen('Check out', 'Branch, tag or commit', (ref) => useGit.getState().checkout(ref)) },
  {
    id: 'git.renameBranch',
    title: 'Git: Rename Current Branch…',
    enabled: () => repoStatus(useGit.getState().status)?.branch != null,
    run: () => {
      const branch = repoStatus(useGit.getState().status)?.branch;
      if (branch) return askThen('Rename branch', `New name for ${branch}`, (to) => useGit.getState().renameBranch(branch, to), branch);
    },
  },
  { id: 'git.deleteBranch', title: 'Git: Delete Branch…', enabled: inRepository, run: () => askThen('Delete branch', 'Branch to delete', (name) => useGit.getState().deleteBranch(name)) },
  {
    id: 'git.discardAll',
    title: 'Git: Discard All Unstaged Changes…',
    enabled: inRepository,
    run: () => {
      const repo = repoStatus(useGit.getState().status);
      if (repo) return useGit.getState().discard([...repo.unstaged, ...repo.untracked]);
    },
  },
  { id: 'git.stash', title: 'Git: Stash Changes', enabled: inRepository, run: () => useGit.getState().stash(undefined) },
  { id: 'runs.show', title: 'Show Runs', enabled: hasWorkspace, run: () => useUi.getState().showView('runs') },
  { id: 'monitor.show', title: 'Show Monitor', enabled: hasWorkspace, run: () => useUi.getState().showView('monitor') },
  { id: 'terminal.new', title: 'Terminal: New Terminal', shortcut: 'Ctrl+`', inTerminal: true, enabled: isConnected, run: () => useTerminals.getState().open() },
  { id: 'terminal.show', title: 'Terminal: Show Terminals', enabled: hasWorkspace, run: () => useUi.getState().showPanel('terminal') },
  { id: 'server.check', title: 'Server: Check Server', enabled: isConnected, run: () => serverCheck.check() },
  { id: 'server.setUp', title: 'Server: Set Up Data Folders (model, data, output)', enabled: isConnected, run: () => serverCheck.setUp() },
  { id: 'journal.show', title: 'Show Journal', enabled: hasWorkspace, run: () => useUi.getState().showView('journal') },
  { id: 'journal.new', title: 'Journal: New Entry…', enabled: hasWorkspace, run: () => newJournalEntry() },
  {
    id: 'git.showStash',
    title: 'Git: Show Latest Stash',
    enabled: () => inRepository() && useGit.getState().stashes.length > 0,
    run: () => {
      const latest = useGit.getState().stashes[0];
      if (latest) useEditor.getState().openPatch(latest.base, latest.oid, `stash@{0}: ${latest.message}`, latest.untracked);
    },
  },
  { id: 'git.stashPop', title: 'Git: Pop Latest Stash', enabled: () => inRepository() && useGit.getState().stashes.length > 0, run: () => useGit.getState().stashPop(0) },
  {
    id: 'sync.compareWithServer',
    title: "Compare with Server's Copy",
    enabled: () => useSync.getState().status.connection === 'connected' && activeFilePath() !== null,
    run: () => compareWithServer(activeFilePath() as string),
  },
  {
    id: 'diff.compareProjectWithServer',
    title: 'Compare Project Folder with Server',
    enabled: () => useSync.getState().status.connection === 'connected',
    run: () => useEditor.getState().openFolderCompare('', { kind: 'server' }),
  },
  {
    id: 'diff.compareFolders',
    title: 'Compare Two Folders…',
    enabled: hasWorkspace,
    run: async () => {
      const left = await promptText('Compare folders', 'First folder (in the project; empty for the whole project)', '', 'Next');
      if (left === null) return;
      const right = await promptText('Compare folders', `Compare ${left || 'the project'} with which folder?`, '', 'Compare');
      if (right !== null) useEditor.getState().openFolderCompare(left.trim(), { kind: 'local', path: right.trim() });
    },
  },
  {
    id: 'diff.compareFiles',
    title: 'Compare Two Files…',
    enabled: hasWorkspace,
    run: async () => {
      const left = await promptText('Compare files', 'First file (left, in the project)', activeFilePath() ?? '', 'Next');
      if (!left?.trim()) return;
      const right = await promptText('Compare files', `Compare ${left.trim()} with which file? (right, editable)`, '', 'Compare');
      if (!right?.trim()) return;
      useEditor.getState().openGitDiff({ path: right.trim(), oldPath: left.trim(), left: { kind: 'worktree' }, right: { kind: 'worktree' }, leftLabel: left.trim(), rightLabel: right.trim() });
    },
  },
  { id: 'git.fetch', title: 'Git: Fetch', enabled: inRepository, run: () => useGit.getState().fetch() },
  { id: 'git.pull', title: 'Git: Pull', enabled: inRepository, run: () => useGit.getState().pull('ff-only') },
  { id: 'git.pullRebase', title: 'Git: Pull (Rebase)', enabled: inRepository, run: () => useGit.getState().pull('rebase') },
  { id: 'git.push', title: 'Git: Push', enabled: inRepository, run: () => useGit.getState().push(false) },
  { id: 'git.fileHistory', title: 'Git: Show File History', enabled: () => inRepository() && activeFilePath() !== null, run: () => useEditor.getState().openFileHistory(activeFilePath() as string) },
  { id: 'git.toggleBlame', title: 'Git: Toggle Blame', enabled: () => inRepository() && activeFilePath() !== null && hasActiveCodeEditor(), run: () => toggleBlame(activeFilePath() as string) },
  { id: 'view.toggleSideBar', title: 'Toggle Side Bar', shortcut: 'Mod+B', run: () => useUi.getState().toggleSideBar() },
  { id: 'view.togglePanel', title: 'Toggle Panel', shortcut: 'Mod+J', run: () => useUi.getState().togglePanel() },
  {
    id: 'view.toggleTheme',
    title: 'Toggle Light/Dark Theme',
    run: () => {
      const { settings, setTheme } = useSettings.getState();
      return setTheme(settings.theme === 'dark' ? 'light' : 'dark');
    },
  },
  { id: 'view.lightTheme', title: 'Use Light Theme', run: () => useSettings.getState().setTheme('light') },
  { id: 'view.darkTheme', title: 'Use Dark Theme', run: () => useSettings.getState().setTheme('dark') },
  {
    id: 'editor.toggleVim',
    title: 'Toggle Vim Mode',
    run: () => {
      const { settings, setVimMode } = useSettings.getState();
      return setVimMode(!settings.vimMode);
    },
  },
];

async function openFolder(): Promise<void> {
  // Unsaved edits of the current project are settled first (save / discard / cancel).
  if (!(await useEditor.getState().closeAll())) return;
  const app = useSettings.getState().app;
  if (app?.canPickFolder) return useWorkspace.getState().pickAndOpen();
  // Web mode: the folder path field lives in the welcome view; go back to it.
  useWorkspace.getState().showWelcome();
}

/** One target: activate it; several: the Server view lists them with their Activate buttons. */
async function activateTarget(): Promise<void> {
  useUi.getState().showView('server');
  const sync = useSync.getState();
  await sync.load();
  const { targets } = useSync.getState();
  const only = targets[0];
  if (targets.length === 0) useSync.getState().newDraft();
  else if (targets.length === 1 && only) await useSync.getState().activate(only.name);
}

function hasServerSelection(): boolean {
  return remote.serverReady() && remote.selectedEntry() !== undefined;
}

/** Brings "Files on <target>" into view (expanded), then runs the action. */
async function showServerFiles(action?: () => void | Promise<void>): Promise<void> {
  useUi.getState().showView('server');
  useRemoteTree.getState().setCollapsed(false);
  remote.attachActiveTarget();
  await action?.();
}

/** The active server's copy (left) against the file here (right, editable). */
function compareWithServer(path: string): void {
  const target = useSync.getState().status.target;
  if (target === null) return;
  useEditor.getState().openGitDiff({ path, left: { kind: 'server', target }, right: { kind: 'worktree' }, rightLabel: 'here' });
}

async function stageAll(): Promise<void> {
  const repo = repoStatus(useGit.getState().status);
  if (repo) await useGit.getState().stage([...repo.unstaged, ...repo.untracked, ...repo.conflicted].map((file) => file.path));
}

async function unstageAll(): Promise<void> {
  const repo = repoStatus(useGit.getState().status);
  if (repo) await useGit.getState().unstage(repo.staged.map((file) => file.path));
}

async function commitFromPalette(amend: boolean): Promise<void> {
  const initial = amend ? await api().git.lastMessage({}) : '';
  await askThen(amend ? 'Amend the last commit' : 'Commit staged changes', 'Commit message', (message) => useGit.getState().commit(message, amend).then(() => undefined), initial);
}

async function askThen(title: string, label: string, then: (value: string) => Promise<void>, initial = ''): Promise<void> {
  const value = await promptText(title, label, initial);
  if (value !== null && value.trim() !== '') await then(value.trim());
}

export function runCommand(id: string): void {
  const command = COMMANDS.find((candidate) => candidate.id === id);
  if (command && (command.enabled?.() ?? true)) void command.run();
}
