import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { CallResult } from '../../preload/api';
import { Session } from '../../main/api/session';
import { tokenCookieName } from '../../main/host/access-token';
import { CONTENT_SECURITY_POLICY } from '../../main/host/static-files';
import { startWebHost, type WebHost } from '../../main/host/web-host';
import { TempDirs, waitFor, writeTree } from '../fixtures/temp-project';

const INDEX_HTML = '<!doctype html><title>Labdesk test</title><script type="module" src="/assets/app.js"></script>';

const temp = new TempDirs();
let session: Session;
let host: WebHost;
let rendererDir: string;
let projectDir: string;
let base: string;

before(async () => {
  base = await temp.make('labdesk-web-');
  rendererDir = path.join(base, 'renderer');
  projectDir = path.join(base, 'project');
  await writeTree(base, {
    'secret.txt': 'outside the renderer dir',
    'renderer/index.html': INDEX_HTML,
    'renderer/assets/app.js': 'console.log("app")',
    'renderer/assets/style.css': 'body{}',
    'project/README.md': '# project\n',
  });
  await mkdir(path.join(base, 'config'));
  session = new Session({
    host: 'web',
    version: '0.0.0-test',
    configDir: path.join(base, 'config'),
    moveToTrash: async () => {
      throw new Error('delete is not used in these tests');
    },
  });
  host = await startWebHost({ session, rendererDir });
});

after(async () => {
  await host?.close();
  await session?.close();
  await temp.cleanup();
});

interface Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw HTTP request: the path is sent exactly as given (no URL normalisation). */
function get(rawPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path: rawPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cookie = () => `${tokenCookieName(host.port)}=${host.token}`;
const origin = () => `http://127.0.0.1:${host.port}`;

describe('web host over HTTP', () => {
  it('listens on 127.0.0.1 and prints a URL that carries the token', () => {
    assert.equal(host.url, `http://127.0.0.1:${host.port}/?token=${host.token}`);
    assert.ok(host.token.length >= 32);
  });

  it('without a token → 401 with a message saying what to do', async () => {
    const response = await get('/');
    assert.equal(response.status, 401);
    assert.match(response.body, /access token/);
    assert.equal((await get('/assets/app.js')).status, 401);
  });

  it('with a wrong token → 401 (query or cookie)', async () => {
    assert.equal((await get('/?token=wrong')).status, 401);
    assert.equal((await get(`/?token=${host.token}x`)).status, 401);
    assert.equal((await get('/', { Cookie: `${tokenCookieName(host.port)}=wrong` })).status, 401);
    // A wrong query token is not rescued by a right cookie.
    assert.equal((await get('/?token=wrong', { Cookie: cookie() })).status, 401);
  });

  it("another port's cookie is not accepted (cookies on 127.0.0.1 are shared by all ports)", async () => {
    assert.equal((await get('/', { Cookie: `${tokenCookieName(host.port + 1)}=${host.token}` })).status, 401);
  });

  it('the right token → 303 that trades it for an HttpOnly, SameSite=Strict, port-scoped cookie', async () => {
    const response = await get(`/?token=${host.token}`);
    assert.equal(response.status, 303);
    assert.equal(response.headers.location, '/');
    const setCookie = response.headers['set-cookie']?.[0] ?? '';
    assert.ok(setCookie.startsWith(`${cookie()};`), setCookie);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\//);
    const deep = await get(`/assets/app.js?token=${host.token}`);
    assert.equal(deep.status, 303);
    assert.equal(deep.headers.location, '/assets/app.js', 'the token leaves the address; the path stays');
  });

  it('GET / with the cookie → 200, the index page with a CSP header', async () => {
    const response = await get('/', { Cookie: `other=1; ${cookie()}` });
    assert.equal(response.status, 200);
    assert.equal(response.body, INDEX_HTML);
    assert.equal(response.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(response.headers['content-security-policy'] ?? '', /default-src 'none'/);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  it('serves assets with their content type', async () => {
    const js = await get('/assets/app.js', { Cookie: cookie() });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body, 'console.log("app")');
    assert.equal((await get('/assets/style.css', { Cookie: cookie() })).headers['content-type'], 'text/css; charset=utf-8');
    assert.equal((await get('/assets/missing.js', { Cookie: cookie() })).status, 404);
    assert.equal((await get('/assets', { Cookie: cookie() })).status, 404, 'a folder is not served');
  });

  it('a wrong Host header (DNS rebinding) → 401 even with the right token', async () => {
    for (const hostHeader of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1:${host.port + 1}`, `127.0.0.1.evil.example:${host.port}`]) {
      const response = await get('/', { Host: hostHeader, Cookie: cookie() });
      assert.equal(response.status, 401, hostHeader);
      assert.equal((await get(`/?token=${host.token}`, { Host: hostHeader })).status, 401, `${hostHeader} with ?token=`);
    }
    assert.equal((await get('/', { Host: `localhost:${host.port}`, Cookie: cookie() })).status, 200, 'localhost is fine');
  });

  it('static traversal attempts → 404, never a file outside the renderer folder', async () => {
    assert.equal(await readFile(path.join(base, 'secret.txt'), 'utf8'), 'outside the renderer dir');
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/x',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '//etc/passwd',
      '/%2Fetc%2Fpasswd',
      `/${'..%2f'.repeat(10)}etc/passwd`,
      '/%00',
    ];
    for (const attempt of attempts) {
      const response = await get(attempt, { Cookie: cookie() });
      assert.equal(response.status, 404, `${attempt} → ${response.status}`);
      assert.ok(!response.body.includes('outside the renderer dir'), attempt);
    }
    // A malformed escape is not decoded at all; it falls back to the index page, still inside.
    const malformed = await get('/%E0%A4%A', { Cookie: cookie() });
    assert.ok(malformed.status === 404 || malformed.body === INDEX_HTML, `malformed escape → ${malformed.status}`);
  });

  it('only GET serves files', async () => {
    assert.equal((await get('/', { Cookie: cookie() }, 'POST')).status, 405);
    assert.equal((await get('/', {}, 'POST')).status, 401);
  });
});

// ---------------------------------------------------------------------------------------------
// WebSocket

interface Message {
  readonly id?: number;
  readonly result?: CallResult;
  readonly event?: string;
  readonly payload?: unknown;
}

class Client {
  readonly messages: Message[] = [];
  private nextId = 1;
  closed: { code: number; reason: string } | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString()) as Message));
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  async call(method: string, arg: unknown): Promise<CallResult> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, arg }));
    const reply = await waitFor(`the reply to ${method}`, () => this.messages.find((m) => m.id === id), 5000, 5);
    return reply.result!;
  }

  event(name: string): Promise<Message> {
    return waitFor(`event ${name}`, () => this.messages.find((m) => m.event === name), 2000, 5);
  }

  async closedWith(): Promise<{ code: number; reason: string }> {
    return waitFor('the socket to close', () => this.closed ?? undefined, 2000, 5);
  }
}

const clients: WebSocket[] = [];
after(() => {
  for (const ws of clients) ws.terminate();
});

/** Opens a socket; resolves with a Client, or rejects with the handshake error. */
function connect(options: { path?: string; origin?: string | null; cookie?: boolean; query?: string; headers?: Record<string, string> } = {}): Promise<Client> {
  const url = `ws://127.0.0.1:${host.port}${options.path ?? '/api'}${options.query ?? ''}`;
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie ?? true) headers.Cookie = cookie();
  const ws = new WebSocket(url, { headers, ...(options.origin !== null && { origin: options.origin ?? origin() }) });
  clients.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(new Client(ws)));
    ws.once('error', reject);
  });
}

async function assertRefused(options: Parameters<typeof connect>[0], what: string) {
  await assert.rejects(connect(options), /Unexpected server response: 401/, what);
}

describe('web host over WebSocket', () => {
  it('without a token → refused', async () => {
    await assertRefused({ cookie: false }, 'no token');
    await assertRefused({ cookie: false, query: '?token=wrong' }, 'wrong token');
  });

  it('with the token but a foreign or missing Origin → refused', async () => {
    await assertRefused({ origin: 'http://evil.example' }, 'evil origin');
    await assertRefused({ origin: `http://127.0.0.1:${host.port + 1}` }, 'other port');
    await assertRefused({ origin: `https://127.0.0.1:${host.port}` }, 'https');
    await assertRefused({ origin: null }, 'no Origin header');
  });

  it('with the token but a foreign Host → refused', async () => {
    await assertRefused({ headers: { Host: `evil.example:${host.port}` } }, 'evil host');
  });

  it('only /api upgrades', async () => {
    await assertRefused({ path: '/' }, 'root path');
    await assertRefused({ path: '/api/x' }, 'sub path');
  });

  it('with token + correct Origin: a call round-trips (app.info says host "web")', async () => {
    const client = await connect();
    const result = await client.call('app.info', {});
    assert.deepEqual(result, { ok: true, value: { version: '0.0.0-test', host: 'web', platform: process.platform, canPickFolder: false } });
    client.ws.close();
  });

  it('the token may also come in the query string, and localhost is an allowed Origin', async () => {
    const client = await connect({ cookie: false, query: `?token=${host.token}`, origin: `http://localhost:${host.port}` });
    assert.equal((await client.call('app.info', {})).ok, true);
    client.ws.close();
  });

  it('a bad-argument call returns an error envelope and the socket stays open', async () => {
    const client = await connect();
    assert.deepEqual(await client.call('workspace.read', { path: 5 }), {
      ok: false,
      error: { code: 'bad-argument', argument: 'path', message: 'workspace.read: argument "path" is invalid: Invalid input: expected string, received number.' },
    });
    const unknown = await client.call('no.such.method', {});
    assert.equal(!unknown.ok && unknown.error.code, 'unknown-method');
    assert.equal((await client.call('app.info', {})).ok, true);
    assert.equal(client.closed, null);
    client.ws.close();
  });

  it('calls answer by id even when several are in flight', async () => {
    const client = await connect();
    const results = await Promise.all([client.call('app.info', {}), client.call('settings.get', {}), client.call('workspace.read', {})]);
    assert.equal(results[0].ok, true);
    assert.equal(results[1].ok && (results[1].value as { theme: string }).theme, 'dark');
    assert.equal(!results[2].ok && results[2].error.code, 'bad-argument');
    client.ws.close();
  });

  for (const [what, send] of [
    ['malformed JSON', (ws: WebSocket) => ws.send('{not json')],
    ['JSON without a numeric id', (ws: WebSocket) => ws.send(JSON.stringify({ id: 'x', method: 'app.info', arg: {} }))],
    ['JSON null', (ws: WebSocket) => ws.send('null')],
    ['a binary frame', (ws: WebSocket) => ws.send(Buffer.from(JSON.stringify({ id: 1, method: 'app.info', arg: {} })))],
  ] as const) {
    it(`${what} closes that socket with 1003; the server keeps serving others`, async () => {
      const bystander = await connect();
      const offender = await connect();
      send(offender.ws);
      const closed = await offender.closedWith();
      assert.equal(closed.code, 1003);
      assert.match(closed.reason, /Expected \{id, method, arg\} JSON/);
      assert.equal((await bystander.call('app.info', {})).ok, true, 'an open client still works');
      const fresh = await connect();
      assert.equal((await fresh.call('app.info', {})).ok, true, 'new clients still connect');
      bystander.ws.close();
      fresh.ws.close();
    });
  }

  it('events: workspace.open over the socket → every client receives workspace.opened', async () => {
    const caller = await connect();
    const watcher = await connect();
    const result = await caller.call('workspace.open', { path: projectDir });
    assert.deepEqual(result, { ok: true, value: { root: projectDir, name: 'project' } });
    for (const client of [caller, watcher]) {
      const event = await client.event('workspace.opened');
      assert.deepEqual(event.payload, { root: projectDir, name: 'project' });
    }
    const read = await caller.call('workspace.read', { path: 'README.md' });
    assert.equal(read.ok && (read.value as { text: string }).text, '# project\n');
    const traversal = await caller.call('workspace.read', { path: '../secret.txt' });
    assert.equal(!traversal.ok && traversal.error.code, 'outside-workspace');
    caller.ws.close();
    watcher.ws.close();
  });

  it('events: a file changed on disk reaches the socket as workspace.changed', async () => {
    const client = await connect();
    assert.equal((await client.call('workspace.open', { path: projectDir })).ok, true);
    await writeFile(path.join(projectDir, 'from-outside.txt'), 'x');
    const changed = await waitFor(
      'workspace.changed for from-outside.txt',
      () => client.messages.find((m) => m.event === 'workspace.changed' && (m.payload as { changes: { path: string }[] }).changes.some((c) => c.path === 'from-outside.txt')),
      2000,
      5,
    );
    assert.ok(changed);
    client.ws.close();
  });

  it('a closed client no longer gets events, and other clients are unaffected', async () => {
    const gone = await connect();
    const stays = await connect();
    gone.ws.close();
    await gone.closedWith();
    session.events.emit('notification', { id: 'n-1', level: 'info', message: 'hello' });
    const event = await stays.event('notification');
    assert.deepEqual(event.payload, { id: 'n-1', level: 'info', message: 'hello' });
    assert.equal(gone.messages.some((m) => m.event === 'notification'), false);
    stays.ws.close();
  });
});

describe('closing the host', () => {
  it('close() ends open sockets and stops listening', async () => {
    const extraSession = new Session({ host: 'web', version: 'x', configDir: path.join(base, 'config2'), moveToTrash: async () => undefined });
    const extra = await startWebHost({ session: extraSession, rendererDir });
    const ws = new WebSocket(`ws://127.0.0.1:${extra.port}/api?token=${extra.token}`, { origin: `http://127.0.0.1:${extra.port}` });
    clients.push(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await extra.close();
    assert.ok((await closed) > 0);
    await assert.rejects(
      new Promise((resolve, reject) => httpRequest({ host: '127.0.0.1', port: extra.port, path: '/' }, resolve).on('error', reject).end()),
      { code: 'ECONNREFUSED' },
    );
    await extraSession.close();
  });

  it('a busy port is reported as an error, not a crash', async () => {
    await assert.rejects(startWebHost({ session, rendererDir, port: host.port }), { code: 'EADDRINUSE' });
  });
});
