/**
 * The graph in the window, as the user meets it: `labdesk web` on a big repository (git/git),
 * the built renderer in Chromium, and the time from the click on "Show graph" to the first rows
 * drawn, then from End to the last row drawn (in frames and ms), with the rows kept in the DOM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

const CLI = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => existsSync(candidate));

function startWeb(repo: string, env: NodeJS.ProcessEnv): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [CLI, 'web', '--port', '0', repo], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) resolve({ url: match[0], stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`labdesk web exited with ${code}: ${output}`)));
  });
}

export async function runGraphWindowBench(args: readonly string[]): Promise<void> {
  const at = args.indexOf('--repo');
  const repo = path.resolve(at === -1 ? '/tmp/gitgit' : (args[at + 1] as string));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first.`);
  // As the CLI figures: the repository's commit-graph file ignored, then used.
  for (const [label, use] of [['without commit-graph', 'false'], ['with commit-graph', 'true']] as const) await measureWindow(repo, label, { GIT_CONFIG_PARAMETERS: `'core.commitgraph=${use}'` });
}

async function measureWindow(repo: string, label: string, env: NodeJS.ProcessEnv): Promise<void> {
  const web = await startWeb(repo, env);
  const browser = await chromium.launch({ ...(CHROMIUM && { executablePath: CHROMIUM }), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(web.url);
    await page.getByRole('button', { name: 'Source control' }).click();
    await page.getByRole('button', { name: 'Show graph' }).waitFor();
    // Timed in the page, from the click event to the frame that shows the result (Playwright's
    // own round trips to the browser are not the user's wait).
    await page.evaluate(`(() => {
      const timing = (window.__graphTiming = {});
      document.addEventListener('click', () => {
        timing.click = performance.now();
        const check = () => {
          const rows = document.querySelectorAll('[role="listbox"][aria-label="Commits"] [role="option"]:not([aria-label="Loading"])');
          if (timing.firstRows === undefined && rows.length > 20) timing.firstRows = performance.now() - timing.click;
          const count = document.querySelector('[role="status"][aria-label="Commit count"]');
          if (timing.whole === undefined && count && !count.textContent.includes('so far')) timing.whole = performance.now() - timing.click;
          if (timing.firstRows === undefined || timing.whole === undefined) requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }, { capture: true, once: true });
    })()`);
    await page.getByRole('button', { name: 'Show graph' }).click();
    await page.waitForFunction(
      () => {
        const timing = (globalThis as { __graphTiming?: { firstRows?: number; whole?: number } }).__graphTiming;
        return timing?.firstRows !== undefined && timing.whole !== undefined;
      },
      undefined,
      { timeout: 120_000 },
    );
    const { firstRows: firstScreen, whole } = (await page.evaluate('window.__graphTiming')) as { firstRows: number; whole: number };
    const total = await page.getByRole('status', { name: 'Commit count' }).textContent();
    await page.getByRole('listbox', { name: 'Commits' }).focus();
    // Runs in the page (a string, so this file needs no DOM types): End, then one check per frame.
    const jump = (await page.evaluate(`new Promise((resolve) => {
      const list = document.querySelector('[role="listbox"][aria-label="Commits"]');
      const start = performance.now();
      let frames = 0;
      list.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));
      const check = () => {
        frames += 1;
        const options = [...list.querySelectorAll('[role="option"]')];
        const last = options[options.length - 1];
        if (last && last.getAttribute('aria-selected') === 'true' && last.getAttribute('aria-label') !== 'Loading') resolve({ frames, ms: performance.now() - start, rows: options.length });
        else if (frames < 600) requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    })`)) as { frames: number; ms: number; rows: number };
    process.stdout.write(
      `graph in the window (${repo}, ${total}, ${label}): click "Show graph" → first rows drawn ${(firstScreen / 1000).toFixed(2)} s; whole history laid out ${(whole / 1000).toFixed(2)} s; ` +
        `End → last row drawn after ${jump.frames} frames (${jump.ms.toFixed(0)} ms); rows in the DOM: ${jump.rows}\n`,
    );
  } finally {
    await browser.close();
    web.stop();
  }
}
