import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';

/**
 * Maps an `app://labdesk/...` request to a file of the built renderer (pure, unit-tested).
 * Returns null for anything that is not ours or could leave `rendererDir`: other hosts, `..`
 * (also when percent-encoded, which the URL parser leaves alone: `%2e%2e%2f`), backslashes,
 * NUL bytes, absolute paths and drive letters. Null means 404; nothing else is read.
 */
export function rendererFileForUrl(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  const relative = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  if (relative === '') return path.join(rendererDir, 'index.html');
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative.startsWith('/') || /^[a-zA-Z]:/.test(relative)) return null;
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return null;
  const file = path.resolve(rendererDir, ...segments.filter((segment) => segment !== ''));
  const fromRoot = path.relative(path.resolve(rendererDir), file);
  if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return null;
  return file;
}
