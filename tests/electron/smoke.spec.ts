import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ElectronApplication, _electron as electron, expect, test } from '@playwright/test';
import type { CallResult, LabdeskBridge } from '../../preload/api';

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** What the sandboxed renderer sees (declared here: the renderer's own typings are not in scope). */
type RendererGlobals = typeof globalThis & { labdesk?: LabdeskBridge; require?: unknown; process?: unknown };

let app: ElectronApplication | undefined;
const temporary: string[] = [];

test.afterEach(async () => {
  await app?.close();
  app = undefined;
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

test('the desktop app starts sandboxed, answers over IPC and shows the project from the command line', async () => {
  const project = await mkdtemp(path.join(os.tmpdir(), 'labdesk-electron-project-'));
  const configDir = await mkdtemp(path.join(os.tmpdir(), 'labdesk-electron-config-'));
  temporary.push(project, configDir);
  await writeFile(path.join(project, 'train.py'), 'print("hello from the smoke test")\n');
  await mkdir(path.join(project, 'configs'));
  await writeFile(path.join(project, 'configs', 'base.yaml'), 'lr: 0.001\n');

  app = await electron.launch({
    args: ['.', project],
    cwd: repoRoot,
    // A throwaway profile: settings, Chromium data and the single-instance lock stay out of $HOME.
    env: { ...process.env, LABDESK_CONFIG_DIR: configDir },
  });
  const page = await app.firstWindow();

  await expect(page).toHaveTitle(/Labdesk/);
  expect(page.url()).toBe('app://labdesk/index.html');

  // Sandboxed renderer: the bridge is there, Node is not.
  const globals = await page.evaluate(() => {
    const scope = globalThis as RendererGlobals;
    return { labdesk: typeof scope.labdesk, require: typeof scope.require, process: typeof scope.process };
  });
  expect(globals).toEqual({ labdesk: 'object', require: 'undefined', process: 'undefined' });

  const info = await page.evaluate(() => (globalThis as RendererGlobals).labdesk!.call('app.info', {}));
  expect(info).toMatchObject({ ok: true, value: { host: 'electron', canPickFolder: true } });

  const unknown: CallResult = await page.evaluate(() => (globalThis as RendererGlobals).labdesk!.call('no.suchMethod', {}));
  expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-method' } });

  // The folder given on the command line is open and its files are in the tree.
  await expect(page.getByRole('treeitem', { name: 'train.py' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: 'configs' })).toBeVisible();

  // Main side: exactly one window, showing the app over the custom scheme.
  const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((win) => win.webContents.getURL()));
  expect(windows).toEqual(['app://labdesk/index.html']);

  // New windows are denied (setWindowOpenHandler), so window.open returns null.
  const popup = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(popup).toBe(true);

  // Navigation away from the app is refused.
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://labdesk/index.html');
});
