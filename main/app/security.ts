import { app, session, shell, type WebContents } from 'electron';
import { isAllowedNavigation, isAllowedPermission } from './navigation-policy';

/**
 * Process-wide hardening (Electron security checklist #5, #12, #13, #14), installed before the
 * first window: every webContents may only show the app's origin, opens no windows (an http(s)
 * link goes to the browser), attaches no `<webview>`, and gets no web permissions beyond what
 * navigation-policy.ts allows.
 */
export function installSecurityHandlers(trustedOrigins: readonly string[]): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url, trustedOrigins)) {
        event.preventDefault();
        console.warn(`[labdesk] blocked navigation to ${url}`);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url, trustedOrigins)) {
        event.preventDefault();
        console.warn(`[labdesk] blocked redirect to ${url}`);
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // A web link (a terminal's, a journal's) opens in the person's browser, never in the app.
      if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
      else console.warn(`[labdesk] blocked a new window for ${url}`);
      return { action: 'deny' };
    });
  });

  const defaultSession = session.defaultSession;
  defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isAllowedPermission(permission, details.requestingUrl, trustedOrigins));
  });
  defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isAllowedPermission(permission, requestingOrigin, trustedOrigins),
  );
}
