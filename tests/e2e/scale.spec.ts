import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, treeItem } from './labdesk-web';

/**
 * 50k files: the tree stays responsive (only visible rows are rendered) and quick open answers
 * at once. Times are printed for the record, not asserted (speed is measured in benchmarks).
 */
test('a 50,000-file project: tree and quick open stay fast', async ({ page, web }) => {
  test.setTimeout(120_000);
  const big = path.join(web.project, 'dataset_index');
  await mkdir(big);
  for (let shard = 0; shard < 50; shard++) {
    const shardDir = path.join(big, `shard_${String(shard).padStart(3, '0')}`);
    await mkdir(shardDir);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => writeFile(path.join(shardDir, `sample_${i}.json`), '')));
  }
  // One folder with 20k direct children, the worst case for a tree.
  const flat = path.join(web.project, 'flat');
  await mkdir(flat);
  for (let i = 0; i < 20_000; i += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, j) => writeFile(path.join(flat, `f${i + j}.txt`), '')));
  }
  await page.getByRole('button', { name: 'Refresh Explorer' }).click();

  let started = Date.now();
  await treeItem(page, 'flat').click();
  await expect(treeItem(page, 'f0.txt')).toBeVisible();
  const expandMs = Date.now() - started;
  expect(await page.getByRole('treeitem').count()).toBeLessThan(200); // virtualised
  // Keyboard to the far end of 20k rows and back: the virtual list scrolls to the selection.
  await treeItem(page, 'f0.txt').click();
  started = Date.now();
  await page.getByRole('tree', { name: 'Project files' }).press('End');
  await expect(treeItem(page, 'train.py')).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tree', { name: 'Project files' }).press('ArrowUp');
  await expect(treeItem(page, 'setup.cfg')).toHaveAttribute('aria-selected', 'true');
  const scrollMs = Date.now() - started;
  await page.getByRole('tree', { name: 'Project files' }).press('Home');
  await expect(treeItem(page, 'checkpoints')).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Control+p');
  const input = page.getByRole('combobox', { name: 'Go to file' });
  await expect(page.getByRole('option').first()).toBeVisible();
  await input.fill('shard_049/sample_999');
  started = Date.now();
  await expect(page.getByRole('option', { name: 'dataset_index/shard_049/sample_999.json' })).toBeVisible();
  const queryMs = Date.now() - started;
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'sample_999.json' })).toBeVisible();
  console.log(`50k files: expand a 20k-entry folder ${expandMs} ms, scroll to its end ${scrollMs} ms, quick-open query ${queryMs} ms`);
});
