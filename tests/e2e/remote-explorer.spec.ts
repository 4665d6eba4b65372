import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { sshdAvailable } from '../fixtures/sshd';
import { controlsWithoutName, expect, typeInEditor } from './labdesk-web';
import { addAndActivateTarget, testWithServer } from './server-setup';

/**
 * The remote explorer end to end: a real OpenSSH server on loopback whose files are a folder
 * here (so the test reads and changes "the server" on disk), the real `labdesk web`, Chromium.
 */
const test = testWithServer({
  scratchPrefix: 'labdesk-e2e-remote-',
  // What is on the server before the window opens: logs, results, a note, and the usual
  // `data` link to a data disk outside the project folder.
  prepareServer: async ({ serverDir, remote }) => {
    const datadisk = path.join(serverDir, 'datadisk');
    const files: Record<string, string> = {
      'logs/train.log': 'epoch 1 loss 0.91\nepoch 2 loss 0.55\n',
      'results/metrics.json': '{"top1": 0.76}\n',
      'results/plots/curve.csv': 'step,loss\n1,0.9\n2,0.5\n',
      'notes.txt': 'server notes\n',
    };
    for (const [relative, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(remote, relative)), { recursive: true });
      await writeFile(path.join(remote, relative), text);
    }
    await mkdir(path.join(datadisk, 'imagenet'), { recursive: true });
    await writeFile(path.join(datadisk, 'imagenet', 'README'), 'ImageNet 2012\n');
    await symlink(datadisk, path.join(remote, 'data'));
    return { datadisk };
  },
});

// Typed lines share no word prefix with the file's words, so Monaco's word suggestions never take an Enter.

/** Buttons in `region` whose label is cut (wider than the room inside the button) or that reach outside it. */
function clippedButtons(region: Locator): Promise<string[]> {
  return region.evaluate((element) => {
    const bounds = element.getBoundingClientRect();
    return Array.from(element.querySelectorAll('button'))
      .filter((button) => {
        const style = getComputedStyle(button);
        const room = button.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const range = document.createRange();
        range.selectNodeContents(button);
        const label = range.getBoundingClientRect().width;
        const box = button.getBoundingClientRect();
        return button.scrollWidth > button.clientWidth || label > room + 0.5 || box.left < bounds.left - 0.5 || box.right > bounds.right + 0.5;
      })
      .map((button) => button.getAttribute('aria-label') ?? button.textContent ?? '');
  });
}

test.skip(!sshdAvailable(), 'OpenSSH server (/usr/sbin/sshd) is not installed');
test.setTimeout(120_000);

test('browse the server, edit a file there with a conflict check, download, upload, new folder, rename, delete', async ({ page, web, sshd }) => {
  const onServer = (relative: string) => readFile(path.join(web.remote, relative), 'utf8').catch(() => null);
  const existsOnServer = (relative: string) =>
    stat(path.join(web.remote, relative)).then(
      () => true,
      () => false,
    );
  await addAndActivateTarget(page, web.remote, sshd);

  // Browse: the remote root is listed lazily, links show their targets, folders and links to folders expand.
  const explorer = page.getByRole('region', { name: 'Files on gpu1' });
  const tree = explorer.getByRole('tree', { name: 'Files on gpu1' });
  const item = (name: string) => tree.getByRole('treeitem', { name, exact: true });
  await expect(item('logs')).toBeVisible({ timeout: 20_000 });
  await expect(item('results')).toBeVisible();
  const dataLink = item(`data, symbolic link to ${web.datadisk}`);
  await expect(dataLink).toContainText(`→ ${web.datadisk}`);
  await expect(item('notes.txt')).toContainText('13 B'); // size shown next to the name
  await expect(item('imagenet')).toHaveCount(0); // nothing below a folder is listed before it is opened
  await dataLink.click();
  await expect(dataLink).toHaveAttribute('aria-expanded', 'true');
  await expect(item('imagenet')).toBeVisible();
  await item('logs').click();
  await expect(item('train.log')).toBeVisible();
  expect(await controlsWithoutName(page)).toEqual([]);
  // At the default side-bar width every button shows its whole label ("Download", not "Down…")
  // and lies inside the region; a narrower side bar wraps the row instead of cutting labels.
  expect(await clippedButtons(explorer)).toEqual([]);

  // Keyboard like the Files tree: Left collapses, Home goes to the top.
  await tree.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(item('logs')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('Home');
  await expect(tree.getByRole('treeitem').first()).toHaveAttribute('aria-selected', 'true');

  // Open a server file: a tab named with the host; Ctrl+S writes it back on the server.
  await item('notes.txt').click();
  await expect(page.getByRole('tab', { name: 'notes.txt — gpu1' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('server notes');
  await typeInEditor(page, 'alpha one\n');
  await expect(page.getByRole('tab', { name: 'notes.txt — gpu1, unsaved changes' })).toBeVisible();
  await page.keyboard.press('Control+s');
  await expect.poll(() => onServer('notes.txt')).toBe('alpha one\nserver notes\n');
  await expect(page.getByRole('tab', { name: 'notes.txt — gpu1' })).toBeVisible();

  // Someone changes the file on the server: the next save is refused, nothing is overwritten.
  await writeFile(path.join(web.remote, 'notes.txt'), 'changed on the server meanwhile\n');
  await typeInEditor(page, 'beta two\n');
  await page.keyboard.press('Control+s');
  const conflict = page.getByRole('alert', { name: `Conflict: ${web.remote}/notes.txt on gpu1` });
  await expect(conflict).toContainText('changed on gpu1');
  await expect(conflict).toContainText('nothing was written');
  expect(await onServer('notes.txt')).toBe('changed on the server meanwhile\n');
  // Compare with the server, then keep mine: written over the version just seen.
  await conflict.getByRole('button', { name: 'Compare with server' }).click();
  await expect(page.getByRole('tab', { name: 'notes.txt (gpu1 ↔ yours)' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-diff-editor')).toBeVisible();
  await expect(page.locator('.monaco-diff-editor')).toContainText('changed on the server meanwhile');
  await page.getByRole('toolbar', { name: 'Resolve the conflict with the server' }).getByRole('button', { name: 'Keep mine' }).click();
  await expect.poll(() => onServer('notes.txt')).toBe('beta two\nalpha one\nserver notes\n');
  await expect(page.getByRole('tab', { name: 'notes.txt — gpu1' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'notes.txt (gpu1 ↔ yours)' })).toHaveCount(0);
  // Another change on the server, another refused save; this time take theirs.
  await writeFile(path.join(web.remote, 'notes.txt'), 'third party version\n');
  await typeInEditor(page, 'gamma zeta\n');
  await page.keyboard.press('Control+s');
  await expect(conflict).toBeVisible();
  await conflict.getByRole('button', { name: 'Take theirs' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(page.locator('.monaco-editor .view-lines')).toHaveText('third party version');
  await expect(page.getByRole('tab', { name: 'notes.txt — gpu1' })).toBeVisible(); // clean again
  expect(await onServer('notes.txt')).toBe('third party version\n');
  // Closing with unsaved edits asks, as for local files.
  await typeInEditor(page, 'discarded\n');
  await page.keyboard.press('Control+w');
  const closeDialog = page.getByRole('alertdialog', { name: 'Save changes to notes.txt on gpu1?' });
  await closeDialog.getByRole('button', { name: "Don't Save" }).click();
  await expect(page.getByRole('tab', { name: /notes\.txt — gpu1/ })).toHaveCount(0);
  expect(await onServer('notes.txt')).toBe('third party version\n');

  // Download a folder inside the remote root: it lands where the project mirrors it.
  await item('results').click();
  await explorer.getByRole('button', { name: 'Download', exact: true }).click();
  await expect.poll(() => readFile(path.join(web.project, 'results/plots/curve.csv'), 'utf8').catch(() => null), { timeout: 20_000 }).toBe('step,loss\n1,0.9\n2,0.5\n');
  expect(await readFile(path.join(web.project, 'results/metrics.json'), 'utf8')).toBe('{"top1": 0.76}\n');
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await expect(page.getByRole('tree', { name: 'Project files' }).getByRole('treeitem', { name: 'results', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Server', exact: true }).click();
  // Behind the data link the project has no mirror: the window asks where to, with a default.
  await item('imagenet').click();
  await explorer.getByRole('button', { name: 'Download', exact: true }).click();
  const where = page.getByRole('dialog', { name: 'Download imagenet from gpu1' });
  await expect(where.getByRole('textbox')).toHaveValue('downloads');
  await where.getByRole('button', { name: 'Download' }).click();
  await expect.poll(() => readFile(path.join(web.project, 'downloads/imagenet/README'), 'utf8').catch(() => null), { timeout: 20_000 }).toBe('ImageNet 2012\n');

  // Upload a project file into the selected server folder (a quick-pick of project files).
  await item('logs').click();
  await explorer.getByRole('button', { name: 'Upload here' }).click();
  const picker = page.getByRole('combobox', { name: `Upload to ${web.remote}/logs on gpu1` });
  await picker.fill('configs/base.yaml');
  await expect(page.getByRole('option', { name: 'configs/base.yaml', exact: true })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect.poll(() => onServer('logs/base.yaml'), { timeout: 20_000 }).toContain('resnet50');
  await expect(item('base.yaml')).toBeVisible();

  // New folder (next to the selected file, at the top), rename it, delete it (asks first).
  await item('notes.txt').click();
  await explorer.getByRole('button', { name: 'New folder on server' }).click();
  const newDialog = page.getByRole('dialog', { name: 'New folder on gpu1' });
  await newDialog.getByRole('textbox').fill('checkpoints');
  await newDialog.getByRole('button', { name: 'Create' }).click();
  await expect(item('checkpoints')).toBeVisible();
  expect((await stat(path.join(web.remote, 'checkpoints'))).isDirectory()).toBe(true);

  await item('checkpoints').click();
  await explorer.getByRole('button', { name: 'Rename', exact: true }).click();
  const renameDialog = page.getByRole('dialog', { name: 'Rename checkpoints on gpu1' });
  await renameDialog.getByRole('textbox').fill('ckpt');
  await renameDialog.getByRole('button', { name: 'Rename' }).click();
  await expect(item('ckpt')).toBeVisible();
  await expect(item('checkpoints')).toHaveCount(0);
  expect(await existsOnServer('ckpt')).toBe(true);
  expect(await existsOnServer('checkpoints')).toBe(false);

  // A failure is shown next to the tree, naming the file and the host: renaming onto an existing folder.
  await explorer.getByRole('button', { name: 'Rename', exact: true }).click();
  await page.getByRole('dialog', { name: 'Rename ckpt on gpu1' }).getByRole('textbox').fill('logs');
  await page.getByRole('dialog', { name: 'Rename ckpt on gpu1' }).getByRole('button', { name: 'Rename' }).click();
  const error = explorer.getByRole('alert');
  await expect(error).toContainText(`${web.remote}/ckpt`);
  await expect(error).toContainText('gpu1');
  expect(await existsOnServer('ckpt')).toBe(true);
  expect(await onServer('logs/train.log')).toBe('epoch 1 loss 0.91\nepoch 2 loss 0.55\n');
  await explorer.getByRole('button', { name: 'Dismiss error' }).click();

  await explorer.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete ckpt on gpu1?' });
  await expect(confirm).toContainText(`${web.remote}/ckpt`);
  await expect(confirm).toContainText(`gpu1 (${sshd.username}@127.0.0.1:${sshd.port})`);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await existsOnServer('ckpt')).toBe(true);
  await explorer.getByRole('button', { name: 'Delete', exact: true }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(item('ckpt')).toHaveCount(0);
  expect(await existsOnServer('ckpt')).toBe(false);

  // Deleting the data link removes the link only, never the data disk it points to.
  await dataLink.click(); // collapses it and selects it
  await explorer.getByRole('button', { name: 'Delete', exact: true }).click();
  const linkConfirm = page.getByRole('alertdialog', { name: 'Delete data on gpu1?' });
  await expect(linkConfirm).toContainText('is kept');
  await linkConfirm.getByRole('button', { name: 'Delete' }).click();
  await expect(dataLink).toHaveCount(0);
  expect(await readFile(path.join(web.datadisk, 'imagenet', 'README'), 'utf8')).toBe('ImageNet 2012\n');

  // Refresh shows what changed on the server meanwhile; the palette has the actions.
  await writeFile(path.join(web.remote, 'added-later.txt'), 'x\n');
  await explorer.getByRole('button', { name: 'Refresh server files' }).click();
  await expect(item('added-later.txt')).toBeVisible();
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill('server');
  for (const name of ['Refresh Server Files', 'New Folder on Server…', 'Upload to Server…']) {
    await expect(page.getByRole('option', { name })).toBeVisible();
  }
  await page.keyboard.press('Escape');
  expect(await controlsWithoutName(page)).toEqual([]);
});
