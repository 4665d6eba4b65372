#!/usr/bin/env node
// `npm test`: every check, in the order ARCHITECTURE.md §6 gives. Each step runs even if an
// earlier one failed (except those that need the build), so one run shows everything that is red.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

const steps = [
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  { name: 'build', command: ['npx', 'electron-vite', 'build', '--logLevel', 'warn'] },
  { name: 'unit + integration', command: ['node', 'tests/run-node-tests.mjs'] },
  { name: 'e2e (Chromium)', command: ['npx', 'playwright', 'test', '-c', 'tests/e2e/playwright.config.ts'], needs: 'build' },
  { name: 'electron smoke', command: ['node', 'tests/electron/run.mjs'], needs: 'build' },
];

const results = [];
for (const step of steps) {
  if (step.needs && results.find((r) => r.name === step.needs)?.ok === false) {
    results.push({ name: step.name, ok: false, seconds: 0, note: `not run: ${step.needs} failed` });
    continue;
  }
  console.log(`\n━━ ${step.name}: ${step.command.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(step.command[0], step.command.slice(1), { cwd: root, env, stdio: 'inherit' });
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log('\n━━ summary');
for (const result of results) {
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name.padEnd(20)} ${result.seconds.toFixed(1)} s${result.note ? `  (${result.note})` : ''}`);
}
process.exit(results.every((result) => result.ok) ? 0 : 1);
