import type { BaseWindow, MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  readonly isMac: boolean;
  /** `!app.isPackaged`: reload and developer tools are for development only. */
  readonly isDev: boolean;
  readonly newWindow: () => void;
  /** "Open Folder…" for the focused window (undefined when none is focused). */
  readonly openFolder: (window: BaseWindow | undefined) => void;
}

/**
 * The native menu, as a pure template (type-only Electron import, unit-tested). It is small on
 * purpose: the renderer's command palette has every action. Shortcuts the renderer owns
 * (Ctrl/Cmd+O, +W, +S) are not registered here, so a key press never fires twice; Close
 * Window therefore uses Ctrl/Cmd+Shift+W, as in VS Code, since Ctrl/Cmd+W closes an editor tab.
 */
export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, isDev } = options;
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'New Window', accelerator: 'CmdOrCtrl+Shift+N', click: () => options.newWindow() },
      {
        label: 'Open Folder…',
        accelerator: 'CmdOrCtrl+O',
        registerAccelerator: false,
        click: (_item, window) => options.openFolder(window),
      },
      { type: 'separator' },
      { label: 'Close Window', role: 'close', accelerator: 'CmdOrCtrl+Shift+W' },
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      // Ctrl+Shift+V is how terminals paste (Ctrl+V is the shell's own there).
      { role: 'pasteAndMatchStyle', accelerator: 'CmdOrCtrl+Shift+V' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(isDev ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, { type: 'separator' } as const] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  // Spelled out rather than role 'windowMenu', whose Linux/Windows variant adds Close on Ctrl+W.
  const windowMenu: MenuItemConstructorOptions = {
    label: '&Window',
    role: 'window',
    submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(isMac ? [{ type: 'separator' } as const, { role: 'front' } as const] : [])],
  };
  return [...(isMac ? [{ role: 'appMenu' } as const] : []), file, edit, view, windowMenu];
}
