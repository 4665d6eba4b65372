import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecentProject, Settings, ThemeName } from '../../preload/api';
import { atomicWriteFile } from '../common';

const MAX_RECENT = 12;

const settingsFile = z.object({
  theme: z.enum(['light', 'dark']).catch('dark'),
  vimMode: z.boolean().catch(false),
  recentProjects: z
    .array(z.object({ path: z.string(), name: z.string(), openedAt: z.string() }))
    .catch([]),
});

const DEFAULTS: Settings = { theme: 'dark', vimMode: false, recentProjects: [] };

/**
 * App settings (theme, vim mode, recent projects) as one JSON file in the config dir. A damaged
 * file never stops the app: unreadable fields fall back to defaults. No secrets are stored here.
 */
export class SettingsStore {
  private cached: Settings | null = null;
  private readonly file: string;

  constructor(configDir: string) {
    this.file = path.join(configDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    if (this.cached) return this.cached;
    const text = await readFile(this.file, 'utf8').catch(() => null);
    let parsed: Settings = DEFAULTS;
    if (text !== null) {
      try {
        parsed = settingsFile.parse(JSON.parse(text));
      } catch {
        parsed = DEFAULTS;
      }
    }
    this.cached = parsed;
    return parsed;
  }

  async update(change: { theme?: ThemeName; vimMode?: boolean }): Promise<Settings> {
    const current = await this.get();
    return this.save({
      ...current,
      ...(change.theme !== undefined && { theme: change.theme }),
      ...(change.vimMode !== undefined && { vimMode: change.vimMode }),
    });
  }

  async rememberProject(folder: string, name: string): Promise<Settings> {
    const current = await this.get();
    const entry: RecentProject = { path: folder, name, openedAt: new Date().toISOString() };
    const others = current.recentProjects.filter((project) => project.path !== folder);
    return this.save({ ...current, recentProjects: [entry, ...others].slice(0, MAX_RECENT) });
  }

  private async save(next: Settings): Promise<Settings> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await atomicWriteFile(this.file, JSON.stringify(next, null, 2) + '\n');
    this.cached = next;
    return next;
  }
}
