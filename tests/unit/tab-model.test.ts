import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activateTab, activeTab, cycleTabs, removeTab, showTab, updateTabs, type TabsState } from '../../renderer/src/editor/tab-model';

interface T {
  readonly id: string;
  readonly text?: string;
}

const state = (ids: string[], activeId: string | null): TabsState<T> => ({ tabs: ids.map((id) => ({ id })), activeId });
const ids = (s: TabsState<T>) => s.tabs.map((tab) => tab.id);

describe('editor tab model (renderer, pure)', () => {
  it('showing a new tab appends it and makes it active', () => {
    const next = showTab(state(['a', 'b'], 'a'), { id: 'c' });
    assert.deepEqual(ids(next), ['a', 'b', 'c']);
    assert.equal(next.activeId, 'c');
  });

  it('showing an open tab only activates it, keeping its loaded content and the same list', () => {
    const before: TabsState<T> = { tabs: [{ id: 'a', text: 'edited' }, { id: 'b' }], activeId: 'b' };
    const next = showTab(before, { id: 'a', text: 'placeholder' });
    assert.equal(next.tabs, before.tabs);
    assert.equal(next.activeId, 'a');
    assert.equal(activeTab(next)?.text, 'edited');
  });

  it('closing the active tab activates the one that slides into its place, or the new last one', () => {
    const table: Array<[string[], string, string, string | null]> = [
      [['a', 'b', 'c'], 'b', 'b', 'c'],
      [['a', 'b', 'c'], 'c', 'c', 'b'],
      [['a', 'b', 'c'], 'a', 'a', 'b'],
      [['a'], 'a', 'a', null],
      [['a', 'b', 'c'], 'a', 'c', 'a'], // closing another tab keeps focus where it is
    ];
    for (const [open, active, closed, expected] of table) {
      const next = removeTab(state(open, active), closed);
      assert.deepEqual(ids(next), open.filter((id) => id !== closed));
      assert.equal(next.activeId, expected, `close ${closed} of ${open.join(',')} with ${active} active`);
    }
  });

  it('closing a tab that is not open changes nothing', () => {
    const next = removeTab(state(['a', 'b'], 'b'), 'zzz');
    assert.deepEqual(ids(next), ['a', 'b']);
    assert.equal(next.activeId, 'b');
  });

  it('a stale id does not blank the editor', () => {
    const before = state(['a', 'b'], 'a');
    assert.equal(activateTab(before, 'gone'), before);
    assert.equal(activateTab(before, 'b').activeId, 'b');
  });

  it('cycling wraps around both ways, and starts at the first tab when none is active', () => {
    assert.equal(cycleTabs(state(['a', 'b', 'c'], 'c'), 1).activeId, 'a');
    assert.equal(cycleTabs(state(['a', 'b', 'c'], 'a'), -1).activeId, 'c');
    assert.equal(cycleTabs(state(['a', 'b', 'c'], 'b'), 1).activeId, 'c');
    assert.equal(cycleTabs(state(['a', 'b'], null), 1).activeId, 'a');
    const empty = state([], null);
    assert.equal(cycleTabs(empty, 1), empty);
  });

  it('updates only the tabs the guard accepts, in place', () => {
    const tabs: T[] = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const next = updateTabs(tabs, (tab): tab is T => tab.id !== 'b', (tab) => ({ ...tab, text: 'x' }));
    assert.deepEqual(next, [{ id: 'a', text: 'x' }, { id: 'b' }, { id: 'c', text: 'x' }]);
    assert.equal(next[1], tabs[1]);
  });
});
