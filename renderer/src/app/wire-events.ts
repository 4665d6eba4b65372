import type { Api } from '../api/client';
import { useEditor } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useSettings } from '../state/settings-store';
import { useTasks } from '../state/tasks-store';
import { useWorkspace } from '../state/workspace-store';
import { useSync } from '../sync/sync-store';
import { runCommand } from './commands';

/** Main → renderer events go to the stores that own the state they describe. */
export function wireEvents(api: Api): void {
  api.on('workspace.changed', ({ changes }) => {
    useWorkspace.getState().applyChanges(changes);
    void useEditor.getState().handleDiskChanges(changes);
  });
  api.on('workspace.opened', (info) => {
    if (useWorkspace.getState().info?.root !== info.root) {
      useEditor.getState().reset();
      useWorkspace.getState().opened(info);
    }
    void useSettings.getState().refresh();
    useSync.getState().reset();
    void useSync.getState().load();
  });
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
