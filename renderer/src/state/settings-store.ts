import { create } from 'zustand';
import type { AppInfo, Settings, ThemeName } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { notify } from './notifications-store';

interface SettingsState {
  readonly app: AppInfo | null;
  readonly settings: Settings;
  load(): Promise<void>;
  setTheme(theme: ThemeName): Promise<void>;
  setVimMode(on: boolean): Promise<void>;
  refresh(): Promise<void>;
}

export const useSettings = create<SettingsState>((set, get) => ({
  app: null,
  settings: { theme: 'dark', vimMode: false, recentProjects: [] },
  async load() {
    const [app, settings] = await Promise.all([api().app.info({}), api().settings.get({})]);
    set({ app, settings });
  },
  async refresh() {
    set({ settings: await api().settings.get({}) });
  },
  async setTheme(theme) {
    set({ settings: { ...get().settings, theme } }); // apply at once; persist in the background
    await api().settings.update({ theme }).catch((error) => notify('error', `Could not save the theme: ${errorMessage(error)}`));
  },
  async setVimMode(vimMode) {
    set({ settings: { ...get().settings, vimMode } });
    await api().settings.update({ vimMode }).catch((error) => notify('error', `Could not save vim mode: ${errorMessage(error)}`));
  },
}));
