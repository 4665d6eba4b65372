import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, treeItem } from './labdesk-web';

test('opens a folder typed into the path field and lists it lazily, hiding .git and node_modules', async ({ page, webEmpty }) => {
  await page.getByLabel('Folder path').fill(webEmpty.project);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const tree = page.getByRole('tree', { name: 'Project files' });
  await expect(treeItem(page, 'train.py')).toBeVisible();
  await expect(treeItem(page, 'configs')).toHaveAttribute('aria-expanded', 'false');
  await expect(tree.getByRole('treeitem', { name: '.gitignore', exact: true })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: '.git', exact: true })).toHaveCount(0);
  await expect(tree.getByRole('treeitem', { name: 'node_modules', exact: true })).toHaveCount(0);
  // Symlinks are shown as links and never expanded.
  const link = page.getByRole('treeitem', { name: `data, symbolic link to ${webEmpty.outside}` });
  await expect(link).toBeVisible();
  await expect(link).not.toHaveAttribute('aria-expanded');
  // Folders load when expanded.
  await treeItem(page, 'configs').click();
  await expect(treeItem(page, 'base.yaml')).toBeVisible();
  await expect(treeItem(page, 'configs')).toHaveAttribute('aria-expanded', 'true');
  // The project is remembered as recent.
  const settings = JSON.parse(await readFile(path.join(webEmpty.configDir, 'settings.json'), 'utf8')) as { recentProjects: { name: string }[] };
  expect(settings.recentProjects[0]?.name).toBe('vision-lab');
});

test('a missing folder gets a clear error where the user typed it', async ({ page, webEmpty }) => {
  await page.getByLabel('Folder path').fill(path.join(webEmpty.project, 'nope'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'does not exist' })).toBeVisible();
});

test('keyboard moves through the tree and opens files', async ({ page, web }) => {
  void web;
  await page.getByRole('tree', { name: 'Project files' }).focus();
  await expect(treeItem(page, 'checkpoints')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown'); // configs
  await page.keyboard.press('ArrowRight'); // expand
  await expect(treeItem(page, 'base.yaml')).toBeVisible();
  await page.keyboard.press('ArrowDown'); // configs/sweep
  await page.keyboard.press('ArrowDown'); // base.yaml
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'base.yaml' })).toHaveAttribute('aria-selected', 'true');
});

test('new file, rename and delete (to the trash, after asking)', async ({ page, web }) => {
  await page.getByRole('button', { name: 'New File' }).click();
  await page.getByLabel(/^Name/).fill('eval.py');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('tab', { name: 'eval.py' })).toBeVisible();
  expect(existsSync(path.join(web.project, 'eval.py'))).toBe(true);

  await treeItem(page, 'eval.py').click();
  await page.getByRole('tree', { name: 'Project files' }).press('F2');
  await page.getByLabel('New name').fill('evaluate.py');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(treeItem(page, 'evaluate.py')).toBeVisible();
  expect(existsSync(path.join(web.project, 'evaluate.py'))).toBe(true);
  await expect(page.getByRole('tab', { name: 'evaluate.py' })).toBeVisible();

  await page.getByRole('tree', { name: 'Project files' }).press('Delete');
  const dialog = page.getByRole('alertdialog', { name: 'Move evaluate.py to the trash?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(existsSync(path.join(web.project, 'evaluate.py'))).toBe(true);

  await page.getByRole('tree', { name: 'Project files' }).press('Delete');
  await dialog.getByRole('button', { name: 'Move to Trash' }).click();
  await expect(treeItem(page, 'evaluate.py')).toHaveCount(0);
  expect(existsSync(path.join(web.project, 'evaluate.py'))).toBe(false);
  // The freedesktop trash keeps the original path in info/*.trashinfo.
  const infos = await readdir(path.join(web.trashDir, 'info'));
  const origins = await Promise.all(infos.map((name) => readFile(path.join(web.trashDir, 'info', name), 'utf8')));
  expect(origins.some((info) => info.includes(`Path=${path.join(web.project, 'evaluate.py')}`))).toBe(true);
});

test('renaming onto an existing file is refused and nothing is lost', async ({ page, web }) => {
  await treeItem(page, 'README.md').click();
  await page.getByRole('tree', { name: 'Project files' }).press('F2');
  await page.getByLabel('New name').fill('setup.cfg');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'setup.cfg already exists' })).toBeVisible();
  expect(await readFile(path.join(web.project, 'README.md'), 'utf8')).toContain('Vision lab');
  expect(await readFile(path.join(web.project, 'setup.cfg'), 'utf8')).toContain('flake8');
});

test('indexing leaves the status bar once it is done: no progress bar stays behind', async ({ page, web }) => {
  void web;
  // Quick open lists files only once the project is indexed: that is indexing finished, observably.
  await page.keyboard.press('Control+p');
  await page.getByRole('combobox', { name: 'Go to file' }).fill('train');
  await expect(page.getByRole('option', { name: 'train.py', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  const statusBar = page.getByRole('contentinfo', { name: 'Status bar' });
  // A finished task has no bar at once, and its short "done" line is gone within a few seconds.
  await expect(statusBar.getByRole('progressbar', { name: /Indexing/ })).toHaveCount(0, { timeout: 1_000 });
  await expect(statusBar).not.toContainText('Indexing', { timeout: 5_000 });
  await expect(statusBar.getByRole('progressbar')).toHaveCount(0);
});
