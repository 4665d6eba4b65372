import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { startSshd, sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { expect, startLabdeskWeb, treeItem, typeInEditor, type WebApp } from './labdesk-web';

/**
 * Sync in the window, end to end: a real OpenSSH server on loopback (its remote root is a folder
 * here, so the test reads what arrived), the real `labdesk web`, real Chromium. Labdesk has never
 * seen the server's key, so activating asks "Trust and connect" first.
 */
const test = base.extend<{ sshd: SshdServer; web: WebApp & { remote: string } }>({
  // Playwright reads the fixture's dependencies from this destructuring; this one has none.
  // eslint-disable-next-line no-empty-pattern
  sshd: async ({}, use) => {
    const server = await startSshd();
    await use(server);
    await server.stop();
  },
  web: async ({ page, sshd }, use) => {
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'labdesk-e2e-sync-'));
    const sshConfig = path.join(scratch, 'ssh_config');
    const knownHosts = path.join(scratch, 'known_hosts');
    await writeFile(sshConfig, '');
    await writeFile(knownHosts, ''); // the host key is unknown: the window must ask
    const { app, stop } = await startLabdeskWeb({
      openProject: true,
      env: { LABDESK_SSH_CONFIG: sshConfig, LABDESK_KNOWN_HOSTS: knownHosts, SSH_AUTH_SOCK: undefined },
    });
    await page.goto(app.url);
    await expect(page.getByRole('tree', { name: 'Project files' })).toBeVisible();
    await use({ ...app, remote: path.join(scratch, 'server', 'vision-lab') });
    await stop();
    await rm(scratch, { recursive: true, force: true });
    void sshd;
  },
});

/** Interactive elements without an accessible name (as in accessibility.spec.ts). */
async function controlsWithoutName(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^- (button|textbox|combobox|tab|treeitem|option|checkbox|link|menuitem|slider|progressbar)\b(?!\s+")/.test(line));
}

test.skip(!sshdAvailable(), 'OpenSSH server (/usr/sbin/sshd) is not installed');
test.setTimeout(90_000);

test('add a server, trust its key, sync, upload on save, and resolve a conflict with "Take theirs"', async ({ page, web, sshd }) => {
  const remoteFile = (relative: string) => readFile(path.join(web.remote, relative), 'utf8').catch(() => null);

  // The Server view starts empty and says what to do.
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  await expect(page.getByText('No target yet — Add a server')).toBeVisible();
  expect(await controlsWithoutName(page)).toEqual([]);
  // The palette has the sync actions too.
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill('add server');
  await expect(page.getByRole('option', { name: 'Add Server…' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Add a server', exact: true }).click();
  const form = page.getByRole('form', { name: 'Add a server' });
  expect(await controlsWithoutName(page)).toEqual([]);
  await form.getByRole('textbox', { name: 'Name' }).fill('gpu1');
  await form.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
  await form.getByRole('textbox', { name: 'Remote folder' }).fill('relative/dir');
  await form.getByRole('textbox', { name: 'Port' }).fill(String(sshd.port));
  await form.getByRole('textbox', { name: 'User' }).fill(sshd.username);
  await form.getByRole('textbox', { name: 'Identity file' }).fill(sshd.clientKeyPath);
  await form.getByRole('button', { name: 'Save' }).click();
  // The error is shown next to the field it is about.
  await expect(form.getByRole('textbox', { name: 'Remote folder' })).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByRole('alert')).toContainText('absolute path');
  await form.getByRole('textbox', { name: 'Remote folder' }).fill(web.remote);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('listitem', { name: 'gpu1' })).toBeVisible();
  const settings = JSON.parse(await readFile(path.join(web.project, '.labdesk/project.json'), 'utf8')) as { targets: Record<string, { remoteRoot: string; port: number }> };
  expect(settings.targets.gpu1).toMatchObject({ remoteRoot: web.remote, port: sshd.port });

  // Activate: the unknown host key is asked about, with its fingerprint.
  await page.getByRole('button', { name: 'Activate gpu1', exact: true }).click();
  const trust = page.getByRole('alertdialog', { name: 'Trust the server 127.0.0.1?' });
  await expect(trust).toContainText(sshd.hostKeySha256);
  await trust.getByRole('button', { name: 'Trust and connect' }).click();
  const syncStatus = page.getByRole('button', { name: /^Sync status: gpu1/ });
  await expect(syncStatus).toHaveAccessibleName(/gpu1 connected · sync: \d+ pending/, { timeout: 20_000 });
  expect(await controlsWithoutName(page)).toEqual([]);

  // Sync now…: the plan is previewed with counts and files, then carried out.
  await page.getByRole('button', { name: 'Sync now…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync to gpu1' });
  await expect(dialog.getByRole('status', { name: 'Plan summary' })).toContainText('to upload', { timeout: 20_000 });
  await expect(dialog.getByRole('list', { name: 'Planned changes' })).toContainText('configs/base.yaml');
  await dialog.getByRole('button', { name: /^Sync \d+ files$/ }).click();
  await expect(dialog.getByRole('status', { name: 'Sync result' })).toContainText('Uploaded', { timeout: 20_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: up to date');
  expect(await remoteFile('configs/base.yaml')).toContain('resnet50');

  // Upload on save: edit, Ctrl+S, and the server has it within seconds.
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await treeItem(page, 'train.py').click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('def main');
  await typeInEditor(page, '# saved in Labdesk\n');
  await page.keyboard.press('Control+s');
  await expect.poll(() => remoteFile('train.py'), { timeout: 5_000 }).toMatch(/^# saved in Labdesk\nimport yaml/);
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: up to date');

  // Someone edits the file on the server; the next save is a conflict and the server keeps its version.
  await writeFile(path.join(web.remote, 'train.py'), 'print("edited on the server")\n');
  await typeInEditor(page, '# mine\n');
  await page.keyboard.press('Control+s');
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: 1 conflict');
  expect(await remoteFile('train.py')).toBe('print("edited on the server")\n');

  await syncStatus.click();
  const conflicts = page.getByRole('list', { name: 'Conflicts' });
  await expect(conflicts.getByRole('listitem', { name: 'train.py' })).toContainText('changed on');
  await conflicts.getByRole('button', { name: 'Compare train.py' }).click();
  const compare = page.getByRole('dialog', { name: 'Conflict: train.py' });
  await expect(compare.locator('.monaco-diff-editor')).toBeVisible();
  await compare.getByRole('button', { name: 'Take theirs' }).click();
  await expect(compare).toHaveCount(0);
  await expect(page.locator('.monaco-editor .view-lines').first()).toContainText('print("edited on the server")');
  expect(await readFile(path.join(web.project, 'train.py'), 'utf8')).toBe('print("edited on the server")\n');
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: up to date');
});
