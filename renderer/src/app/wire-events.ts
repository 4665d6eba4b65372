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
import { useMonitor } from '../monitor/monitor-store';
import { useServerTools } from '../server/server-actions';
import { terminalOutput } from '../terminal/terminal-output';
import { useTerminals } from '../terminal/terminal-store';

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
    useTerminals.getState().reset();
    useServerTools.getState().reset();
    useMonitor.getState().reset();
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
  api.on('terminal.data', ({ id, data }) => terminalOutput(id, data));
  api.on('terminal.state', ({ id, state, message }) => useTerminals.getState().stateChanged(id, state, message));
  api.on('monitor.sample', ({ sample, alerts }) => {
    useMonitor.getState().add(sample);
    // Each alert comes once, when its condition starts (main/monitor/alerts.ts).
    for (const alert of alerts) notify('warning', alert.message, { id: alert.key, source: alert.target });
  });
  // The monitor samples only while the window is visible: a hidden window costs the server nothing.
  const watchMonitor = () =>
    void api.monitor
      .watch({ visible: document.visibilityState === 'visible' })
      .then(({ watched }) => useMonitor.getState().setWatched(watched))
      .catch(() => undefined);
  document.addEventListener('visibilitychange', watchMonitor);
  watchMonitor();
  api.on('command', ({ id }) => runCommand(id));
}
