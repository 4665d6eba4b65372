import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsExtra {
  /** Window icon (Linux/Windows in development; packaged apps take it from the installer). */
  readonly icon?: string;
}

/**
 * Options of every Labdesk window. Pure (type-only Electron import) so a unit test pins the
 * security-relevant set: sandboxed, isolated renderer without Node, web security on, no
 * `<webview>`. The window stays hidden until its first paint (`ready-to-show`).
 */
export function createWindowOptions(preloadPath: string, extra: WindowOptionsExtra = {}): BrowserWindowConstructorOptions {
  return {
    title: 'Labdesk',
    width: 1280,
    height: 820,
    minWidth: 640,
    minHeight: 400,
    show: false,
    // The dark theme's --bg, so there is no white flash before the renderer paints.
    backgroundColor: '#1e1e1e',
    ...(extra.icon !== undefined && { icon: extra.icon }),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  };
}
