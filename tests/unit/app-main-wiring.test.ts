/**
 * Runs the real Electron entry (main/app/main.ts) in plain Node against a small fake `electron`
 * module, so the wiring (scheme, single-instance lock, window + session, IPC guard, protocol,
 * security handlers, menu, event forwarding, second launch) is exercised where no Electron binary
 * exists. The fake is served by a module resolve hook; the real `electron` package is never loaded.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CallResult } from '../../preload/api';

const FAKE_ELECTRON = String.raw`
import { EventEmitter } from 'node:events';
const fake = globalThis.__labdeskFakeElectron;
let nextId = 1;
class FakeApp extends EventEmitter {
  isPackaged = false;
  paths = {};
  setName(name) { fake.calls.push(['setName', name]); }
  setPath(key, value) { this.paths[key] = value; fake.calls.push(['setPath', key, value]); }
  getPath(key) { return this.paths[key] ?? fake.tmp; }
  getAppPath() { return fake.appPath; }
  getVersion() { return '0.0.0-fake'; }
  requestSingleInstanceLock(data) { fake.calls.push(['lock', data]); return true; }
  whenReady() { return Promise.resolve(); }
  quit() { fake.calls.push(['quit']); }
  exit(code) { fake.calls.push(['exit', code]); }
}
export const app = new FakeApp();
fake.app = app;
class FakeWebContents extends EventEmitter {
  id = nextId++;
  url = '';
  sent = [];
  isDestroyed() { return false; }
  getURL() { return this.url; }
  send(channel, message) { this.sent.push([channel, message]); }
  setWindowOpenHandler(handler) { this.openHandler = handler; }
}
export class BrowserWindow extends EventEmitter {
  static getAllWindows() { return fake.windows; }
  static getFocusedWindow() { return fake.windows[0] ?? null; }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    fake.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) { this.webContents.url = url; fake.calls.push(['loadURL', this.webContents.id, url]); }
  show() {}
  isVisible() { return true; }
  isDestroyed() { return false; }
}
export const protocol = {
  registerSchemesAsPrivileged(schemes) { fake.calls.push(['registerSchemesAsPrivileged', schemes]); },
  handle(scheme, handler) { fake.protocols[scheme] = handler; },
};
export const ipcMain = { handle(channel, handler) { fake.ipc[channel] = handler; } };
export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler) { fake.permissionRequest = handler; },
    setPermissionCheckHandler(handler) { fake.permissionCheck = handler; },
  },
};
export const Menu = { buildFromTemplate: (template) => template, setApplicationMenu(menu) { fake.menu = menu; } };
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showMessageBox: async () => ({ response: 0 }) };
export const shell = { trashItem: async () => {}, openExternal: async (url) => { fake.opened.push(url); } };
export const safeStorage = {};
`;

const HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(FAKE_ELECTRON)}`)}, shortCircuit: true };
  return next(specifier, context);
}
`;

interface FakeWebContents {
  readonly id: number;
  url: string;
  readonly sent: [string, { event: string; payload: unknown }][];
  emit(event: string, ...args: unknown[]): boolean;
  openHandler?: (details: { url: string }) => { action: string };
}
interface FakeWindow {
  readonly options: { webPreferences?: Record<string, unknown> };
  readonly webContents: FakeWebContents;
  emit(event: string, ...args: unknown[]): boolean;
}
interface FakeElectron {
  app?: { emit(event: string, ...args: unknown[]): boolean };
  tmp: string;
  appPath: string;
  calls: unknown[][];
  windows: FakeWindow[];
  /** URLs given to shell.openExternal. */
  opened: string[];
  protocols: Record<string, (request: Request) => Promise<Response>>;
  ipc: Record<string, (event: unknown, method: unknown, arg: unknown) => Promise<CallResult>>;
  permissionRequest?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string }) => void;
  permissionCheck?: (contents: unknown, permission: string, origin: string) => boolean;
  menu?: { label?: string; submenu?: { label?: string; click?: (item: unknown, window: unknown, event: unknown) => void }[] }[];
}

const fake: FakeElectron = { tmp: '', appPath: '', calls: [], windows: [], opened: [], protocols: {}, ipc: {} };
let project = '';
let second = '';
let appRoot = '';
const saved = { argv: process.argv, defaultApp: process.defaultApp, config: process.env.LABDESK_CONFIG_DIR, warn: console.warn };
const warnings: string[] = [];

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

async function untilOpen(window: FakeWindow, name: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const current = await fake.ipc['labdesk:call']!(callFrom(window), 'workspace.current', {});
    if (current.ok && (current.value as { name: string } | null)?.name === name) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(`timed out waiting for ${name} to open`);
}

const callFrom = (window: FakeWindow, url = 'app://labdesk/index.html') => ({ sender: window.webContents, senderFrame: { url, parent: null } });

describe('main/app/main.ts wired against a fake electron', () => {
  before(async () => {
    fake.tmp = await mkdtemp(path.join(os.tmpdir(), 'labdesk-app-main-'));
    project = path.join(fake.tmp, 'project');
    second = path.join(fake.tmp, 'second');
    appRoot = path.join(fake.tmp, 'app');
    fake.appPath = appRoot;
    await mkdir(path.join(project, 'configs'), { recursive: true });
    await writeFile(path.join(project, 'train.py'), 'print(1)\n');
    await mkdir(second);
    await mkdir(path.join(appRoot, 'out', 'renderer'), { recursive: true });
    await writeFile(path.join(appRoot, 'out', 'renderer', 'index.html'), '<!doctype html><title>Labdesk</title>');
    await writeFile(path.join(appRoot, 'secret.txt'), 'not for the renderer');

    (globalThis as { __labdeskFakeElectron?: FakeElectron }).__labdeskFakeElectron = fake;
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    process.argv = [process.execPath, '--inspect=0', '.', project];
    (process as { defaultApp?: boolean }).defaultApp = true;
    process.env.LABDESK_CONFIG_DIR = path.join(fake.tmp, 'config');
    await import('../../main/app/main');
    await until(() => fake.calls.some((call) => call[0] === 'loadURL'), 'the first window to load');
    await untilOpen(fake.windows[0]!, 'project');
  });

  after(async () => {
    for (const window of fake.windows) window.emit('closed');
    console.warn = saved.warn;
    process.argv = saved.argv;
    (process as { defaultApp?: boolean }).defaultApp = saved.defaultApp;
    if (saved.config === undefined) delete process.env.LABDESK_CONFIG_DIR;
    else process.env.LABDESK_CONFIG_DIR = saved.config;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await rm(fake.tmp, { recursive: true, force: true });
  });

  it('sets up before ready: config dir, app:// scheme, single-instance lock with the folder', () => {
    assert.deepEqual(fake.calls.find((call) => call[0] === 'setPath'), ['setPath', 'userData', path.join(fake.tmp, 'config')]);
    const schemes = fake.calls.find((call) => call[0] === 'registerSchemesAsPrivileged')?.[1];
    assert.deepEqual(schemes, [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
    assert.deepEqual(fake.calls.find((call) => call[0] === 'lock'), ['lock', { folder: project }]);
  });

  it('opens one secure window on app://labdesk/index.html with the preload bundle', () => {
    assert.equal(fake.windows.length, 1);
    const prefs = fake.windows[0]?.options.webPreferences ?? {};
    assert.equal(prefs.preload, path.join(appRoot, 'out', 'preload', 'index.cjs'));
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(fake.windows[0]?.webContents.url, 'app://labdesk/index.html');
  });

  it('answers trusted calls on the window’s session, with the command-line folder open', async () => {
    const window = fake.windows[0]!;
    const handle = fake.ipc['labdesk:call']!;
    assert.deepEqual(await handle(callFrom(window), 'app.info', {}), {
      ok: true,
      value: { version: '0.0.0-fake', host: 'electron', platform: process.platform, canPickFolder: true },
    });
    const current = await handle(callFrom(window), 'workspace.current', {});
    assert.equal(current.ok && (current.value as { name: string }).name, 'project');
    const listing = await handle(callFrom(window), 'workspace.list', { dir: '' });
    assert.deepEqual(listing.ok && (listing.value as { name: string }[]).map((entry) => entry.name), ['configs', 'train.py']);
  });

  it('refuses calls from devtools, file:// and unknown webContents', async () => {
    const window = fake.windows[0]!;
    const handle = fake.ipc['labdesk:call']!;
    const refused = [
      await handle(callFrom(window, 'devtools://devtools/bundled/devtools_app.html'), 'app.info', {}),
      await handle(callFrom(window, 'file:///etc/passwd'), 'app.info', {}),
      await handle({ sender: { id: 4242 }, senderFrame: { url: 'app://labdesk/index.html', parent: null } }, 'app.info', {}),
      await handle({ sender: window.webContents, senderFrame: null }, 'app.info', {}),
    ];
    for (const result of refused) assert.equal(!result.ok && result.error.code, 'permission-denied');
    assert.ok(warnings.some((line) => /refused IPC call "app.info".*webContents 4242/.test(line)), 'refusals are logged');
  });

  it('serves the renderer over app:// with the CSP header and nothing outside it', async () => {
    const serve = fake.protocols.app!;
    const index = await serve(new Request('app://labdesk/index.html'));
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.match(await index.text(), /<title>Labdesk<\/title>/);
    assert.equal((await serve(new Request('app://labdesk/%2e%2e%2f%2e%2e%2fsecret.txt'))).status, 404);
    assert.equal((await serve(new Request('app://labdesk/missing.js'))).status, 404);
    assert.equal((await serve(new Request('app://labdesk/index.html', { method: 'POST' }))).status, 404);
  });

  it('blocks navigation, new windows and permissions', () => {
    const contents = fake.windows[0]!.webContents;
    let prevented = 0;
    const event = { preventDefault: () => (prevented += 1) };
    contents.emit('will-navigate', event, 'https://example.com/');
    contents.emit('will-redirect', event, 'app://labdesk.evil/');
    contents.emit('will-attach-webview', event);
    contents.emit('will-navigate', event, 'app://labdesk/index.html');
    assert.equal(prevented, 3);
    assert.ok(warnings.some((line) => line.includes('blocked navigation to https://example.com/')));
    // A web link opens in the browser, never as a window of the app; anything else is refused.
    assert.deepEqual(contents.openHandler?.({ url: 'https://example.com/' }), { action: 'deny' });
    assert.deepEqual(contents.openHandler?.({ url: 'file:///etc/passwd' }), { action: 'deny' });
    assert.deepEqual(fake.opened, ['https://example.com/']);
    let granted: boolean | undefined;
    fake.permissionRequest?.(null, 'media', (value) => (granted = value), { requestingUrl: 'app://labdesk/index.html' });
    assert.equal(granted, false);
    assert.equal(fake.permissionCheck?.(null, 'clipboard-read', 'app://labdesk'), false);
  });

  it('File › Open Folder… asks the renderer to run its open-folder command', () => {
    const window = fake.windows[0]!;
    const openFolder = fake.menu?.flatMap((menu) => menu.submenu ?? []).find((item) => item.label === 'Open Folder…');
    window.webContents.sent.length = 0;
    openFolder?.click?.({}, window, {});
    assert.deepEqual(window.webContents.sent, [['labdesk:event', { event: 'command', payload: { id: 'workspace.openFolder' } }]]);
  });

  it('a second launch opens its folder in a new window with its own session', async () => {
    fake.app?.emit('second-instance', {}, ['/x/electron', '.', 'ignored'], '/', { folder: second });
    await until(() => fake.windows.length === 2 && fake.windows[1]!.webContents.url !== '', 'the second window');
    await untilOpen(fake.windows[1]!, 'second');
    const first = await fake.ipc['labdesk:call']!(callFrom(fake.windows[0]!), 'workspace.current', {});
    assert.equal(first.ok && (first.value as { name: string }).name, 'project', 'the first window keeps its own folder');
  });

  it('forwards session events to the window as labdesk:event messages', async () => {
    const window = fake.windows[0]!;
    window.webContents.sent.length = 0;
    await writeFile(path.join(project, 'new-file.txt'), 'x');
    await until(() => window.webContents.sent.some(([, message]) => message.event === 'workspace.changed'), 'a workspace.changed event');
    const [channel, message] = window.webContents.sent.find(([, m]) => m.event === 'workspace.changed')!;
    assert.equal(channel, 'labdesk:event');
    const { changes } = message.payload as { changes: { path: string; type: string }[] };
    assert.ok(changes.some((change) => change.path === 'new-file.txt'), JSON.stringify(changes));
  });

  it('forgets a window when it closes: its calls are refused afterwards', async () => {
    const window = fake.windows[1]!;
    window.emit('closed');
    const result = await fake.ipc['labdesk:call']!(callFrom(window), 'app.info', {});
    assert.equal(!result.ok && result.error.code, 'permission-denied');
  });
});
