/**
 * Where the renderer lives: the privileged `app://labdesk/` scheme (Electron security checklist
 * #18: prefer a custom protocol to file://). Pure: no Electron values, unit-tested in plain Node.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'labdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The origin of a URL as `scheme://host[:port]`, or null when it has none (file:, data:,
 * about:blank, unparsable text). Node's `URL#origin` is "null" for every non-special scheme,
 * `app:` included, so for those it is assembled from protocol and host. Hosts compare
 * case-insensitively, as Chromium lowercases them for standard schemes.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.origin !== 'null') return parsed.origin;
  if (parsed.protocol === 'file:' || parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host.toLowerCase()}`;
}

/**
 * True when `url` belongs to one of `origins` (by default only the app's own). Compares whole
 * origins, never prefixes: `app://labdesk.evil` and `app://labdesk:1` are different origins.
 */
export function isAppUrl(url: string, origins: readonly string[] = [APP_ORIGIN]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}
