import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, treeItem, typeInEditor } from './labdesk-web';

test('opens a file, edits it, saves with Ctrl+S, and the file on disk has the edit', async ({ page, web }) => {
  const file = path.join(web.project, 'scripts/launch.sh');
  await treeItem(page, 'scripts').click();
  await treeItem(page, 'launch.sh').click();
  const tab = page.getByRole('tab', { name: 'launch.sh' });
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('python train.py');

  await typeInEditor(page, '# tuned\n');
  await expect(page.getByRole('tab', { name: 'launch.sh, unsaved changes' })).toBeVisible();
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('tab', { name: 'launch.sh', exact: true })).toBeVisible();
  expect(await readFile(file, 'utf8')).toMatch(/^# tuned\n#!\/usr\/bin\/env bash/);
  // Atomic save keeps the execute bit and leaves no temp file behind.
  expect((await stat(file)).mode & 0o111).toBe(0o111);
  const { readdir } = await import('node:fs/promises');
  expect((await readdir(path.dirname(file))).filter((name) => name.includes('labdesk-tmp'))).toEqual([]);
});

test('quick open (Ctrl+P) finds a file by fuzzy name and opens it', async ({ page, web }) => {
  void web;
  await page.keyboard.press('Control+p');
  const input = page.getByRole('combobox', { name: 'Go to file' });
  await expect(input).toBeFocused();
  await input.fill('lrsm');
  await expect(page.getByRole('option', { name: 'configs/sweep/lr_small.yaml' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'lr_small.yaml' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('lr: 0.0001');
});

test('command palette (Ctrl+Shift+P) runs commands by name and switches the theme', async ({ page, web }) => {
  void web;
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('Control+Shift+P');
  const input = page.getByRole('combobox', { name: 'Command palette' });
  await input.fill('light theme');
  await expect(page.getByRole('option', { name: 'Use Light Theme' })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.locator('.monaco-editor, body').first()).toBeVisible();
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // The palette lists shortcuts next to commands.
  await page.keyboard.press('Control+Shift+P');
  await expect(page.getByRole('option', { name: 'Go to File…', exact: true })).toContainText('Ctrl+P');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toHaveCount(0);
});

test('a clean file changed on disk is reloaded; a dirty one is offered as a diff and nothing is lost', async ({ page, web }) => {
  const file = path.join(web.project, 'train.py');
  await treeItem(page, 'train.py').click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('def main');

  await writeFile(file, 'print("changed by git pull")\n');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('changed by git pull');

  await typeInEditor(page, '# my edit\n');
  await writeFile(file, 'print("changed again outside")\n');
  await expect(page.getByRole('alert').filter({ hasText: 'changed on disk' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Compare' }).first().click();
  await expect(page.getByRole('tab', { name: 'train.py (disk ↔ yours)' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-diff-editor')).toBeVisible();
  await page.getByRole('button', { name: 'Keep my version' }).click();
  await expect.poll(() => readFile(file, 'utf8')).toBe('# my edit\nprint("changed by git pull")\n');
});

test('saving over a file changed on disk is refused until the user chooses', async ({ page, web }) => {
  const file = path.join(web.project, 'README.md');
  await treeItem(page, 'README.md').click();
  await typeInEditor(page, 'mine ');
  // Change the file behind the editor's back, with the same watcher race a real tool has.
  await writeFile(file, 'theirs\n');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('alert').filter({ hasText: 'changed on disk' }).first()).toBeVisible();
  expect(await readFile(file, 'utf8')).toBe('theirs\n');
  await page.getByRole('button', { name: 'Use disk version' }).first().click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('theirs');
  await expect(page.getByRole('tab', { name: 'README.md', exact: true })).toBeVisible();
});

test('closing a tab with unsaved edits asks first', async ({ page, web }) => {
  await treeItem(page, 'setup.cfg').click();
  await typeInEditor(page, '# x\n');
  await page.getByRole('button', { name: 'Close setup.cfg' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Save changes to setup.cfg?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('tab', { name: 'setup.cfg, unsaved changes' })).toBeVisible();
  await page.getByRole('button', { name: 'Close setup.cfg' }).click();
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('tab', { name: /setup\.cfg/ })).toHaveCount(0);
  expect(await readFile(path.join(web.project, 'setup.cfg'), 'utf8')).toMatch(/^# x\n\[flake8\]/);
});

test('binary files are not opened as text; files over 5 MB open read-only with a notice', async ({ page, web }) => {
  await treeItem(page, 'checkpoints').click();
  await treeItem(page, 'epoch_1.pt').click();
  await expect(page.getByText('epoch_1.pt is a binary file')).toBeVisible();

  await writeFile(path.join(web.project, 'big.log'), 'step loss\n'.repeat(600_000));
  await expect(treeItem(page, 'big.log')).toBeVisible();
  await treeItem(page, 'big.log').click();
  await expect(page.getByRole('note')).toContainText('opened read-only');
  await typeInEditor(page, 'x');
  await expect(page.getByRole('tab', { name: 'big.log', exact: true })).toBeVisible();
});

test('languages follow the file extension, including TOML and INI', async ({ page, web }) => {
  void web;
  for (const [name, language] of [['pyproject.toml', 'TOML'], ['setup.cfg', 'INI'], ['train.py', 'Python'], ['notes.json', 'JSON'], ['README.md', 'Markdown'], ['.gitignore', 'INI']] as const) {
    await treeItem(page, name).click();
    await expect(page.getByRole('status', { name: 'Language' })).toHaveText(language);
  }
  await treeItem(page, 'scripts').click();
  await treeItem(page, 'launch.sh').click();
  await expect(page.getByRole('status', { name: 'Language' })).toHaveText('Shell');
  await treeItem(page, 'configs').click();
  await treeItem(page, 'base.yaml').click();
  await expect(page.getByRole('status', { name: 'Language' })).toHaveText('YAML');
});

test('vim mode can be switched on and off', async ({ page, web }) => {
  void web;
  await treeItem(page, 'train.py').click();
  await page.getByRole('button', { name: 'Vim: off' }).click();
  const status = page.getByRole('status', { name: 'Vim mode status' });
  await expect(status).toBeVisible();
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('i');
  await expect(status).toContainText('INSERT');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Vim: on' }).click();
  await expect(status).toHaveCount(0);
});

test('find and replace (Ctrl+H) edits every match, and the saved file has them', async ({ page, web }) => {
  await treeItem(page, 'configs').click();
  await treeItem(page, 'base.yaml').click();
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+h');
  await page.getByRole('textbox', { name: 'Find' }).fill('adamw');
  await page.getByRole('textbox', { name: 'Replace' }).fill('sgd');
  await page.getByRole('button', { name: /Replace All/ }).click();
  await page.keyboard.press('Control+s');
  await expect.poll(() => readFile(path.join(web.project, 'configs/base.yaml'), 'utf8')).toContain('name: sgd');
  // The same from the palette, for people who do not know the shortcut.
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill('Find');
  await page.getByRole('option', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Find' })).toBeFocused();
});
