import { formatBytes } from '../app/format';
import { api } from '../api/client';
import { useNotifications } from '../state/notifications-store';
import { useSettings } from '../state/settings-store';
import { useTasks } from '../state/tasks-store';
import { useUi } from '../state/ui-store';
import { useWorkspace } from '../state/workspace-store';
import type { TaskProgress } from '../../../preload/api';
import { languageName } from '../editor/languages';
import { activeTab, useEditor } from '../state/editor-store';
import { describeSync, useSync } from '../sync/sync-store';
import { repoStatus, useGit } from '../git/git-store';
import { MonitorStatusItems } from '../monitor/MonitorStatusItem';

/** "gpu1 ● connected · sync: up to date"; click → the Server view (UI.md). */
function SyncItem() {
  const status = useSync((state) => state.status);
  const showView = useUi((state) => state.showView);
  const hasWorkspace = useWorkspace((state) => state.info !== null);
  if (!hasWorkspace) return null;
  if (status.target === null) {
    return (
      <button type="button" className="status-button" aria-label="Sync status: no server" onClick={() => showView('server')}>
        ○ no server
      </button>
    );
  }
  const { connection, sync } = describeSync(status);
  const label = `${status.target} ${connection} · sync: ${sync}${status.error ? ` — ${status.error}` : ''}`;
  return (
    <button
      type="button"
      className={`status-button sync-status conn-${status.connection}${status.conflicts.length > 0 ? ' has-conflicts' : ''}`}
      aria-label={`Sync status: ${label}`}
      title={status.error ?? label}
      onClick={() => showView('server')}
    >
      {status.target} <span aria-hidden="true">●</span> {connection} · sync: {sync}
      {status.error && <span className="sync-error-mark"> ⚠</span>}
    </button>
  );
}

/** The branch (or detached HEAD) and how many files changed; click → the Source control view. */
function BranchItem() {
  const repo = useGit((state) => repoStatus(state.status));
  const showView = useUi((state) => state.showView);
  if (!repo) return null;
  const where = repo.branch ?? (repo.head ? `detached at ${repo.head.slice(0, 8)}` : 'no commits yet');
  const changed = repo.staged.length + repo.unstaged.length + repo.untracked.length + repo.conflicted.length;
  return (
    <button type="button" className="status-button" aria-label={`Branch: ${where}, ${changed} changed files`} title="Source control" onClick={() => showView('git')}>
      ⎇ {where}
      {changed > 0 && ` · ${changed}`}
    </button>
  );
}

function TaskItem({ task }: { task: TaskProgress }) {
  if (task.state !== 'running') {
    // Finished work is no longer progress: one plain line, no bar and no cancel, for the moment
    // the tasks store keeps it ("Indexing vision-lab done: 12 files").
    const mark = task.state === 'done' ? '✓ ' : task.state === 'failed' ? '⚠ ' : '';
    return (
      <span className="status-item" title={task.message}>
        {mark}
        {task.title} {task.state}: {task.done.toLocaleString()} {task.unit}
        {task.bytes && ` · ${formatBytes(task.bytes.done)}`}
      </span>
    );
  }
  const counts = task.total !== null ? `${task.done.toLocaleString()} / ${task.total.toLocaleString()}` : task.done.toLocaleString();
  const bytes = task.bytes ? (task.bytes.total !== null ? `${formatBytes(task.bytes.done)} / ${formatBytes(task.bytes.total)}` : formatBytes(task.bytes.done)) : null;
  // The bar follows bytes when known (one big file moves it too), else the count.
  const bar = task.bytes && task.bytes.total ? { max: task.bytes.total, value: task.bytes.done } : task.total !== null ? { max: task.total, value: task.done } : {};
  return (
    <div className="status-task">
      <span>
        {task.title}: {counts} {task.unit}
        {bytes && ` · ${bytes}`}
      </span>
      <progress aria-label={task.title} {...bar} />
      {task.cancellable && (
        <button type="button" className="status-button" aria-label={`Cancel ${task.title}`} onClick={() => void api().tasks.cancel({ id: task.id })}>
          Cancel
        </button>
      )}
    </div>
  );
}

/** Always visible: the project, long work with counts and cancel, theme, notifications. */
export function StatusBar() {
  const info = useWorkspace((state) => state.info);
  const tasks = useTasks((state) => state.tasks);
  const { settings, setTheme, setVimMode } = useSettings();
  const history = useNotifications((state) => state.history);
  const togglePanel = useUi((state) => state.togglePanel);
  const problems = history.filter((n) => n.level !== 'info').length;
  const nextTheme = settings.theme === 'dark' ? 'light' : 'dark';
  const tab = useEditor(activeTab);
  const language = (tab?.kind === 'file' || tab?.kind === 'remote-file') && tab.status === 'text' ? languageName(tab.path) : null;

  return (
    <footer className="status-bar" aria-label="Status bar">
      <div className="status-left">
        <span className="status-item" title={info?.root}>
          {info ? info.name : 'No folder open'}
        </span>
        <SyncItem />
        <MonitorStatusItems />
        <BranchItem />
        {tasks.map((task) => (
          <TaskItem key={task.id} task={task} />
        ))}
      </div>
      <div className="status-right">
        {language && (
          <span className="status-item" role="status" aria-label="Language">
            {language}
          </span>
        )}
        <button type="button" className="status-button" aria-pressed={settings.vimMode} onClick={() => void setVimMode(!settings.vimMode)}>
          Vim: {settings.vimMode ? 'on' : 'off'}
        </button>
        <button type="button" className="status-button" aria-label={`Switch to ${nextTheme} theme`} onClick={() => void setTheme(nextTheme)}>
          {settings.theme === 'dark' ? '☾ Dark' : '☀ Light'}
        </button>
        <button type="button" className="status-button" aria-label={`Notifications: ${problems} warnings or errors`} onClick={togglePanel}>
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11zM6.5 13.5a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
          </svg>
          {problems > 0 && ` ${problems}`}
        </button>
      </div>
    </footer>
  );
}
