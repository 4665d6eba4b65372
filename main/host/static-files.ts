import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { isInside } from '../workspace';
import { contentTypeFor } from './content-types';

/** The same policy as the `<meta>` tag in renderer/index.html; Monaco needs inline styles only. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self'; " +
  "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves one file of the built renderer; anything outside `rendererDir` is a 404. */
export async function serveStatic(rendererDir: string, urlPath: string, response: ServerResponse): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    decoded = '';
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const file = path.resolve(rendererDir, relative);
  const info = isInside(rendererDir, file) ? await stat(file).catch(() => null) : null;
  if (!info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    return;
  }
  const body = await readFile(file);
  response.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'private, max-age=3600',
  });
  response.end(body);
}
