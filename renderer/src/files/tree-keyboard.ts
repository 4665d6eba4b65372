/**
 * The keyboard of a tree (the project Files tree and the server tree): which action a key asks
 * for, given where the selection is. Pure, so both trees move, expand and collapse alike.
 */

/** What the tree needs to know about the selected row to decide ArrowRight / ArrowLeft. */
export interface TreeKeyRow {
  readonly path: string;
  /** Folders (and, on the server, links to folders) expand; files do not. */
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** The folder to go to on ArrowLeft, or null for a row at the top of the tree. */
  readonly parent: string | null;
}

export interface TreeKeyFacts {
  /** Index of the selected row among the visible rows, -1 when nothing visible is selected. */
  readonly selectedIndex: number;
  readonly rowCount: number;
  readonly current: TreeKeyRow | undefined;
}

export type TreeKeyAction =
  /** Select the visible row at this index (already kept inside the list; the list may be empty). */
  | { readonly type: 'selectIndex'; readonly index: number }
  | { readonly type: 'selectPath'; readonly path: string }
  | { readonly type: 'toggle'; readonly path: string }
  /** Enter: open the file, or expand/collapse the folder. */
  | { readonly type: 'activate' }
  | { readonly type: 'rename' }
  | { readonly type: 'delete' }
  /** A tree key with nothing to do here (still not passed on to the page). */
  | { readonly type: 'none' };

/** The action for `key`, or null when the key is not one the tree handles. */
export function treeKeyAction(key: string, { selectedIndex, rowCount, current }: TreeKeyFacts): TreeKeyAction | null {
  const selectIndex = (index: number): TreeKeyAction => ({ type: 'selectIndex', index: Math.max(0, Math.min(rowCount - 1, index)) });
  switch (key) {
    case 'ArrowDown':
      return selectIndex(selectedIndex + 1);
    case 'ArrowUp':
      return selectIndex(selectedIndex - 1);
    case 'Home':
      return selectIndex(0);
    case 'End':
      return selectIndex(rowCount - 1);
    case 'ArrowRight':
      if (current?.expandable && !current.expanded) return { type: 'toggle', path: current.path };
      return selectIndex(selectedIndex + 1);
    case 'ArrowLeft':
      if (current?.expandable && current.expanded) return { type: 'toggle', path: current.path };
      if (current && current.parent !== null) return { type: 'selectPath', path: current.parent };
      return { type: 'none' };
    case 'Enter':
      return current ? { type: 'activate' } : { type: 'none' };
    case 'F2':
      return { type: 'rename' };
    case 'Delete':
      return { type: 'delete' };
    default:
      return null;
  }
}
