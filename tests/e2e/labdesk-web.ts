import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { makeSampleProject } from '../fixtures/sample-project';

const REPO = path.resolve(import.meta.dirname, '../..');

export interface WebApp {
  /** The address `labdesk web` printed, token included. */
  readonly url: string;
  readonly origin: string;
  readonly project: string;
  readonly outside: string;
  readonly configDir: string;
  readonly trashDir: string;
}

/**
 * Starts the real `labdesk web` command (the same entry a user runs) on a free port with a
 * throwaway config dir and trash, against a fresh sample project, and opens it in Chromium.
 */
export async function startLabdeskWeb(options: {
  openProject: boolean;
  /** Extra environment for `labdesk web` (e.g. LABDESK_SSH_CONFIG, LABDESK_KNOWN_HOSTS); undefined removes a variable. */
  env?: Record<string, string | undefined>;
}): Promise<{ app: WebApp; stop: () => Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'labdesk-e2e-'));
  const { dir, outside } = await makeSampleProject(home);
  const configDir = path.join(home, 'config');
  const dataHome = path.join(home, 'xdg-data');
  const args = ['out/cli/labdesk.js', 'web', '--port', '0', ...(options.openProject ? [dir] : [])];
  const env: NodeJS.ProcessEnv = { ...process.env, LABDESK_CONFIG_DIR: configDir, XDG_DATA_HOME: dataHome };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await readUrl(child);
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(home, { recursive: true, force: true });
  };
  return { app: { url, origin: new URL(url).origin, project: dir, outside, configDir, trashDir: path.join(dataHome, 'Trash') }, stop };
}

function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`labdesk web printed no URL in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`labdesk web exited with ${code}:\n${output}`)));
  });
}

/** Starts `labdesk web`, opens its URL and waits until the page shows `ready`. */
function webFixture(openProject: boolean, ready: (page: Page) => ReturnType<Page['getByRole']>) {
  return async ({ page }: { page: Page }, use: (app: WebApp) => Promise<void>) => {
    const { app, stop } = await startLabdeskWeb({ openProject });
    await page.goto(app.url);
    await expect(ready(page)).toBeVisible();
    await use(app);
    await stop();
  };
}

/** `web` opens the sample project from the command line; `webEmpty` starts with no folder. */
export const test = base.extend<{ web: WebApp; webEmpty: WebApp }>({
  web: webFixture(true, (page) => page.getByRole('tree', { name: 'Project files' })),
  webEmpty: webFixture(false, (page) => page.getByRole('heading', { name: 'Open a project folder' })),
});

export { expect };

export function treeItem(page: Page, name: string) {
  return page.getByRole('treeitem', { name, exact: true });
}

/** Types at the start of the visible Monaco editor (Monaco 0.57 uses EditContext, not a textarea). */
export async function typeInEditor(page: Page, text: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type(text);
}

/**
 * Interactive elements without an accessible name, as lines of the page's ARIA snapshot: every
 * control must have one (tests and screen readers find them by it), so specs expect [].
 */
export async function controlsWithoutName(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^- (button|textbox|combobox|tab|treeitem|option|checkbox|link|menuitem|slider|progressbar)\b(?!\s+")/.test(line));
}
