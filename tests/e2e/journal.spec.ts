import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from './labdesk-web';

test('the journal: entries listed and searched, a malformed one named with its line, a safe preview, a new entry, one written by hand', async ({ page, web }) => {
  await mkdir(path.join(web.project, 'journal'), { recursive: true });
  await writeFile(
    path.join(web.project, 'journal/2026-11-30-baseline.md'),
    [
      '---',
      'title: Baseline',
      'created: 2026-11-30',
      'tags: [baseline]',
      'runs: [r-1130-a]',
      '---',
      '# Baseline',
      '',
      'ResNet-50 with the **cosine** schedule. See [the next try](2026-12-01-warmup.md).',
      '',
      '<script>window.__journalScript = 1</script>',
      '',
      '[bad link](javascript:alert(1)) and [a run](run:r-1130-a)',
      '',
      '![the loss](plots/loss.png) ![from the web](https://example.com/x.png)',
      '',
    ].join('\n'),
  );
  await mkdir(path.join(web.project, 'journal/plots'), { recursive: true });
  await writeFile(path.join(web.project, 'journal/plots/loss.png'), Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077530000000c4944415408d76360f8ff3f0005fe02fea7d6a4c40000000049454e44ae426082', 'hex'));
  await writeFile(path.join(web.project, 'journal/2026-12-01-warmup.md'), '---\ntitle: Warmup\ntags: [oops\n---\nIt diverged.\n');

  await page.getByRole('button', { name: 'Journal' }).click();
  const list = page.getByRole('list', { name: 'Journal entries' });
  await expect(list.getByRole('button', { name: 'Warmup, 2026-12-01' })).toBeVisible();
  await expect(list.getByRole('button', { name: 'Baseline, 2026-11-30' })).toBeVisible();
  await expect(list.getByRole('note')).toContainText(/Front matter, line \d+/);

  // Search (typo-tolerant) and the tag filter.
  await page.getByRole('searchbox', { name: 'Search the journal' }).fill('cosin');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list).toContainText('cosine schedule');
  await page.getByRole('searchbox', { name: 'Search the journal' }).fill('');
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('baseline');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('');

  // The preview: Markdown rendered, raw HTML shown as text and never run, javascript: links dead.
  await list.getByRole('button', { name: 'Preview Baseline' }).click();
  const preview = page.getByRole('article', { name: 'Preview of Baseline' });
  await expect(preview.getByRole('heading', { name: 'Baseline', level: 1 }).first()).toBeVisible();
  await expect(preview.locator('strong')).toHaveText('cosine');
  await expect(preview).toContainText('<script>window.__journalScript = 1</script>');
  expect(await page.evaluate(() => (window as { __journalScript?: number }).__journalScript)).toBeUndefined();
  await expect(preview.locator('a[href^="javascript"]')).toHaveCount(0);
  // An image of the project is shown inline; one on the web is not loaded (the CSP).
  await expect(preview.getByRole('img', { name: 'the loss' })).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(preview.getByRole('list', { name: 'Runs of this entry' })).toContainText('r-1130-a not recorded here');
  // A link to another entry opens its preview.
  await preview.getByRole('link', { name: 'the next try' }).click();
  await expect(page.getByRole('article', { name: 'Preview of Warmup' })).toContainText('The front matter has an error on line');

  // A new entry: named for today, opened to write in.
  await page.getByRole('button', { name: 'New entry' }).click();
  await page.getByRole('dialog', { name: 'New journal entry' }).getByRole('textbox').fill('Label smoothing 0.1');
  await page.keyboard.press('Enter');
  await expect(list.getByRole('button', { name: /^Label smoothing 0\.1, \d{4}-\d{2}-\d{2}T/ })).toBeVisible();
  await expect(page.getByRole('tab', { name: /label-smoothing-0-1\.md/ })).toHaveAttribute('aria-selected', 'true');
  const name = (await readdir(path.join(web.project, 'journal'))).find((candidate) => candidate.includes('label-smoothing')) as string;
  const created = await readFile(path.join(web.project, 'journal', name), 'utf8');
  expect(created).toMatch(/^---\ntitle: "Label smoothing 0.1"\ncreated: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}\n---\n/);

  // Written by another program: listed as soon as it is saved.
  await writeFile(path.join(web.project, 'journal/from-obsidian.md'), '---\ntitle: Written in Obsidian\n---\nMixup next.\n');
  await expect(list.getByRole('button', { name: /^Written in Obsidian/ })).toBeVisible();
});
