import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectLines } from '../../main/git/work-tree/line-patch';

// `git diff` of a 14-line file: b → B in the first hunk; k → K1, K2 and a new last line O in the second.
const DIFF = `diff --git a/f b/f
index 4f7cbe7..d394572 100644
--- a/f
+++ b/f
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
@@ -8,7 +8,9 @@ g
 h
 i
 j
-k
+K1
+K2
 l
 m
 n
+O
`;
// A part of a diff no longer matches the blobs the index line names, so it is left out.
const HEADER = 'diff --git a/f b/f\n--- a/f\n+++ b/f\n';
const none: [number, number][] = [];

describe('selectLines: a patch of only the chosen lines', () => {
  const cases: { name: string; oldLines: [number, number][]; newLines: [number, number][]; direction: 'stage' | 'unstage'; expected: string | null }[] = [
    {
      name: 'stage one replaced line: the other added lines are left out, nothing else changes',
      oldLines: [[11, 11]],
      newLines: [[11, 11]],
      direction: 'stage',
      expected: `${HEADER}@@ -8,7 +8,7 @@\n h\n i\n j\n-k\n+K1\n l\n m\n n\n`,
    },
    {
      name: 'stage one added line: an unchosen removed line stays as context',
      oldLines: none,
      newLines: [[16, 16]],
      direction: 'stage',
      expected: `${HEADER}@@ -8,7 +8,8 @@\n h\n i\n j\n k\n l\n m\n n\n+O\n`,
    },
    {
      name: 'stage a removal in the first hunk: the second hunk starts one line earlier on the new side',
      oldLines: [[2, 2]],
      newLines: [[16, 16]],
      direction: 'stage',
      expected: `${HEADER}@@ -1,5 +1,4 @@\n a\n-b\n c\n d\n e\n@@ -8,7 +7,8 @@\n h\n i\n j\n k\n l\n m\n n\n+O\n`,
    },
    {
      name: 'unstage one added line: unchosen added lines stay as context, unchosen removals are left out',
      oldLines: none,
      newLines: [[12, 12]],
      direction: 'unstage',
      expected: `${HEADER}@@ -8,8 +8,9 @@\n h\n i\n j\n K1\n+K2\n l\n m\n n\n O\n`,
    },
    {
      name: 'every change chosen: the diff as it was',
      oldLines: [[1, 100]],
      newLines: [[1, 100]],
      direction: 'stage',
      expected: DIFF.replace('@@ -8,7 +8,9 @@ g', '@@ -8,7 +8,9 @@'),
    },
    { name: 'only context chosen: no patch', oldLines: [[3, 5]], newLines: [[3, 5]], direction: 'stage', expected: null },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.equal(selectLines(DIFF, { oldLines: testCase.oldLines, newLines: testCase.newLines }, testCase.direction), testCase.expected);
    });
  }

  it('part of a deleted file becomes a change of that file, not its deletion', () => {
    const deletion = 'diff --git a/g b/g\ndeleted file mode 100644\nindex 1234567..0000000\n--- a/g\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n-two\n';
    assert.equal(selectLines(deletion, { oldLines: [[1, 1]], newLines: [] }, 'stage'), 'diff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -1,2 +1,1 @@\n-one\n two\n');
    assert.equal(selectLines(deletion, { oldLines: [[1, 2]], newLines: [] }, 'stage'), deletion);
  });

  it('"No newline at end of file" goes with its line', () => {
    const diff = 'diff --git a/h b/h\n--- a/h\n+++ b/h\n@@ -1 +1,2 @@\n-x\n\\ No newline at end of file\n+x\n+y\n\\ No newline at end of file\n';
    // Only the first added line: the last line (and its marker) is left out.
    assert.equal(selectLines(diff, { oldLines: [[1, 1]], newLines: [[1, 1]] }, 'stage'), 'diff --git a/h b/h\n--- a/h\n+++ b/h\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n');
  });
});
