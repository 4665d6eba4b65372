import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { dispatch, type Session } from '../api';
import { allowedHosts, isAllowedOrigin, newAccessToken, tokenCookieName, tokenFromRequest, tokensEqual } from './access-token';
import { serveStatic } from './static-files';

export interface WebHostOptions {
  readonly session: Session;
  /** Folder of the built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly token?: string;
}

export interface WebHost {
  readonly port: number;
  readonly token: string;
  /** The address to open in a browser; it carries the token. */
  readonly url: string;
  close(): Promise<void>;
}

/** Largest message accepted: a 50 MB file save plus JSON overhead. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * Serves the built renderer and the API over a WebSocket on 127.0.0.1 only. Every request needs
 * the random token (query once, then an HttpOnly cookie), the loopback Host header, and for the
 * WebSocket a same-origin Origin header. This is how `labdesk web` and the e2e tests run the app.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newAccessToken();
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const authorised = (request: IncomingMessage) => {
    if (!allowedHosts(port).has(request.headers.host ?? '')) return false;
    return tokensEqual(token, tokenFromRequest(request, port).token);
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!authorised(request)) {
      response.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Labdesk: this address needs its access token. Open the full URL printed by `labdesk web`.');
      return;
    }
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.searchParams.has('token')) {
      // Trade the token in the address bar for a cookie, so it leaves history and screenshots.
      response.writeHead(303, {
        'Set-Cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
      });
      response.end();
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    void serveStatic(options.rendererDir, url.pathname, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/api' || !authorised(request) || !isAllowedOrigin(request.headers.origin, port)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveConnection(ws, options.session));
  });

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface CallMessage {
  readonly id: number;
  readonly method: string;
  readonly arg: unknown;
}

function serveConnection(ws: WebSocket, session: Session): void {
  const unsubscribe = session.events.subscribe((event, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
  });
  ws.on('close', unsubscribe);
  ws.on('message', (data, isBinary) => {
    const message = isBinary ? null : parseCall(data.toString());
    if (!message) {
      ws.close(1003, 'Expected {id, method, arg} JSON');
      return;
    }
    void dispatch(session, message.method, message.arg).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, result }));
    });
  });
}

function parseCall(text: string): CallMessage | null {
  try {
    const value = JSON.parse(text) as Partial<CallMessage>;
    return typeof value === 'object' && value !== null && typeof value.id === 'number' && typeof value.method === 'string'
      ? { id: value.id, method: value.method, arg: value.arg }
      : null;
  } catch {
    return null;
  }
}
