import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { treeKeyAction, type TreeKeyRow } from './tree-keyboard';

export const TREE_ROW_HEIGHT = 22;

/** A row of either tree: its entry's path is its identity (selection, expansion, DOM id). */
interface PathRow {
  readonly entry: { readonly path: string };
}

interface VirtualTreeOptions<Row extends PathRow> {
  readonly rows: readonly Row[];
  readonly isExpandable: (row: Row) => boolean;
  /** The folder ArrowLeft goes to, or null for a top row. */
  readonly parentFolderOf: (row: Row) => string | null;
  readonly selected: string | null;
  readonly expanded: Readonly<Record<string, boolean | undefined>>;
  readonly select: (path: string) => void;
  readonly toggle: (path: string) => void;
  /** Enter on the selected row. */
  readonly activate: (row: Row) => void;
  readonly rename: () => void;
  readonly remove: () => void;
  /** The DOM id of a row, for aria-activedescendant. */
  readonly rowId: (path: string) => string;
}

/**
 * What the Files tree and the server tree share: only the rows on screen are rendered, the
 * selection stays scrolled into view, focus selects the first row when none is, and the keyboard
 * of tree-keyboard.ts. Spread `treeProps` on the element with role="tree".
 */
export function useVirtualTree<Row extends PathRow>(options: VirtualTreeOptions<Row>) {
  const { rows, selected, select } = options;
  const pathOf = (row: Row) => row.entry.path;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => TREE_ROW_HEIGHT,
    overscan: 20,
  });
  const selectedIndex = rows.findIndex((row) => pathOf(row) === selected);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    const currentRow = rows[selectedIndex];
    const current: TreeKeyRow | undefined = currentRow && {
      path: pathOf(currentRow),
      expandable: options.isExpandable(currentRow),
      expanded: Boolean(options.expanded[pathOf(currentRow)]),
      parent: options.parentFolderOf(currentRow),
    };
    const action = treeKeyAction(event.key, { selectedIndex, rowCount: rows.length, current });
    if (action === null) return;
    event.preventDefault();
    switch (action.type) {
      case 'selectIndex': {
        const row = rows[action.index];
        if (row !== undefined) select(pathOf(row));
        break;
      }
      case 'selectPath':
        select(action.path);
        break;
      case 'toggle':
        options.toggle(action.path);
        break;
      case 'activate':
        if (currentRow !== undefined) options.activate(currentRow);
        break;
      case 'rename':
        options.rename();
        break;
      case 'delete':
        options.remove();
        break;
      case 'none':
        break;
    }
  };

  const treeProps = {
    ref: scrollRef,
    tabIndex: 0,
    'aria-activedescendant': selected !== null && selectedIndex >= 0 ? options.rowId(selected) : undefined,
    onKeyDown,
    onFocus: () => {
      const first = rows[0];
      if (selectedIndex < 0 && first !== undefined) select(pathOf(first));
    },
  };
  return { virtualizer, treeProps };
}
