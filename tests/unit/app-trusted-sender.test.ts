import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CallResult } from '../../preload/api';
import { dispatch } from '../../main/api/dispatch';
import { Session } from '../../main/api/session';
import { APP_ORIGIN } from '../../main/app/app-origin';
import { createCallHandler } from '../../main/app/call-handler';
import { type SenderInfo, isTrustedSender } from '../../main/app/trusted-sender';

const ORIGINS = [APP_ORIGIN];
const TRUSTED = new Set([7]);
const fromWindow = (overrides: Partial<SenderInfo> = {}): SenderInfo => ({
  webContentsId: 7,
  frameUrl: 'app://labdesk/index.html',
  isMainFrame: true,
  ...overrides,
});

describe('isTrustedSender', () => {
  it('trusts the main frame of one of our windows showing the app origin', () => {
    assert.equal(isTrustedSender(fromWindow(), TRUSTED, ORIGINS), true);
    assert.equal(isTrustedSender(fromWindow({ frameUrl: 'app://labdesk/' }), TRUSTED, ORIGINS), true);
    assert.equal(isTrustedSender(fromWindow({ frameUrl: 'app://LABDESK/index.html?x=1#y' }), TRUSTED, ORIGINS), true);
  });

  it('refuses an unknown webContents id, even on the app origin', () => {
    assert.equal(isTrustedSender(fromWindow({ webContentsId: 8 }), TRUSTED, ORIGINS), false);
    assert.equal(isTrustedSender(fromWindow(), new Set(), ORIGINS), false);
  });

  it('refuses our window when its frame shows another origin', () => {
    for (const frameUrl of [
      'devtools://devtools/bundled/devtools_app.html',
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'app://labdesk.evil.example/index.html',
      'app://labdesk:8080/index.html',
      'app://other/index.html',
      'evil://labdesk/index.html',
      'about:blank',
      'data:text/html,<p>hi</p>',
      'not a url',
      '',
    ]) {
      assert.equal(isTrustedSender(fromWindow({ frameUrl }), TRUSTED, ORIGINS), false, frameUrl);
    }
  });

  it('refuses file:// pages (no origin), the Electron default the app does not use', () => {
    assert.equal(isTrustedSender(fromWindow({ frameUrl: 'file:///opt/labdesk/out/renderer/index.html' }), TRUSTED, ORIGINS), false);
    assert.equal(isTrustedSender(fromWindow({ frameUrl: 'file:///' }), TRUSTED, [APP_ORIGIN, 'null']), false);
  });

  it('refuses sub-frames and frames that are gone', () => {
    assert.equal(isTrustedSender(fromWindow({ isMainFrame: false }), TRUSTED, ORIGINS), false);
    assert.equal(isTrustedSender(fromWindow({ frameUrl: null }), TRUSTED, ORIGINS), false);
  });

  it('trusts a development server only when it is listed', () => {
    const dev = fromWindow({ frameUrl: 'http://localhost:5173/index.html' });
    assert.equal(isTrustedSender(dev, TRUSTED, ORIGINS), false);
    assert.equal(isTrustedSender(dev, TRUSTED, [APP_ORIGIN, 'http://localhost:5173']), true);
    assert.equal(isTrustedSender(fromWindow({ frameUrl: 'http://localhost:5174/' }), TRUSTED, [APP_ORIGIN, 'http://localhost:5173']), false);
  });
});

describe('createCallHandler (the labdesk:call guard)', () => {
  interface FakeSession {
    readonly name: string;
  }
  function setup() {
    const calls: { session: FakeSession; method: unknown; arg: unknown }[] = [];
    const logs: string[] = [];
    const sessions = new Map<number, FakeSession>([
      [7, { name: 'first window' }],
      [9, { name: 'second window' }],
    ]);
    const handle = createCallHandler<FakeSession>({
      sessions,
      trustedOrigins: ORIGINS,
      dispatch: async (session, method, arg) => {
        calls.push({ session, method, arg });
        return { ok: true, value: { answeredBy: session.name } };
      },
      log: (message) => logs.push(message),
    });
    return { handle, calls, logs, sessions };
  }

  it('dispatches a trusted call on the sender window’s own session', async () => {
    const { handle, calls, logs } = setup();
    const result = await handle(fromWindow({ webContentsId: 9 }), 'app.info', {});
    assert.deepEqual(result, { ok: true, value: { answeredBy: 'second window' } });
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.session.name, 'second window');
    assert.equal(calls[0]?.method, 'app.info');
    assert.deepEqual(logs, []);
  });

  // GitHub Desktop once shipped `if (isTrustedSender(sender)) { log.error(...); return }`: the
  // inverted guard refused every real window and served every stranger. Both halves are pinned.
  it('is not inverted: untrusted senders are refused, logged and never dispatched', async () => {
    const { handle, calls, logs } = setup();
    const untrusted: SenderInfo[] = [
      fromWindow({ webContentsId: 99 }),
      fromWindow({ frameUrl: 'devtools://devtools/bundled/devtools_app.html' }),
      fromWindow({ frameUrl: 'file:///etc/passwd' }),
      fromWindow({ frameUrl: 'https://example.com/' }),
      fromWindow({ isMainFrame: false }),
      fromWindow({ frameUrl: null }),
    ];
    for (const sender of untrusted) {
      const result: CallResult = await handle(sender, 'workspace.read', { path: 'secret.txt' });
      assert.equal(result.ok, false, JSON.stringify(sender));
      if (!result.ok) {
        assert.equal(result.error.code, 'permission-denied');
        assert.match(result.error.message, /refused/);
      }
    }
    assert.equal(calls.length, 0, 'no untrusted call may reach dispatch');
    assert.equal(logs.length, untrusted.length);
    assert.match(logs[0] ?? '', /workspace\.read.*webContents 99/);
  });

  it('still answers trusted senders after refusing an untrusted one', async () => {
    const { handle, calls } = setup();
    await handle(fromWindow({ webContentsId: 1234 }), 'app.info', {});
    const result = await handle(fromWindow(), 'app.info', {});
    assert.equal(result.ok, true);
    assert.equal(calls.length, 1);
  });

  it('stops trusting a window once it is closed (removed from the map)', async () => {
    const { handle, sessions } = setup();
    sessions.delete(7);
    const result = await handle(fromWindow(), 'app.info', {});
    assert.equal(result.ok, false);
  });

  it('turns a throwing dispatch into an internal error result instead of a rejected invoke', async () => {
    const handle = createCallHandler<object>({
      sessions: new Map([[7, {}]]),
      trustedOrigins: ORIGINS,
      dispatch: async () => {
        throw new Error('boom');
      },
      log: () => {},
    });
    const result = await handle(fromWindow(), 'app.info', {});
    assert.deepEqual(result, { ok: false, error: { code: 'internal', message: 'app.info failed: boom' } });
  });
});

describe('createCallHandler with the real dispatch table', () => {
  it('answers app.info for a trusted window and refuses the same call from devtools', async (t) => {
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'labdesk-app-ipc-'));
    t.after(() => rm(configDir, { recursive: true, force: true }));
    const session = new Session({ host: 'electron', version: '1.2.3', configDir, moveToTrash: async () => {}, pickFolder: async () => null });
    const handle = createCallHandler({ sessions: new Map([[7, session]]), trustedOrigins: ORIGINS, dispatch, log: () => {} });

    const info = await handle(fromWindow(), 'app.info', {});
    assert.deepEqual(info, { ok: true, value: { version: '1.2.3', host: 'electron', platform: process.platform, canPickFolder: true } });

    const refused = await handle(fromWindow({ frameUrl: 'devtools://devtools/bundled/devtools_app.html' }), 'app.info', {});
    assert.equal(refused.ok, false);

    const unknown = await handle(fromWindow(), 'no.such', {});
    assert.equal(unknown.ok, false);
    if (!unknown.ok) assert.equal(unknown.error.code, 'unknown-method');
  });
});
