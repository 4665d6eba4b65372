import { defineConfig } from '@playwright/test';

/**
 * The Electron smoke test: launches the real desktop app (`electron .`) with Playwright's
 * `_electron`. Run through tests/electron/run.mjs, which skips it where no Electron binary exists.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});
