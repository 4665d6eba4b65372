import { app, BrowserWindow, dialog, shell } from 'electron';
import { Session } from '../api';
import type { SettingsStore } from '../settings';
import { forwardEvents } from './ipc';
import { createWindowOptions } from './window-options';

export interface WindowContext {
  /** Session of every open window by webContents id; the IPC sender check trusts exactly these. */
  readonly sessions: Map<number, Session>;
  readonly trustedOrigins: readonly string[];
  /** `app://labdesk/index.html` (or the electron-vite dev server in development). */
  readonly rendererUrl: string;
  readonly preloadPath: string;
  readonly configDir: string;
  /** One store for all windows (recent projects, theme). */
  readonly settings: SettingsStore;
  readonly iconPath?: string;
}

export interface AppWindow {
  readonly window: BrowserWindow;
  readonly session: Session;
}

/**
 * One window = one `Session` (its workspace, watcher, tasks), registered for IPC while the window
 * lives and disposed with it. `folder` comes from the command line (or a second launch).
 */
export async function openAppWindow(context: WindowContext, folder: string | null): Promise<AppWindow> {
  const window = new BrowserWindow(
    createWindowOptions(context.preloadPath, context.iconPath === undefined ? {} : { icon: context.iconPath }),
  );
  const contents = window.webContents;
  const id = contents.id;
  const session = new Session({
    host: 'electron',
    version: app.getVersion(),
    configDir: context.configDir,
    moveToTrash: (absolutePath) => shell.trashItem(absolutePath),
    pickFolder: async () => {
      const result = await dialog.showOpenDialog(window, { title: 'Open Folder', properties: ['openDirectory', 'createDirectory'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  }, context.settings);
  context.sessions.set(id, session);
  const stopEvents = forwardEvents(session, contents, context.trustedOrigins);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    stopEvents();
    context.sessions.delete(id);
    void session.close();
  });
  contents.on('render-process-gone', (_event, details) => {
    console.error(`[labdesk] window ${id}: renderer ${details.reason} (exit code ${details.exitCode})`);
  });

  // The folder opens while the page loads. The renderer subscribes to events before it asks for
  // `workspace.current`, so it sees the folder either way ('workspace.opened' or the answer).
  const opening =
    folder === null
      ? Promise.resolve()
      : session.openWorkspace(folder).then(
          () => undefined,
          (error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            console.error(`[labdesk] could not open ${folder}: ${message}`);
            const tell = () => void dialog.showMessageBox(window, { type: 'warning', message: `Could not open ${folder}`, detail: message });
            if (window.isDestroyed()) return;
            if (window.isVisible()) tell();
            else window.once('show', tell);
          },
        );
  await window.loadURL(context.rendererUrl).catch((error: unknown) => {
    console.error(`[labdesk] could not load ${context.rendererUrl}:`, error);
  });
  await opening;
  return { window, session };
}
