import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import { defaultConfigDir, SettingsStore } from '../settings';
import { APP_INDEX_URL, APP_ORIGIN, originOf } from './app-origin';
import { registerAppScheme, serveRendererOverAppScheme } from './app-protocol';
import { openAppWindow, type WindowContext } from './app-window';
import { registerCallChannel } from './ipc';
import { folderFromArgv } from './launch-args';
import { installApplicationMenu } from './menu';
import { installSecurityHandlers } from './security';

/**
 * Electron entry (bundled to out/main/index.js). Wires the pieces of main/app together:
 * one process, one window per launch (`electron . ~/proj`, a second `labdesk ~/proj` opens a
 * window in the running instance), each window with its own Session over the shared services.
 */

// The same folder as the CLI and `labdesk web` (LABDESK_CONFIG_DIR overrides it, which also keeps
// tests out of the real profile). It also keys the single-instance lock, so must come first.
app.setName('Labdesk');
app.setPath('userData', defaultConfigDir());
registerAppScheme();

const launchFolder = folderFromArgv(process.argv, { defaultApp: process.defaultApp === true, cwd: process.cwd(), home: os.homedir() });

if (!app.requestSingleInstanceLock({ folder: launchFolder })) {
  // Another Labdesk is running; it received our folder through 'second-instance'.
  app.quit();
} else {
  void start().catch((error: unknown) => {
    console.error('[labdesk] failed to start:', error);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const isDev = !app.isPackaged;
  // `electron-vite dev` serves the renderer with hot reload; only honoured in development.
  const devServerUrl = isDev ? process.env.ELECTRON_RENDERER_URL : undefined;
  const devOrigin = devServerUrl === undefined ? null : originOf(devServerUrl);
  const trustedOrigins = devOrigin === null ? [APP_ORIGIN] : [APP_ORIGIN, devOrigin];
  const appRoot = app.getAppPath();
  const devIcon = path.join(appRoot, 'build', 'icon.png');
  const context: WindowContext = {
    sessions: new Map(),
    trustedOrigins,
    rendererUrl: devServerUrl ?? APP_INDEX_URL,
    preloadPath: path.join(appRoot, 'out', 'preload', 'index.cjs'),
    configDir: app.getPath('userData'),
    settings: new SettingsStore(app.getPath('userData')),
    ...(isDev && existsSync(devIcon) && { iconPath: devIcon }),
  };
  const newWindow = (folder: string | null) =>
    openAppWindow(context, folder).catch((error: unknown) => {
      console.error('[labdesk] could not open a window:', error);
      return null;
    });

  await app.whenReady();
  installSecurityHandlers(trustedOrigins);
  serveRendererOverAppScheme(path.join(appRoot, 'out', 'renderer'));
  registerCallChannel(context.sessions, trustedOrigins);
  installApplicationMenu({
    isMac: process.platform === 'darwin',
    isDev,
    newWindow: () => void newWindow(null),
    openFolder: (window) => {
      const target = window instanceof BrowserWindow ? window : BrowserWindow.getFocusedWindow();
      const session = target === null ? undefined : context.sessions.get(target.webContents.id);
      if (session !== undefined) {
        // The renderer's own command settles unsaved edits first, then shows the picker.
        session.events.emit('command', { id: 'workspace.openFolder' });
        return;
      }
      void newWindow(null).then((opened) => opened?.session.pickAndOpen().catch((error: unknown) => console.error('[labdesk]', error)));
    },
  });

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const forwarded = (additionalData as { folder?: unknown } | null)?.folder;
    const folder =
      typeof forwarded === 'string'
        ? forwarded
        : folderFromArgv(argv, { defaultApp: process.defaultApp === true, cwd: workingDirectory, home: os.homedir() });
    void newWindow(folder);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void newWindow(null);
  });

  await newWindow(launchFolder);
}
