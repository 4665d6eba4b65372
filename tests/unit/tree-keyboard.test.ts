import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { treeKeyAction, type TreeKeyRow } from '../../renderer/src/files/tree-keyboard';

const folder = (expanded: boolean, parent: string | null = 'src'): TreeKeyRow => ({ path: 'src/models', expandable: true, expanded, parent });
const file: TreeKeyRow = { path: 'src/train.py', expandable: false, expanded: false, parent: 'src' };
const top: TreeKeyRow = { path: 'README.md', expandable: false, expanded: false, parent: null };

describe('tree keyboard (Files tree and server tree)', () => {
  const rows = [
    ['ArrowDown moves down', 'ArrowDown', { selectedIndex: 2, rowCount: 5, current: file }, { type: 'selectIndex', index: 3 }],
    ['ArrowDown stops at the last row', 'ArrowDown', { selectedIndex: 4, rowCount: 5, current: file }, { type: 'selectIndex', index: 4 }],
    ['ArrowUp stops at the first row', 'ArrowUp', { selectedIndex: 0, rowCount: 5, current: file }, { type: 'selectIndex', index: 0 }],
    ['ArrowDown with nothing selected selects the first row', 'ArrowDown', { selectedIndex: -1, rowCount: 5, current: undefined }, { type: 'selectIndex', index: 0 }],
    ['Home', 'Home', { selectedIndex: 3, rowCount: 5, current: file }, { type: 'selectIndex', index: 0 }],
    ['End', 'End', { selectedIndex: 1, rowCount: 5, current: file }, { type: 'selectIndex', index: 4 }],
    ['ArrowRight expands a closed folder', 'ArrowRight', { selectedIndex: 1, rowCount: 5, current: folder(false) }, { type: 'toggle', path: 'src/models' }],
    ['ArrowRight on an open folder moves into it', 'ArrowRight', { selectedIndex: 1, rowCount: 5, current: folder(true) }, { type: 'selectIndex', index: 2 }],
    ['ArrowLeft collapses an open folder', 'ArrowLeft', { selectedIndex: 1, rowCount: 5, current: folder(true) }, { type: 'toggle', path: 'src/models' }],
    ['ArrowLeft on a file goes to its folder', 'ArrowLeft', { selectedIndex: 2, rowCount: 5, current: file }, { type: 'selectPath', path: 'src' }],
    ['ArrowLeft at the top does nothing', 'ArrowLeft', { selectedIndex: 0, rowCount: 5, current: top }, { type: 'none' }],
    ['Enter opens', 'Enter', { selectedIndex: 2, rowCount: 5, current: file }, { type: 'activate' }],
    ['Enter with nothing selected does nothing', 'Enter', { selectedIndex: -1, rowCount: 5, current: undefined }, { type: 'none' }],
    ['F2 renames', 'F2', { selectedIndex: 2, rowCount: 5, current: file }, { type: 'rename' }],
    ['Delete deletes (the tree asks first)', 'Delete', { selectedIndex: 2, rowCount: 5, current: file }, { type: 'delete' }],
    ['other keys are not the tree’s', 'a', { selectedIndex: 2, rowCount: 5, current: file }, null],
  ] as const;
  for (const [name, key, facts, expected] of rows) {
    it(name, () => assert.deepEqual(treeKeyAction(key, facts), expected));
  }
});
