#!/usr/bin/env node
// Runs the Electron smoke test (tests/electron/smoke.spec.ts) where an Electron binary exists,
// and otherwise prints one line saying why it was skipped and exits 0. Installs on the CI machine
// use ELECTRON_SKIP_BINARY_DOWNLOAD=1, so there it is always skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const electronDir = path.join(root, 'node_modules', 'electron');

function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(override) ? override : null;
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status ?? 1;
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const binary = electronBinary();
if (binary === null) {
  console.log(
    'Electron smoke test SKIPPED: no Electron binary (node_modules/electron/dist missing; installs here use ELECTRON_SKIP_BINARY_DOWNLOAD=1). ' +
      'It runs where `npm install` could download Electron.',
  );
  process.exit(0);
}

// Electron needs a display on Linux: use Xvfb when there is none.
let wrapper = [];
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  if (!onPath('xvfb-run')) {
    console.log('Electron smoke test SKIPPED: no display (DISPLAY is unset and xvfb-run is not installed).');
    process.exit(0);
  }
  wrapper = ['xvfb-run', '--auto-servernum'];
}

const built = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].every((file) => existsSync(path.join(root, file)));
if (!built) {
  const status = run('npx', ['electron-vite', 'build']);
  if (status !== 0) process.exit(status);
}

const playwright = ['npx', 'playwright', 'test', '-c', 'tests/electron/playwright.config.ts', ...process.argv.slice(2)];
const [command, ...args] = [...wrapper, ...playwright];
process.exit(run(command, args));
