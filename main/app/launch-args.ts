import path from 'node:path';

export interface LaunchContext {
  /**
   * `process.defaultApp`: true when started as `electron <app path> ...` (development, tests),
   * where the first positional argument is the app itself; false in a packaged app.
   */
  readonly defaultApp: boolean;
  /** Folder relative paths are resolved against (the launching shell's working directory). */
  readonly cwd: string;
  readonly home: string;
}

/**
 * The project folder named on the command line, as an absolute path, or null. It is the first
 * positional argument after the executable (and after the app path in development), so
 * `electron . ~/proj`, `npm start -- ~/proj` and `labdesk ~/proj` (packaged) all open ~/proj.
 * Switches (`--inspect=0`, `--no-sandbox`, Chromium's own) are skipped wherever they appear.
 * Pure; unit-tested.
 */
export function folderFromArgv(argv: readonly string[], context: LaunchContext): string | null {
  const positional = argv.slice(1).filter((arg) => arg !== '' && !arg.startsWith('-'));
  const folder = context.defaultApp ? positional[1] : positional[0];
  if (folder === undefined) return null;
  const expanded = folder === '~' ? context.home : /^~[/\\]/.test(folder) ? path.join(context.home, folder.slice(2)) : folder;
  return path.resolve(context.cwd, expanded);
}
