import { useEffect } from 'react';
import { COMMANDS } from './commands';
import { IS_MAC, matchesShortcut } from './shortcuts';

/**
 * App shortcuts win over Monaco and the browser: the listener runs in the capture phase on
 * window, so Ctrl/Cmd+S saves even while the editor has focus, and Ctrl+P is not "print". In a
 * terminal only the palette and New terminal are taken (elsewhere than macOS); the rest go to the shell.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const inTerminal = !IS_MAC && event.target instanceof Element && event.target.closest('.xterm') !== null;
      for (const command of COMMANDS) {
        if (inTerminal && !command.inTerminal) continue;
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
