import { execFileSync } from 'node:child_process';
import { rm, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { makeLongHistory } from '../fixtures/git-repos';
import { expect, test } from './labdesk-web';

const IDENTITY = { GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' };

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...IDENTITY } }).trim();
}

/** The sample project as a real repository: two commits, then two separate edits to train.py. */
async function makeRepository(dir: string): Promise<{ first: string; second: string }> {
  await rm(path.join(dir, '.git'), { recursive: true, force: true }); // the sample's stand-in .git
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Ada Lovelace');
  git(dir, 'config', 'user.email', 'ada@example.com');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Sample project');
  const first = git(dir, 'rev-parse', 'HEAD');
  await writeFile(path.join(dir, 'configs/sweep/lr_small.yaml'), 'lr: 0.00005\n');
  git(dir, 'commit', '-q', '-am', 'Smaller learning rate');
  const second = git(dir, 'rev-parse', 'HEAD');
  const train = (await readFile(path.join(dir, 'train.py'), 'utf8')).split('\n');
  train.splice(0, 0, '# first hunk: a note at the top');
  train.push('# second hunk: a note at the end');
  await writeFile(path.join(dir, 'train.py'), train.join('\n'));
  return { first, second };
}

async function openSourceControl(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Source control' }).click();
  await expect(page.getByLabel('Current branch')).toContainText('On main');
}

test('graph, commit details, a diff, staging one hunk, committing, and comparing two commits', async ({ page, web }) => {
  const { first, second } = await makeRepository(web.project);
  await openSourceControl(page);
  const changes = page.getByRole('region', { name: 'Changes', exact: true });
  await expect(changes.getByRole('button', { name: 'train.py, modified' })).toBeVisible();
  // The branch is in the status bar and the file tree marks the changed file.
  await expect(page.getByRole('button', { name: /^Branch: main, 1 changed files/ })).toBeVisible();

  // Every action is in the palette too.
  await page.keyboard.press('Control+Shift+P');
  await page.getByRole('combobox', { name: 'Command palette' }).fill('Git:');
  for (const title of ['Git: Commit…', 'Git: Stage All Changes', 'Git: Rename Current Branch…', 'Git: Discard All Unstaged Changes…', 'Git: Push', 'Git: Show Commit Graph']) {
    await expect(page.getByRole('option', { name: title })).toBeVisible();
  }
  await page.keyboard.press('Escape');

  // The graph: a working-tree row on top, then the commits; a click shows the commit's files.
  await page.getByRole('button', { name: 'Show graph' }).click();
  const commits = page.getByRole('listbox', { name: 'Commits' });
  await expect(commits.getByRole('option', { name: /^Uncommitted changes/ })).toBeVisible();
  await commits.getByRole('option', { name: `Smaller learning rate, ${second.slice(0, 8)}` }).click();
  const details = page.getByRole('region', { name: 'Commit details' });
  await expect(details.getByRole('heading', { name: 'Smaller learning rate' })).toBeVisible();
  await details.getByRole('button', { name: 'configs/sweep/lr_small.yaml, modified' }).click();
  await expect(page.getByRole('tab', { name: `lr_small.yaml (${first.slice(0, 8)} ↔ ${second.slice(0, 8)})` })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('1 change', { exact: false }).first()).toBeVisible();

  // A diff of the working tree: stage only the hunk at the cursor (the first one).
  await changes.getByRole('button', { name: 'train.py, modified' }).click();
  await expect(page.getByRole('toolbar', { name: 'Diff' })).toContainText('2 changes');
  await page.getByRole('button', { name: 'Stage hunk' }).click();
  const staged = page.getByRole('region', { name: 'Staged changes' });
  await expect(staged.getByRole('button', { name: 'train.py, modified' })).toBeVisible();
  await expect(changes.getByRole('button', { name: 'train.py, modified' })).toBeVisible();
  const cached = git(web.project, 'diff', '--cached');
  expect(cached).toContain('+# first hunk');
  expect(cached).not.toContain('second hunk');

  // Commit it: the new commit is the graph's top row.
  await page.getByRole('textbox', { name: 'Commit message' }).fill('Note at the top of train.py');
  await page.getByRole('button', { name: 'Commit', exact: true }).click();
  await expect(staged).toHaveCount(0);
  const head = git(web.project, 'rev-parse', 'HEAD');
  expect(git(web.project, 'log', '-1', '--format=%s')).toBe('Note at the top of train.py');
  await page.getByRole('tab', { name: 'Commit graph' }).click();
  const top = commits.getByRole('option').nth(1);
  await expect(top).toHaveAttribute('aria-label', `Note at the top of train.py, ${head.slice(0, 8)}`);

  // Compare two commits: mark the first, select the newest, compare.
  await commits.getByRole('option', { name: `Sample project, ${first.slice(0, 8)}` }).click();
  await details.getByRole('button', { name: 'Mark for compare' }).click();
  await top.click();
  await details.getByRole('button', { name: `Compare with ${first.slice(0, 8)}` }).click();
  const between = details.getByRole('list', { name: 'Files changed between the two commits' });
  await expect(between.getByRole('button', { name: 'train.py, modified' })).toBeVisible();
  await expect(between.getByRole('button', { name: 'configs/sweep/lr_small.yaml, modified' })).toBeVisible();

  // The same comparison as one multi-file patch, drawn by diff2html.
  await details.getByRole('button', { name: 'open as patch', exact: true }).click();
  const patch = page.getByRole('region', { name: `Patch ${first.slice(0, 8)}..${head.slice(0, 8)}` });
  await expect(patch.getByText('2 files changed')).toBeVisible();
  await expect(patch.locator('.d2h-file-wrapper')).toHaveCount(2);
  await expect(patch.locator('.d2h-ins').filter({ hasText: '# first hunk: a note at the top' })).toBeVisible();
});

test('a folder that is not a repository offers to initialize one', async ({ page, web }) => {
  await rm(path.join(web.project, '.git'), { recursive: true, force: true });
  await page.getByRole('button', { name: 'Source control' }).click();
  await expect(page.getByText(/is not a git repository/)).toBeVisible();
  await page.getByRole('button', { name: 'Initialize repository' }).click();
  await expect(page.getByLabel('Current branch')).toContainText('(no commits yet)');
  await expect(page.getByRole('region', { name: 'Untracked files' }).getByRole('button', { name: 'train.py, untracked' })).toBeVisible();
});

test('a 20k-commit graph keeps only the visible rows in the DOM, and End jumps to the first commit', async ({ page, web }) => {
  await rm(path.join(web.project, '.git'), { recursive: true, force: true });
  makeLongHistory(web.project, 20_000);
  git(web.project, 'reset', '-q', '--hard');
  await page.getByRole('button', { name: 'Source control' }).click();
  await page.getByRole('button', { name: 'Show graph' }).click();
  await expect(page.getByRole('status', { name: 'Commit count' })).toHaveText('20,000 commits');
  const commits = page.getByRole('listbox', { name: 'Commits' });
  await expect(commits.getByRole('option', { name: /^commit 19999, / })).toBeVisible();
  const rendered = await commits.getByRole('option').count();
  expect(rendered).toBeLessThan(80);
  await commits.focus();
  // How many frames the jump takes to show the last row (printed, not asserted: speed is for the bench).
  const frames = await page.evaluate(
    () =>
      new Promise<{ frames: number; ms: number }>((resolve) => {
        const list = document.querySelector('[role="listbox"][aria-label="Commits"]') as HTMLElement;
        const start = performance.now();
        let frames = 0;
        list.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
        const check = () => {
          frames += 1;
          if (list.querySelector('[aria-label^="commit 0, "]')) resolve({ frames, ms: performance.now() - start });
          else if (frames < 600) requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  console.log(`graph jump top → bottom of 20,000 commits: last row drawn after ${frames.frames} frames, ${frames.ms.toFixed(1)} ms`);
  await expect(commits.getByRole('option', { name: /^commit 0, / })).toBeVisible();
  expect(await commits.getByRole('option').count()).toBeLessThan(80);
  await expect(page.getByRole('region', { name: 'Commit details' }).getByRole('heading', { name: 'commit 0' })).toBeVisible();
});

test('file history follows the file and opens a commit\'s change to it; blame marks every line', async ({ page, web }) => {
  const { second } = await makeRepository(web.project);
  await openSourceControl(page);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByRole('treeitem', { name: 'configs', exact: true }).click();
  await page.getByRole('treeitem', { name: 'sweep', exact: true }).click();
  await page.getByRole('treeitem', { name: 'lr_small.yaml', exact: true }).click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('lr: 0.00005');
  const palette = async (title: string) => {
    await page.keyboard.press('Control+Shift+P');
    await page.getByRole('combobox', { name: 'Command palette' }).fill(title);
    await expect(page.getByRole('option', { name: title })).toBeVisible();
    await page.keyboard.press('Enter');
  };
  await palette('Git: Toggle Blame');
  await expect(page.locator('.blame-label').first()).toContainText(`${second.slice(0, 7)} Ada Lovelace`);
  await palette('Git: Show File History');
  const history = page.getByRole('list', { name: 'Commits that changed configs/sweep/lr_small.yaml' });
  await expect(history.getByRole('button')).toHaveCount(2);
  await history.getByRole('button', { name: `Smaller learning rate, ${second.slice(0, 8)}` }).click();
  await expect(page.getByRole('toolbar', { name: 'Diff' })).toContainText('1 change');
});

test('any two files of the project in the diff editor, with images side by side', async ({ page, web }) => {
  await writeFile(path.join(web.project, 'configs/other.yaml'), 'lr: 0.5\nepochs: 10\n');
  const palette = async (title: string) => {
    await page.keyboard.press('Control+Shift+P');
    await page.getByRole('combobox', { name: 'Command palette' }).fill(title);
    await expect(page.getByRole('option', { name: title })).toBeVisible();
    await page.keyboard.press('Enter');
  };
  await palette('Compare Two Files…');
  const first = page.getByRole('dialog', { name: 'Compare files' }).getByRole('textbox');
  await first.fill('configs/base.yaml');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Compare files' }).getByRole('textbox').fill('configs/other.yaml');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: 'other.yaml (configs/base.yaml ↔ configs/other.yaml)' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('toolbar', { name: 'Diff' })).toContainText(/\d+ changes?/);

  // Two images: shown side by side, not as text.
  const png = (color: number) => Buffer.from(`89504e470d0a1a0a0000000d49484452000000010000000108020000009077530000000c4944415408d763${color.toString(16).padStart(2, '0')}f8ff3f0005fe02fea7d6a4c40000000049454e44ae426082`, 'hex');
  await writeFile(path.join(web.project, 'a.png'), png(0x60));
  await writeFile(path.join(web.project, 'b.png'), png(0x61));
  await palette('Compare Two Files…');
  await page.getByRole('dialog', { name: 'Compare files' }).getByRole('textbox').fill('a.png');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Compare files' }).getByRole('textbox').fill('b.png');
  await page.keyboard.press('Enter');
  const images = page.getByRole('region', { name: 'Comparison of b.png' });
  await expect(images.getByRole('img', { name: 'b.png (a.png)' })).toBeVisible();
  await expect(images.getByRole('img', { name: 'b.png (b.png)' })).toBeVisible();
});

test('a stash opens as a patch with the untracked files it saved', async ({ page, web }) => {
  await makeRepository(web.project);
  await writeFile(path.join(web.project, 'idea.md'), '# an untracked note\n');
  await openSourceControl(page);
  await page.getByRole('button', { name: 'Stash changes' }).click();
  await page.getByRole('dialog', { name: 'Stash changes' }).getByRole('textbox').fill('try a note');
  await page.keyboard.press('Enter');
  const stashes = page.getByRole('region', { name: 'Stashes' });
  await expect(stashes.getByText('stash@{0}: On main: try a note')).toBeVisible();
  await stashes.getByRole('button', { name: 'Show stash@{0}' }).click();
  const patch = page.getByRole('region', { name: 'Patch stash@{0}: On main: try a note' });
  await expect(patch.getByText('2 files changed')).toBeVisible();
  await expect(patch.locator('.d2h-ins').filter({ hasText: '# first hunk: a note at the top' })).toBeVisible();
  await expect(patch.locator('.d2h-ins').filter({ hasText: '# an untracked note' })).toBeVisible();
});
