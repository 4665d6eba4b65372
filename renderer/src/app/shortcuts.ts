/**
 * Shortcuts are written like `Mod+Shift+P`, where Mod is Cmd on macOS and Ctrl elsewhere.
 * Pure functions, so the matching rules are easy to read and test.
 */
export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
}

export function matchesShortcut(event: KeyLike, shortcut: string, isMac = IS_MAC): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()?.toLowerCase() ?? '';
  const wants = new Set(parts.map((part) => part.toLowerCase()));
  const mod = isMac ? event.metaKey : event.ctrlKey;
  const ctrl = wants.has('ctrl') || (wants.has('mod') && !isMac);
  const meta = wants.has('meta') || (wants.has('mod') && isMac);
  return (
    event.key.toLowerCase() === key &&
    (wants.has('mod') ? mod : true) &&
    event.ctrlKey === ctrl &&
    event.metaKey === meta &&
    event.shiftKey === wants.has('shift') &&
    event.altKey === wants.has('alt')
  );
}

/** How a shortcut is shown to the user: ⌘⇧P on macOS, Ctrl+Shift+P elsewhere. */
export function shortcutLabel(shortcut: string, isMac = IS_MAC): string {
  const parts = shortcut.split('+');
  if (isMac) {
    const symbols: Record<string, string> = { Mod: '⌘', Meta: '⌘', Ctrl: '⌃', Shift: '⇧', Alt: '⌥' };
    return parts.map((part) => symbols[part] ?? part.toUpperCase()).join('');
  }
  return parts.map((part) => (part === 'Mod' ? 'Ctrl' : part.length === 1 ? part.toUpperCase() : part)).join('+');
}
