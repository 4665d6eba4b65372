import type { Api } from '../api/client';
import { useEditor } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useSettings } from '../state/settings-store';
import { useTasks } from '../state/tasks-store';
import { useWorkspace } from '../state/workspace-store';
import { useSync } from '../sync/sync-store';
import { useGit } from '../git/git-store';
import { useJournal } from '../journal/journal-store';
import { useRuns } from '../runs/runs-store';
import { useGraph } from '../git/graph-store';
import { runCommand } from './commands';

/** What the graph shows beyond the working tree: HEAD, the branches and the stashes. */
function historySignature(): string {
  const { status, branches, stashes } = useGit.getState();
  const head = status?.repository ? `${status.head ?? ''}@${status.branch ?? ''}` : '';
  return [head, ...branches.map((branch) => `${branch.name}=${branch.oid}`), ...stashes.map((entry) => entry.oid)].join(' ');
}

let gitTimer: ReturnType<typeof setTimeout> | null = null;
/** Saves and outside edits change the status; one read per quiet moment is enough. */
function refreshGitSoon(): void {
  if (gitTimer) return;
  gitTimer = setTimeout(() => {
    gitTimer = null;
    void useGit.getState().refresh();
  }, 300);
}

/** Main → renderer events go to the stores that own the state they describe. */
export function wireEvents(api: Api): void {
  api.on('workspace.changed', ({ changes }) => {
    useWorkspace.getState().applyChanges(changes);
    void useEditor.getState().handleDiskChanges(changes);
    refreshGitSoon();
  });
  api.on('workspace.opened', (info) => {
    if (useWorkspace.getState().info?.root !== info.root) {
      useEditor.getState().reset();
      useWorkspace.getState().opened(info);
    }
    void useSettings.getState().refresh();
    useSync.getState().reset();
    void useSync.getState().load();
    useGit.getState().reset();
    useJournal.setState({ loaded: false, entries: [], hits: null, query: '', tag: '' });
    useRuns.setState({ loaded: false, runs: [], error: null });
    useGraph.getState().reset();
    void useGit.getState().refresh();
  });
  api.on('git.changed', () => {
    const before = historySignature();
    void useGit
      .getState()
      .refresh()
      .then(() => {
        // An open graph follows the history (a commit adds a row on top, a checkout moves HEAD),
        // but staging or an edit does not reread 100k commits.
        if (useGraph.getState().summary && historySignature() !== before) void useGraph.getState().reload();
      });
  });
  api.on('git.graph', (summary) => useGraph.getState().applySummary(summary));
  api.on('journal.changed', () => void useJournal.getState().load());
  api.on('runs.changed', () => void useRuns.getState().load());
  api.on('sync.status', (status) => useSync.getState().setStatus(status));
  void useSync.getState().refreshStatus();
  api.on('notification', (notification) => {
    notify(notification.level, notification.message, {
      id: notification.id,
      ...(notification.source !== undefined && { source: notification.source }),
    });
  });
  api.on('progress', (progress) => useTasks.getState().update(progress));
  api.on('command', ({ id }) => runCommand(id));
}
