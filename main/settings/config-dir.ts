import os from 'node:os';
import path from 'node:path';

/**
 * Where app settings live outside Electron (the CLI and `labdesk web`): the OS convention for
 * per-user config. Electron passes `app.getPath('userData')` instead. `LABDESK_CONFIG_DIR`
 * overrides both, which tests use to stay out of the real home folder.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LABDESK_CONFIG_DIR) return env.LABDESK_CONFIG_DIR;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Labdesk');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Labdesk');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'labdesk');
}
