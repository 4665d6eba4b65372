import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sshdAvailable } from '../fixtures/sshd';
import { expect, treeItem } from './labdesk-web';
import { addAndActivateTarget, testWithServer } from './server-setup';

/** A file against the server's copy of it, through the target's own connection (a real sshd). */
const test = testWithServer({ scratchPrefix: 'labdesk-e2e-server-diff-' });

test.skip(!sshdAvailable(), 'OpenSSH server (/usr/sbin/sshd) is not installed');
test.setTimeout(90_000);

test("a file here against the server's copy, in the diff editor", async ({ page, web, sshd }) => {
  await addAndActivateTarget(page, web.remote, sshd);
  // The server's copy differs from this one in one line (someone edited it there).
  const onServer = (await readFile(path.join(web.project, 'train.py'), 'utf8')).replace('def main', 'def main_on_server');
  await mkdir(web.remote, { recursive: true });
  await writeFile(path.join(web.remote, 'train.py'), onServer);

  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await treeItem(page, 'train.py').click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('def main');
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill("Compare with Server's Copy");
  await expect(page.getByRole('option', { name: "Compare with Server's Copy" })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'train.py (on gpu1 ↔ here)' })).toHaveAttribute('aria-selected', 'true');
  const toolbar = page.getByRole('toolbar', { name: 'Diff' });
  await expect(toolbar).toContainText('Left: on gpu1');
  await expect(toolbar).toContainText('1 change');
  await expect(page.locator('.monaco-diff-editor .editor.original')).toContainText('def main_on_server');

  // The whole project against the server: the edited file, the server-only file, and a diff from the row.
  await writeFile(path.join(web.remote, 'server-notes.txt'), 'only on the server\n');
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill('Compare Project Folder with Server');
  await expect(page.getByRole('option', { name: 'Compare Project Folder with Server' })).toBeVisible();
  await page.keyboard.press('Enter');
  const compared = page.getByRole('table', { name: 'Compared paths' });
  await expect(compared.getByRole('row', { name: /server-notes\.txt only there/ })).toBeVisible({ timeout: 20_000 });
  await expect(compared.getByRole('row', { name: /^Compare train\.py modified/ })).toBeVisible();
  await expect(compared.getByRole('row', { name: /^configs only here/ })).toBeVisible();
  await compared.getByRole('button', { name: 'Compare train.py' }).click();
  await expect(page.getByRole('tab', { name: 'train.py (on gpu1 ↔ here)' })).toHaveAttribute('aria-selected', 'true');

  // Copy across: the server's note here, and this train.py over the server's (asks first).
  await page.getByRole('tab', { name: 'Project ↔ server' }).click();
  await compared.getByRole('button', { name: 'Copy server-notes.txt here' }).click();
  await expect(page.getByRole('status', { name: 'Copy result' })).toContainText('Copied 1 file here.');
  await expect(compared.getByRole('row', { name: /server-notes\.txt/ })).toHaveCount(0);
  expect(await readFile(path.join(web.project, 'server-notes.txt'), 'utf8')).toBe('only on the server\n');
  await compared.getByRole('button', { name: 'Copy train.py to the server' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Replace 1 file on the server?' });
  await confirm.getByRole('button', { name: 'Replace' }).click();
  await expect(page.getByRole('status', { name: 'Copy result' })).toContainText('Copied 1 file to the server.');
  await expect(compared.getByRole('row', { name: /train\.py/ })).toHaveCount(0);
  expect(await readFile(path.join(web.remote, 'train.py'), 'utf8')).toBe(await readFile(path.join(web.project, 'train.py'), 'utf8'));
});
