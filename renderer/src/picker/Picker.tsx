import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface PickerItem {
  readonly id: string;
  readonly label: ReactNode;
  /** Plain text name of the item (its accessible name). */
  readonly name: string;
  readonly detail?: ReactNode;
  readonly hint?: string;
}

interface PickerProps {
  readonly title: string;
  readonly placeholder: string;
  readonly query: string;
  readonly onQuery: (query: string) => void;
  readonly items: readonly PickerItem[];
  readonly onPick: (item: PickerItem) => void;
  readonly onClose: () => void;
  readonly emptyText: string;
  readonly status?: string;
}

/**
 * The shared quick-pick (VS Code's): an input that filters a list, arrows to move, Enter to pick,
 * Escape to close. ARIA combobox + listbox so screen readers and tests can find it by role.
 */
export function Picker(props: PickerProps) {
  const { title, placeholder, query, onQuery, items, onPick, onClose, emptyText, status } = props;
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const restoreFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  useEffect(() => {
    const previous = restoreFocus.current;
    return () => {
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') setActive((index) => Math.min(items.length - 1, index + 1));
    else if (event.key === 'ArrowUp') setActive((index) => Math.max(0, index - 1));
    else if (event.key === 'PageDown') setActive((index) => Math.min(items.length - 1, index + 10));
    else if (event.key === 'PageUp') setActive((index) => Math.max(0, index - 10));
    else if (event.key === 'Escape') onClose();
    else if (event.key === 'Enter') {
      const item = items[active];
      if (item) onPick(item);
    } else return;
    event.preventDefault();
  };

  const activeItem = items[active];
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="picker" role="dialog" aria-label={title} onMouseDown={(event) => event.stopPropagation()}>
        <input
          className="picker-input"
          role="combobox"
          aria-label={title}
          aria-expanded="true"
          aria-controls="picker-list"
          aria-autocomplete="list"
          aria-activedescendant={activeItem ? `picker-item-${active}` : undefined}
          placeholder={placeholder}
          value={query}
          autoFocus
          spellCheck={false}
          onChange={(event) => onQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        {status && <div className="picker-status" role="status">{status}</div>}
        <ul id="picker-list" ref={listRef} className="picker-list" role="listbox" aria-label={`${title} results`}>
          {items.length === 0 && <li className="picker-empty" role="presentation">{emptyText}</li>}
          {items.map((item, index) => (
            <li
              key={item.id}
              id={`picker-item-${index}`}
              role="option"
              aria-selected={index === active}
              aria-label={item.name}
              className={`picker-item${index === active ? ' active' : ''}`}
              onMouseMove={() => setActive(index)}
              onClick={() => onPick(item)}
            >
              <span className="picker-label">{item.label}</span>
              {item.detail && <span className="picker-detail">{item.detail}</span>}
              {item.hint && <kbd className="picker-hint">{item.hint}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
