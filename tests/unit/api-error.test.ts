import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { fail, fromFsError } from '../../main/common/errors';
import { looksBinary, SNIFF_BYTES } from '../../main/workspace/content-kind';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: raw message, open '/abs/secret/path'`), { code });
}

describe('fromFsError', () => {
  const table: [string, string, RegExp][] = [
    ['ENOENT', 'not-found', /does not exist/],
    ['EEXIST', 'already-exists', /already exists/],
    ['ENOTEMPTY', 'already-exists', /not empty/],
    ['ENOTDIR', 'not-a-directory', /not a folder/],
    ['EISDIR', 'is-a-directory', /is a folder/],
    ['EACCES', 'permission-denied', /permission denied/],
    ['EPERM', 'permission-denied', /not permitted/],
    ['EROFS', 'permission-denied', /read-only/],
    ['ENOSPC', 'disk-full', /disk is full/],
    ['EDQUOT', 'disk-full', /quota/],
  ];
  for (const [code, expected, words] of table) {
    it(`${code} → ${expected}, naming the file and the action`, () => {
      const error = fromFsError(errno(code), 'save', 'src/train.py');
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, expected);
      assert.match(error.message, /^Could not save src\/train\.py: /);
      assert.match(error.message, words);
      assert.ok(!error.message.includes('/abs/secret'), 'no raw absolute path from the OS message');
    });
  }

  it('an unknown errno becomes "internal" with the detail kept', () => {
    const error = fromFsError(errno('EIO'), 'open', 'a.txt');
    assert.equal(error.code, 'internal');
    assert.match(error.message, /Could not open a\.txt: EIO/);
  });

  it('a non-Error value is described too', () => {
    assert.equal(fromFsError('weird', 'open', 'a.txt').message, 'Could not open a.txt: weird');
  });

  it('an ApiError passes through unchanged', () => {
    const original = new ApiError({ code: 'changed-on-disk', message: 'x changed' });
    assert.equal(fromFsError(original, 'save', 'x'), original);
  });
});

describe('fail', () => {
  it('throws an ApiError with code, message and optional argument', () => {
    assert.throws(() => fail('bad-argument', 'nope', 'path'), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual({ code: error.code, message: error.message, argument: error.argument, name: error.name }, { code: 'bad-argument', message: 'nope', argument: 'path', name: 'ApiError' });
      return true;
    });
    assert.throws(() => fail('internal', 'x'), (error: unknown) => error instanceof ApiError && error.argument === undefined);
  });
});

describe('looksBinary', () => {
  it('NUL within the first 8000 bytes means binary', () => {
    assert.equal(looksBinary(new TextEncoder().encode('plain text\n')), false);
    assert.equal(looksBinary(new Uint8Array(0)), false);
    assert.equal(looksBinary(new Uint8Array([65, 0, 66])), true);
    const lateNul = new Uint8Array(SNIFF_BYTES + 10).fill(65);
    lateNul[SNIFF_BYTES + 5] = 0;
    assert.equal(looksBinary(lateNul), false, 'only the head is sniffed');
    lateNul[SNIFF_BYTES - 1] = 0;
    assert.equal(looksBinary(lateNul), true);
  });

  it('UTF-8 with high bytes is text', () => {
    assert.equal(looksBinary(new TextEncoder().encode('naïve – ünïcode ✓ 🚀')), false);
  });
});
