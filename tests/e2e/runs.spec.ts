import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tmuxAvailable } from '../fixtures/cli';
import { sshdAvailable } from '../fixtures/sshd';
import { expect } from './labdesk-web';
import { addAndActivateTarget, testWithServer } from './server-setup';

const test = testWithServer({ scratchPrefix: 'labdesk-e2e-runs-' });

test.skip(!sshdAvailable(), 'OpenSSH server (/usr/sbin/sshd) is not installed');
test.skip(!tmuxAvailable(), 'tmux is not installed');
test.setTimeout(90_000);

test('launch a run on the server from the Runs view, follow its log, see it succeed, and find its record', async ({ page, web, sshd }) => {
  // A real repository with one uncommitted change: the run records it in code.patch.
  await rm(path.join(web.project, '.git'), { recursive: true, force: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: web.project, env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'a@x' } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'sample');
  await writeFile(path.join(web.project, 'train.py'), `${await readFile(path.join(web.project, 'train.py'), 'utf8')}# tried a warmup\n`);
  await addAndActivateTarget(page, web.remote, sshd);
  // The server's environment line, set in its form, is applied to its runs.
  await page.getByRole('button', { name: 'Edit gpu1' }).click();
  const form = page.getByRole('form', { name: 'Edit gpu1' });
  await form.getByRole('textbox', { name: 'Environment' }).fill('export GREETING=from-the-form');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
  // An entry written first: the note, then a run launched from it.
  await page.getByRole('button', { name: 'Journal' }).click();
  await page.getByRole('button', { name: 'New entry' }).click();
  await page.getByRole('dialog', { name: 'New journal entry' }).getByRole('textbox').fill('Loss sweep');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('tab', { name: /loss-sweep\.md/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('# Loss sweep');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('Does the loss fall with a warmup?\n');
  await page.keyboard.press('Control+S');
  await expect(page.getByRole('tab', { name: /loss-sweep\.md/ })).not.toHaveAccessibleName(/unsaved|modified|●/);
  await page.getByRole('list', { name: 'Journal entries' }).getByRole('button', { name: 'Preview Loss sweep' }).click();
  await page.getByRole('article', { name: 'Preview of Loss sweep' }).getByRole('button', { name: 'Launch a run for this entry' }).click();
  await expect(page.getByRole('combobox', { name: 'Journal entry' })).toHaveValue(/-loss-sweep\.md$/);
  await expect(page.getByRole('textbox', { name: 'Command to run' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Environment line' })).toHaveValue('export GREETING=from-the-form');
  await page.getByRole('textbox', { name: 'Command to run' }).fill('echo "greeting $GREETING"; for step in 1 2 3; do echo "step=$step loss=0.$((4 - step))"; sleep 0.3; done; mkdir -p output && echo "acc=0.9" > output/result.txt');
  await page.getByRole('button', { name: 'Launch', exact: true }).click();

  // The log tab opens and follows the output as it is written on the server.
  const log = page.getByRole('region', { name: /^Log of r-/ });
  await expect(log.getByLabel('Output')).toContainText('step=3 loss=0.1', { timeout: 20_000 });
  await expect(log.getByLabel('Output')).toContainText('greeting from-the-form');
  const runs = page.getByRole('list', { name: 'Runs' });
  await expect(runs.getByRole('status').first()).toHaveText(/succeeded \(0\)/, { timeout: 20_000 });
  // The numbers in the log, plotted over steps.
  await expect(log.getByRole('img', { name: 'loss: 3 values, last 0.1 at step 3' })).toBeVisible({ timeout: 10_000 });
  await log.getByRole('searchbox', { name: 'Search the log' }).fill('step=2');
  await expect(log.getByLabel('Output')).toHaveText('step=2 loss=0.2');
  // The whole log, searched on the server; a match opens the log from its line, paused.
  await log.getByRole('button', { name: 'Search the whole log' }).click();
  await expect(log.getByRole('status').filter({ hasText: 'hold' })).toHaveText('1 line(s) hold "step=2"');
  await log.getByRole('list', { name: 'Matches in the whole log' }).getByRole('button', { name: 'Open the log at line 3' }).click();
  await expect(log.getByLabel('Output')).toHaveText(/^step=2 loss=0\.2\nstep=3 loss=0\.1\n/);
  await expect(log.getByRole('checkbox', { name: 'Follow' })).not.toBeChecked();
  await log.getByRole('checkbox', { name: 'Follow' }).check();
  await expect(log.getByLabel('Output')).toHaveText(/^greeting from-the-form\nstep=1/);

  // The code it ran: the uncommitted change, in the patch view.
  await log.getByRole('button', { name: 'Code changes' }).click();
  const patch = page.getByRole('region', { name: /^Patch code of r-/ });
  await expect(patch).toContainText('1 files changed');
  await expect(patch.locator('.d2h-ins').filter({ hasText: '# tried a warmup' })).toBeVisible();

  // The entry names the run, and what was written in it is kept; its preview shows the run's status.
  const entryFile = (await readdir(path.join(web.project, 'journal'))).find((name) => name.endsWith('-loss-sweep.md')) as string;
  const [firstRun] = (await readdir(path.join(web.project, 'journal', 'runs'))).sort();
  const entryText = await readFile(path.join(web.project, 'journal', entryFile), 'utf8');
  expect(entryText).toContain(`- ${firstRun}`);
  expect(entryText).toContain('Does the loss fall with a warmup?');
  await page.getByRole('tab', { name: /loss-sweep\.md \(preview\)/ }).click();
  await expect(page.getByRole('list', { name: 'Runs of this entry' }).getByRole('status', { name: `Status of ${firstRun}` })).toHaveText('succeeded (0)');
  await page.getByRole('combobox', { name: 'Journal entry' }).selectOption({ label: 'No journal entry' });

  // Its outputs, fetched into the run's folder.
  await page.getByRole('tab', { name: /^Log r-/ }).click();
  await log.getByRole('button', { name: 'Fetch outputs…' }).click();
  await page.getByRole('dialog', { name: 'Fetch outputs' }).getByRole('textbox').fill('output/result.txt');
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Fetched 1 file\(s\) into journal\/runs\/r-.*\/outputs\//)).toBeVisible();
  const [first] = (await readdir(path.join(web.project, 'journal', 'runs'))).sort();
  expect(await readFile(path.join(web.project, 'journal', 'runs', first as string, 'outputs', 'result.txt'), 'utf8')).toBe('acc=0.9\n');

  // Run again: the same command, a new record.
  await page.getByRole('tab', { name: /^Log r-/ }).click();
  await log.getByRole('button', { name: 'Run again' }).click();
  await expect(runs.getByRole('listitem')).toHaveCount(2);
  await expect(runs.getByRole('status').first()).toHaveText(/succeeded \(0\)/, { timeout: 20_000 });

  // Its record: the code was pushed first, and the run's folder is in the journal.
  const [id] = (await readdir(path.join(web.project, 'journal', 'runs'))).sort();
  const record = JSON.parse(await readFile(path.join(web.project, 'journal', 'runs', id as string, 'run.json'), 'utf8')) as { status: string; exitCode: number; target: string };
  expect([record.status, record.exitCode]).toEqual(['succeeded', 0]);
  expect(await readFile(path.join(web.remote, 'train.py'), 'utf8')).toBe(await readFile(path.join(web.project, 'train.py'), 'utf8'));

  // A long run is stopped from the view (asks first) and recorded as stopped.
  await page.getByRole('textbox', { name: 'Command to run' }).fill('sleep 120');
  // Filed in a new journal entry, made on the way.
  await page.getByRole('combobox', { name: 'Journal entry' }).selectOption({ label: 'New entry…' });
  await page.getByRole('button', { name: 'Launch', exact: true }).click();
  await page.getByRole('dialog', { name: 'New journal entry' }).getByRole('textbox').fill('Long one');
  await page.keyboard.press('Enter');
  await expect(runs.getByRole('status').first()).toHaveText(/running/, { timeout: 20_000 });
  // Its tmux session, watched in a terminal (read-only).
  await page.getByRole('region', { name: /^Log of r-/ }).getByRole('button', { name: 'Watch in terminal' }).click();
  await expect(page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab', { name: /^gpu1: r-.* \(read-only\)$/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: /^Terminal gpu1: r-/ }).locator('.xterm-rows')).toContainText('read-only: watching the run');
  await runs.getByRole('button', { name: /^Stop r-/ }).click();
  await page.getByRole('alertdialog', { name: /^Stop r-/ }).getByRole('button', { name: 'Stop' }).click();
  await expect(runs.getByRole('status').first()).toHaveText(/stopped \(129\)/, { timeout: 20_000 });

  // Two runs side by side.
  const picks = runs.getByRole('checkbox');
  await picks.nth(1).check();
  await picks.nth(2).check();
  await page.getByRole('button', { name: 'Compare the two picked runs' }).click();
  const compared = page.getByRole('region', { name: /^Compare r-.* and r-/ });
  await expect(compared.getByRole('row', { name: /^Command / })).toContainText('for step in 1 2 3');
  await expect(compared.getByRole('row', { name: /^Environment / })).toContainText('export GREETING=from-the-form');
  await expect(compared.getByRole('row', { name: /^Last loss / })).toContainText('0.1');
  await expect(compared.getByRole('img', { name: /^loss of r-.* and r-/ })).toBeVisible();

  // The commit the runs started from lists them in the graph.
  await page.getByRole('button', { name: 'Source control' }).click();
  await page.getByRole('button', { name: 'Show graph' }).click();
  await page.getByRole('listbox', { name: 'Commits' }).getByRole('option', { name: /^sample, / }).click();
  await expect(page.getByRole('list', { name: 'Runs from this commit' }).getByRole('listitem')).toHaveCount(3);
});
