#!/usr/bin/env node
// `npm test`: every check, in the order ARCHITECTURE.md §6 gives. Each step runs even if an
// earlier one failed (except those that need the build), so one run shows everything that is red.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

const steps = [
  { name: 'typecheck', command: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'lint', command: ['npm', 'run', '--silent', 'lint'] },
  // `prepare` is the build (electron-vite + the CLI) with electron-vite's output kept to warnings.
  { name: 'build', command: ['npm', 'run', '--silent', 'prepare'] },
  { name: 'unit + integration', command: ['node', 'tests/run-node-tests.mjs'] },
  { name: 'e2e (Chromium)', command: ['npx', 'playwright', 'test', '-c', 'tests/e2e/playwright.config.ts'], needs: 'build' },
  { name: 'electron smoke', command: ['node', 'tests/electron/run.mjs'], needs: 'build' },
];

/** Runs a step with its output shown live, and keeps the output to count tests from it. */
function runStep(command) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk.toString();
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** Test counts from node's runner (`ℹ pass N`) and Playwright (`N passed`). */
function countTests(output) {
  // Children write to a pipe, not a terminal, so their output has no colour codes to strip.
  const plain = output;
  const last = (pattern) => {
    const matches = [...plain.matchAll(pattern)];
    return matches.length === 0 ? 0 : Number(matches[matches.length - 1][1]);
  };
  return {
    passed: last(/^ℹ pass (\d+)$/gm) + last(/^\s+(\d+) passed\b/gm),
    failed: last(/^ℹ fail (\d+)$/gm) + last(/^\s+(\d+) failed\b/gm),
    skipped: last(/^ℹ skipped (\d+)$/gm) + last(/^\s+(\d+) skipped\b/gm),
  };
}

const results = [];
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const step of steps) {
  if (step.needs && results.find((r) => r.name === step.needs)?.ok === false) {
    results.push({ name: step.name, ok: false, seconds: 0, note: `not run: ${step.needs} failed` });
    continue;
  }
  console.log(`\n━━ ${step.name}: ${step.command.join(' ')}`);
  const started = Date.now();
  const run = await runStep(step.command);
  const counts = countTests(run.output);
  for (const key of Object.keys(totals)) totals[key] += counts[key];
  results.push({ name: step.name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log('\n━━ summary');
for (const result of results) {
  console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.name.padEnd(20)} ${result.seconds.toFixed(1)} s${result.note ? `  (${result.note})` : ''}`);
}
const ok = results.every((result) => result.ok);
// A failed step that reported no failing test (a crash, a type error) still counts as one failure.
const failed = totals.failed + (ok || totals.failed > 0 ? 0 : 1);
console.log(`tests: ${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
