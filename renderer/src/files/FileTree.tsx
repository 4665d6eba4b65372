import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { DirEntry } from '../../../preload/api';
import { useEditor } from '../state/editor-store';
import { useWorkspace } from '../state/workspace-store';
import { deleteSelected, renameSelected } from './file-actions';
import { parentOf, visibleRows } from './tree-rows';

const ROW_HEIGHT = 22;

const rowId = (path: string) => `tree-row-${encodeURIComponent(path)}`;

/**
 * The project tree: folders load when expanded, and only the rows on screen are rendered, so a
 * folder with 50k files scrolls smoothly. Keyboard: arrows move/expand/collapse, Enter opens,
 * F2 renames, Delete moves to the trash.
 */
export function FileTree() {
  const { listings, expanded, selected, toggle, select } = useWorkspace();
  const openFile = useEditor((state) => state.openFile);
  const rows = useMemo(() => visibleRows({ listings, expanded }), [listings, expanded]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const selectedIndex = rows.findIndex((row) => row.entry.path === selected);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const activate = (entry: DirEntry) => {
    select(entry.path);
    if (entry.kind === 'dir') toggle(entry.path);
    else void openFile(entry.path);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const current = rows[selectedIndex];
    const move = (index: number) => {
      const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
      if (row) select(row.entry.path);
    };
    switch (event.key) {
      case 'ArrowDown':
        move(selectedIndex + 1);
        break;
      case 'ArrowUp':
        move(selectedIndex - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'ArrowRight':
        if (current?.entry.kind === 'dir' && !expanded[current.entry.path]) toggle(current.entry.path);
        else move(selectedIndex + 1);
        break;
      case 'ArrowLeft':
        if (current?.entry.kind === 'dir' && expanded[current.entry.path]) toggle(current.entry.path);
        else if (current && parentOf(current.entry.path) !== '') select(parentOf(current.entry.path));
        break;
      case 'Enter':
        if (current) activate(current.entry);
        break;
      case 'F2':
        void renameSelected();
        break;
      case 'Delete':
        void deleteSelected();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  if (!listings['']) return <p className="hint pad">Loading…</p>;
  if (rows.length === 0) return <p className="hint pad">This folder is empty. Create a file with the New File button.</p>;

  return (
    <div
      ref={scrollRef}
      className="tree"
      role="tree"
      aria-label="Project files"
      tabIndex={0}
      aria-activedescendant={selected !== null && selectedIndex >= 0 ? rowId(selected) : undefined}
      onKeyDown={onKeyDown}
      onFocus={() => {
        if (selectedIndex < 0 && rows[0]) select(rows[0].entry.path);
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const { entry } = row;
          const isDir = entry.kind === 'dir';
          const label = entry.kind === 'symlink' ? `${entry.name}, symbolic link to ${entry.linkTarget ?? 'unknown'}` : entry.name;
          return (
            <div
              key={entry.path}
              id={rowId(entry.path)}
              role="treeitem"
              aria-label={label}
              aria-level={row.depth + 1}
              aria-setsize={row.siblings}
              aria-posinset={row.position}
              aria-selected={entry.path === selected}
              aria-expanded={isDir ? Boolean(expanded[entry.path]) : undefined}
              className={`tree-row${entry.path === selected ? ' selected' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, paddingLeft: 8 + row.depth * 14 }}
              onClick={() => activate(entry)}
              title={entry.kind === 'symlink' ? `${entry.path} → ${entry.linkTarget ?? '?'}` : entry.path}
            >
              <span className={`twisty${isDir ? (expanded[entry.path] ? ' open' : '') : ' none'}`} aria-hidden="true" />
              <span className={`file-icon kind-${entry.kind}`} aria-hidden="true" />
              <span className="tree-name">{entry.name}</span>
              {entry.kind === 'symlink' && <span className="link-target" aria-hidden="true">→ {entry.linkTarget}</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
