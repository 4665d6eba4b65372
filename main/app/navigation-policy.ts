import { isAppUrl } from './app-origin';

/**
 * Decisions behind security.ts, pure so they are unit-tested. The renderer is a single page:
 * it may reload itself, nothing else. Links to the web are not followed inside the window.
 */
export function isAllowedNavigation(url: string, origins: readonly string[]): boolean {
  return isAppUrl(url, origins);
}

/**
 * Web permissions the app's own page may have. Everything (camera, geolocation, notifications,
 * clipboard reading, ...) is refused except writing sanitized text to the clipboard, which
 * Monaco's "Copy" context-menu item uses; any other origin gets nothing at all.
 */
const GRANTED_TO_APP = new Set(['clipboard-sanitized-write']);

export function isAllowedPermission(permission: string, requestingUrl: string, origins: readonly string[]): boolean {
  return GRANTED_TO_APP.has(permission) && isAppUrl(requestingUrl, origins);
}
