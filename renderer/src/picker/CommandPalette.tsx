import fuzzysort from 'fuzzysort';
import { useMemo, useState } from 'react';
import { COMMANDS } from '../app/commands';
import { shortcutLabel } from '../app/shortcuts';
import { useUi } from '../state/ui-store';
import { Picker, type PickerItem } from './Picker';

/** Ctrl/Cmd+Shift+P: every enabled command by name, with its shortcut. */
export function CommandPalette() {
  const closePicker = useUi((state) => state.closePicker);
  const [query, setQuery] = useState('');
  const available = useMemo(() => COMMANDS.filter((command) => command.enabled?.() ?? true), []);

  const items: PickerItem[] = useMemo(() => {
    const toItem = (command: (typeof COMMANDS)[number], label: PickerItem['label'] = command.title): PickerItem => ({
      id: command.id,
      name: command.title,
      label,
      ...(command.shortcut !== undefined && { hint: shortcutLabel(command.shortcut) }),
    });
    if (query.trim() === '') return available.map((command) => toItem(command));
    return fuzzysort
      .go(query.trim(), available, { key: 'title', threshold: 0.2 })
      .map((result) => toItem(result.obj, result.highlight((match, i) => <mark key={i}>{match}</mark>)));
  }, [query, available]);

  return (
    <Picker
      title="Command palette"
      placeholder="Type a command"
      query={query}
      onQuery={setQuery}
      items={items}
      emptyText="No matching command."
      onClose={closePicker}
      onPick={(item) => {
        closePicker();
        const command = available.find((candidate) => candidate.id === item.id);
        // Let the palette close (and focus return) before the command opens its own UI.
        if (command) setTimeout(() => void command.run(), 0);
      }}
    />
  );
}
