import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { CONTENT_SECURITY_POLICY, contentTypeFor } from '../host';
import { APP_SCHEME } from './app-origin';
import { rendererFileForUrl } from './app-protocol-path';

/**
 * `app://` must be declared before the app is ready: standard (so relative URLs, origins and
 * localStorage work like https) and secure (a secure context, no mixed-content downgrade).
 * No `bypassCSP`, no `corsEnabled`: the page is held to its own policy.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves the built renderer under `app://labdesk/`, every response with the app's CSP header. */
export function serveRendererOverAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' ? rendererFileForUrl(rendererDir, request.url) : null;
    const body = file === null ? null : await readFile(file).catch(() => null);
    if (file === null || body === null) {
      return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      },
    });
  });
}
