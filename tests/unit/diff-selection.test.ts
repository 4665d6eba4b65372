import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeAt, changeSelection, selectedLines, type LineChange } from '../../renderer/src/git/diff-selection';

const change = (originalStartLineNumber: number, originalEndLineNumber: number, modifiedStartLineNumber: number, modifiedEndLineNumber: number): LineChange => ({
  originalStartLineNumber,
  originalEndLineNumber,
  modifiedStartLineNumber,
  modifiedEndLineNumber,
});

// Line 2 replaced by two lines (3–4 on the new side); a line inserted after old line 8; old line 12 deleted.
const CHANGES = [change(2, 2, 2, 3), change(8, 0, 9, 9), change(12, 12, 12, 0)];

describe('diff selection: which lines a hunk or a selection stages', () => {
  it('a hunk is both of its sides', () => {
    assert.deepEqual(changeSelection(CHANGES[0] as LineChange), { oldLines: [[2, 2]], newLines: [[2, 3]] });
    assert.deepEqual(changeSelection(CHANGES[1] as LineChange), { oldLines: [], newLines: [[9, 9]] });
    assert.deepEqual(changeSelection(CHANGES[2] as LineChange), { oldLines: [[12, 12]], newLines: [] });
  });

  it('the cursor picks the change it is in, or next to for a deletion', () => {
    const cases: [number, LineChange | undefined][] = [
      [3, CHANGES[0]],
      [9, CHANGES[1]],
      [13, CHANGES[2]],
      [5, undefined],
    ];
    for (const [line, expected] of cases) assert.equal(changeAt(CHANGES, line), expected, `line ${line}`);
  });

  const cases: { name: string; onNew: [number, number][]; onOld: [number, number][]; expected: { oldLines: [number, number][]; newLines: [number, number][] } }[] = [
    { name: 'all new lines of a replacement take its old line with them', onNew: [[2, 3]], onOld: [], expected: { oldLines: [[2, 2]], newLines: [[2, 3]] } },
    { name: 'part of a replacement stages only those added lines', onNew: [[3, 3]], onOld: [], expected: { oldLines: [], newLines: [[3, 3]] } },
    { name: 'a removed line chosen on the old side', onNew: [], onOld: [[12, 12]], expected: { oldLines: [[12, 12]], newLines: [] } },
    { name: 'a selection across two changes', onNew: [[1, 10]], onOld: [], expected: { oldLines: [[2, 2]], newLines: [[2, 3], [9, 9]] } },
    { name: 'context only: nothing', onNew: [[5, 7]], onOld: [[5, 6]], expected: { oldLines: [], newLines: [] } },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => assert.deepEqual(selectedLines(CHANGES, testCase.onNew, testCase.onOld), testCase.expected));
  }
});
