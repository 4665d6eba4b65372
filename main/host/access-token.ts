import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookie name includes the port: cookies on 127.0.0.1 are shared by every port. */
export function tokenCookieName(port: number): string {
  return `labdesk_token_${port}`;
}

export function tokensEqual(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request carries, from `?token=` or the port's cookie. */
export function tokenFromRequest(request: IncomingMessage, port: number): { token: string | null; fromQuery: boolean } {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const query = url.searchParams.get('token');
  if (query) return { token: query, fromQuery: true };
  const name = tokenCookieName(port);
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return { token: value.join('='), fromQuery: false };
  }
  return { token: null, fromQuery: false };
}

/**
 * Host and Origin checks defeat DNS rebinding and cross-site pages: only pages served by this
 * host, addressed by loopback name and our port, may talk to it.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (!origin) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && allowedHosts(port).has(url.host);
  } catch {
    return false;
  }
}
