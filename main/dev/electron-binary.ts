import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Electron executable installed with the `electron` package, or null when it was not
 * downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1, CI, a failed postinstall).
 *
 * `require('electron')` in plain Node returns this path, but it throws when the binary is missing
 * and main/ may not import electron outside main/app (lint rule), so this reads what that module
 * reads: the package's path.txt, relative to dist/ (or ELECTRON_OVERRIDE_DIST_PATH).
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null; // not installed at all (a production install without devDependencies)
  }
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH || path.join(packageDir, 'dist'), relative);
  return existsSync(binary) ? binary : null;
}

/** Whether a window can be shown here: Linux needs an X11 or Wayland display; macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
