import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { sshdAvailable, type SshdServer } from '../fixtures/sshd';
import { controlsWithoutName, expect, treeItem, typeInEditor } from './labdesk-web';
import { addAndActivateTarget, testWithServer, type ServerWebApp } from './server-setup';

/**
 * Sync in the window, end to end: a real OpenSSH server on loopback (its remote root is a folder
 * here, so the test reads what arrived), the real `labdesk web`, real Chromium. Labdesk has never
 * seen the server's key, so activating asks "Trust and connect" first.
 */
const test = testWithServer({ scratchPrefix: 'labdesk-e2e-sync-' });

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

/** Adds the sshd as target gpu1, trusts its key, activates and runs a first full sync. */
async function connectAndSync(page: Page, web: ServerWebApp, sshd: SshdServer): Promise<void> {
  await addAndActivateTarget(page, web.remote, sshd);
  await expect(page.getByRole('button', { name: /^Sync status: gpu1/ })).toHaveAccessibleName(/gpu1 connected · sync: \d+ pending/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Sync now…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sync to gpu1' });
  await dialog.getByRole('button', { name: /^Sync \d+ files$/ }).click({ timeout: 20_000 });
  await expect(dialog.getByRole('status', { name: 'Sync result' })).toContainText('Uploaded', { timeout: 20_000 });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('button', { name: /^Sync status: gpu1/ })).toHaveAccessibleName('Sync status: gpu1 connected · sync: up to date');
}

test('resolve a conflict by editing the merge: "Use edited version" writes it here and on the server', async ({ page, web, sshd }) => {
  const remoteFile = (relative: string) => readFile(path.join(web.remote, relative), 'utf8').catch(() => null);
  const localFile = (relative: string) => readFile(path.join(web.project, relative), 'utf8');
  await connectAndSync(page, web, sshd);
  const base = await localFile('train.py');
  expect(base).toContain('main("configs/base.yaml")\n');

  // The server's copy changes behind the app's back (its last line); here a line is added on top and saved.
  const serverVersion = base.replace('main("configs/base.yaml")', 'main("configs/server.yaml")');
  await writeFile(path.join(web.remote, 'train.py'), serverVersion);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await treeItem(page, 'train.py').click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('def main');
  await typeInEditor(page, '# mine\n');
  await page.keyboard.press('Control+s');
  const syncStatus = page.getByRole('button', { name: /^Sync status: gpu1/ });
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: 1 conflict');
  expect(await localFile('train.py')).toBe(`# mine\n${base}`);
  // More typing, not saved: the tab is dirty while the conflict is resolved.
  await typeInEditor(page, '# unsaved\n');

  await syncStatus.click();
  await page.getByRole('list', { name: 'Conflicts' }).getByRole('button', { name: 'Compare train.py' }).click();
  const compare = page.getByRole('dialog', { name: 'Conflict: train.py' });
  const mine = compare.locator('.monaco-diff-editor .editor.modified');
  await expect(mine.locator('.view-lines')).toContainText('# mine');
  await expect(compare.getByRole('status')).toHaveText(/^Not edited/);
  await expect(compare.getByRole('button', { name: 'Use edited version' })).toBeDisabled();
  // The unsaved edits of the tab are not on disk: the dialog says so and offers them.
  await expect(compare.getByRole('button', { name: 'Start from my unsaved edits' })).toBeVisible();

  expect(await controlsWithoutName(page)).toEqual([]);

  // Take the server's last line: Monaco's arrow between the sides ("Revert Block" of the block at
  // the cursor), undone, then the same from the keyboard (Alt+T); and type a line by hand.
  await mine.locator('.view-line', { hasText: 'configs/base.yaml' }).click();
  const revertBlock = compare.getByRole('button', { name: 'Revert Block' });
  await expect(revertBlock).toHaveCount(1);
  await revertBlock.click();
  await expect(mine.locator('.view-lines')).toContainText('configs/server.yaml');
  await expect(compare.getByRole('status')).toHaveText(/^Edited/);
  await mine.locator('.view-line', { hasText: 'configs/server.yaml' }).click();
  await page.keyboard.press('Control+z');
  await expect(mine.locator('.view-lines')).toContainText('configs/base.yaml');
  await expect(compare.getByRole('status')).toHaveText(/^Not edited/);
  // Monaco recomputes the diff in a worker after the undo: wait for the block to be back, with the
  // cursor in it, before taking it from the keyboard.
  await mine.locator('.view-line', { hasText: 'configs/base.yaml' }).click();
  await expect(revertBlock).toHaveCount(1);
  await page.keyboard.press('Alt+t');
  await expect(mine.locator('.view-lines')).toContainText('configs/server.yaml');
  await mine.locator('.view-line', { hasText: '# mine' }).click();
  await page.keyboard.press('Home');
  await page.keyboard.type('# merged by hand\n');
  await expect(compare.getByRole('status')).toHaveText(/^Edited/);

  // Keep mine would drop the merge: it asks first, and going back keeps it.
  await compare.getByRole('button', { name: 'Keep mine' }).click();
  const discard = page.getByRole('alertdialog', { name: 'Discard your edited merge?' });
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Back to the merge' }).click();
  await expect(discard).toHaveCount(0);
  await expect(mine.locator('.view-lines')).toContainText('# merged by hand');

  await compare.getByRole('button', { name: 'Use edited version' }).click();
  await expect(compare).toHaveCount(0);
  const merged = `# merged by hand\n# mine\n${serverVersion}`;
  expect(await localFile('train.py')).toBe(merged);
  expect(await remoteFile('train.py')).toBe(merged);
  await expect(syncStatus).toHaveAccessibleName('Sync status: gpu1 connected · sync: up to date');
  // The tab keeps its unsaved edits and says the file changed on disk (nothing is lost silently).
  await expect(page.getByText('train.py changed on disk while you have unsaved edits')).toBeVisible();
  await expect(page.locator('.monaco-editor .view-lines').first()).toContainText('# unsaved');
});
