import { useEffect } from 'react';
import { monaco } from '../editor/monaco-setup';
import { useSettings } from '../state/settings-store';

/** Chrome and editor share one theme: Monaco's `vs` / `vs-dark`, and CSS variables to match. */
export function useTheme(): void {
  const theme = useSettings((state) => state.settings.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
    monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs');
  }, [theme]);
}
