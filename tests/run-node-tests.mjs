#!/usr/bin/env node
// Runs every tests/{unit,integration}/**/*.test.ts with node's test runner and tsx.
// (Node 20's --test does not expand globs itself.)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['tests/unit', 'tests/integration'];

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return collect(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = folders.flatMap((folder) => collect(path.resolve(root, folder))).sort();
if (files.length === 0) {
  console.error('No test files found in', folders.join(', '));
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LABDESK_TEST: '1' } },
);
process.exit(result.status ?? 1);
