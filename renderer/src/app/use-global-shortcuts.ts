import { useEffect } from 'react';
import { COMMANDS } from './commands';
import { matchesShortcut } from './shortcuts';

/**
 * App shortcuts win over Monaco and the browser: the listener runs in the capture phase on
 * window, so Ctrl/Cmd+S saves even while the editor has focus, and Ctrl+P is not "print".
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      for (const command of COMMANDS) {
        if (command.shortcut && matchesShortcut(event, command.shortcut)) {
          event.preventDefault();
          event.stopPropagation();
          if (command.enabled?.() ?? true) void command.run();
          return;
        }
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}
