import { controlsWithoutName, expect, test, treeItem } from './labdesk-web';

test('every control has an accessible name, in every state the window has', async ({ page, web }) => {
  void web;
  expect(await controlsWithoutName(page)).toEqual([]);
  await treeItem(page, 'configs').click();
  await treeItem(page, 'train.py').click();
  await expect(page.locator('.monaco-editor')).toBeVisible();
  expect(await controlsWithoutName(page)).toEqual([]);
  await page.keyboard.press('Control+j');
  await expect(page.getByRole('region', { name: 'Panel' })).toBeVisible();
  expect(await controlsWithoutName(page)).toEqual([]);
  await page.keyboard.press('Control+p');
  expect(await controlsWithoutName(page)).toEqual([]);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'New File' }).click();
  expect(await controlsWithoutName(page)).toEqual([]);
  await page.keyboard.press('Escape');
  for (const name of ['Files', 'Command palette', 'New File', 'New Folder', 'Refresh Explorer', 'Collapse Folders', 'Switch to light theme']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
});

test('the welcome view is usable with names only', async ({ page, webEmpty }) => {
  void webEmpty;
  expect(await controlsWithoutName(page)).toEqual([]);
  await expect(page.getByRole('textbox', { name: 'Folder path' })).toBeVisible();
});
