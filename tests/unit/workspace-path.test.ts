import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import {
  isInside,
  parseWorkspacePath,
  relativeFromRoot,
  resolveInWorkspace,
  toWorkspaceRelative,
} from '../../main/workspace/workspace-path';
import { TempDirs, writeTree } from '../fixtures/temp-project';

/** Asserts that `fn` throws (or rejects with) an ApiError with this code and argument. */
async function assertApiError(fn: () => unknown, code: string, argument: string | undefined, messageIncludes?: string) {
  await assert.rejects(
    async () => fn(),
    (error: unknown) => {
      assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
      assert.equal(error.code, code, `code of: ${error.message}`);
      assert.equal(error.argument, argument, `argument of: ${error.message}`);
      assert.ok(error.message.length > 10, 'the message says what is wrong');
      if (messageIncludes) assert.ok(error.message.includes(messageIncludes), `"${error.message}" mentions "${messageIncludes}"`);
      return true;
    },
  );
}

describe('parseWorkspacePath (pure, table)', () => {
  const accepted: [string, string[]][] = [
    ['', []],
    ['.', []],
    ['./', []],
    ['a', ['a']],
    ['a/b', ['a', 'b']],
    ['a//b/./c', ['a', 'b', 'c']],
    ['a/b/', ['a', 'b']],
    ['..a/b..', ['..a', 'b..']],
    ['.git/config', ['.git', 'config']],
    ['with space/naïve ünïcode.txt', ['with space', 'naïve ünïcode.txt']],
    // Backslash is a separator, so a Windows-style relative path maps to the same entry.
    ['a\\b', ['a', 'b']],
  ];
  for (const [input, segments] of accepted) {
    it(`accepts ${JSON.stringify(input)} → ${JSON.stringify(segments)}`, () => {
      assert.deepEqual(parseWorkspacePath(input), segments);
      assert.equal(toWorkspaceRelative(parseWorkspacePath(input)), segments.join('/'));
    });
  }

  const refused: [string, 'outside-workspace' | 'bad-argument'][] = [
    ['..', 'outside-workspace'],
    ['../x', 'outside-workspace'],
    ['a/../../x', 'outside-workspace'],
    // Even a `..` that would stay inside is refused: there is never a reason to send one.
    ['a/../b', 'outside-workspace'],
    ['/etc/passwd', 'outside-workspace'],
    ['/', 'outside-workspace'],
    ['C:\\Windows', 'outside-workspace'],
    ['C:/Windows', 'outside-workspace'],
    ['c:foo', 'outside-workspace'],
    ['\\\\server\\share', 'outside-workspace'],
    ['\\Windows', 'outside-workspace'],
    ['a\\..\\..\\x', 'outside-workspace'],
    ['a/..\\..\\x', 'outside-workspace'],
    ['a\0b', 'bad-argument'],
    ['\0', 'bad-argument'],
    ['../\0', 'bad-argument'],
  ];
  for (const [input, code] of refused) {
    it(`refuses ${JSON.stringify(input)} with ${code}`, async () => {
      await assertApiError(() => parseWorkspacePath(input), code, 'path');
      await assertApiError(() => parseWorkspacePath(input, 'from'), code, 'from');
    });
  }

  it('shows a NUL byte as \\0 in the message instead of cutting it off', () => {
    assert.throws(() => parseWorkspacePath('bad\0name'), /bad\\0name/);
  });
});

describe('path helpers', () => {
  it('isInside: the root itself and descendants only', () => {
    assert.equal(isInside('/w/root', '/w/root'), true);
    assert.equal(isInside('/w/root', '/w/root/a/b'), true);
    assert.equal(isInside('/w/root', '/w/root/..a'), true);
    assert.equal(isInside('/w/root', '/w/root-other/a'), false);
    assert.equal(isInside('/w/root', '/w'), false);
    assert.equal(isInside('/w/root', '/etc/passwd'), false);
  });

  it('relativeFromRoot gives POSIX paths', () => {
    assert.equal(relativeFromRoot('/w/root', '/w/root/a/b.txt'), 'a/b.txt');
    assert.equal(relativeFromRoot('/w/root', '/w/root'), '');
  });
});

describe('resolveInWorkspace on a real tree with symlinks', () => {
  const temp = new TempDirs();
  let root: string;
  let outside: string;

  before(async () => {
    const base = await temp.make('labdesk-resolve-');
    root = path.join(base, 'project');
    outside = path.join(base, 'outside');
    await writeTree(outside, { 'secret.txt': 'top secret\n' });
    await writeTree(root, {
      'inside.txt': 'inside\n',
      'docs/readme.md': '# docs\n',
      'link-inside': { link: 'inside.txt' },
      'docs/link-up': { link: '../inside.txt' },
      'link-inside-dir': { link: 'docs' },
      'link-outside': { link: path.join(outside, 'secret.txt') },
      'link-outside-relative': { link: '../outside/secret.txt' },
      'dir-outside': { link: outside },
      dangling: { link: 'missing-target.txt' },
      'dangling-dir': { link: path.join(outside, 'no-such-folder') },
    });
  });
  after(() => temp.cleanup());

  const follow = { followFinal: true } as const;
  const noFollow = { followFinal: false } as const;

  it('the empty path is the root', async () => {
    assert.equal(await resolveInWorkspace(root, '', follow), root);
    assert.equal(await resolveInWorkspace(root, '.', noFollow), root);
  });

  it('a plain file resolves to its absolute path', async () => {
    assert.equal(await resolveInWorkspace(root, 'docs/readme.md', follow), path.join(root, 'docs', 'readme.md'));
  });

  it('a symlink to a file inside is followed for reading', async () => {
    const resolved = await resolveInWorkspace(root, 'link-inside', follow);
    assert.equal(resolved, path.join(root, 'inside.txt'));
    assert.equal(await readFile(resolved, 'utf8'), 'inside\n');
    assert.equal(await resolveInWorkspace(root, 'docs/link-up', follow), path.join(root, 'inside.txt'));
  });

  it('a symlinked folder that stays inside is allowed', async () => {
    assert.equal(await resolveInWorkspace(root, 'link-inside-dir/readme.md', follow), path.join(root, 'docs', 'readme.md'));
  });

  it('a symlink to a file outside is refused when followed', async () => {
    await assertApiError(() => resolveInWorkspace(root, 'link-outside', follow), 'outside-workspace', 'path', 'link-outside');
    await assertApiError(() => resolveInWorkspace(root, 'link-outside-relative', follow), 'outside-workspace', 'path');
  });

  it('the link itself (rename, delete) may be addressed without following it', async () => {
    assert.equal(await resolveInWorkspace(root, 'link-outside', noFollow), path.join(root, 'link-outside'));
    assert.equal(await resolveInWorkspace(root, 'dir-outside', noFollow), path.join(root, 'dir-outside'));
    assert.equal(await resolveInWorkspace(root, 'dangling', noFollow), path.join(root, 'dangling'));
    assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'top secret\n');
  });

  it('anything reached through a symlinked folder pointing outside is refused', async () => {
    for (const options of [follow, noFollow]) {
      await assertApiError(() => resolveInWorkspace(root, 'dir-outside/secret.txt', options), 'outside-workspace', 'path', 'dir-outside/secret.txt');
      await assertApiError(() => resolveInWorkspace(root, 'dir-outside/new/file.txt', options), 'outside-workspace', 'path');
    }
    await assertApiError(() => resolveInWorkspace(root, 'dir-outside', follow), 'outside-workspace', 'path');
  });

  it('a dangling symlink is refused when it would be written through', async () => {
    await assertApiError(() => resolveInWorkspace(root, 'dangling', follow), 'outside-workspace', 'path', 'dangling');
    await assertApiError(() => resolveInWorkspace(root, 'dangling', { followFinal: true, argument: 'to' }), 'outside-workspace', 'to');
  });

  it('a path under a dangling symlinked folder is refused (it would be created wherever the link points)', async () => {
    for (const options of [follow, noFollow]) {
      await assertApiError(() => resolveInWorkspace(root, 'dangling-dir/new.txt', options), 'outside-workspace', 'path', 'dangling-dir');
    }
  });

  it('a path under a folder that does not exist yet resolves inside the root', async () => {
    assert.equal(await resolveInWorkspace(root, 'new/sub/file.txt', follow), path.join(root, 'new', 'sub', 'file.txt'));
    assert.equal(await resolveInWorkspace(root, 'new/sub/file.txt', noFollow), path.join(root, 'new', 'sub', 'file.txt'));
  });

  it('a path that continues below a file resolves without a raw fs error (the operation reports not-a-directory)', async () => {
    assert.equal(await resolveInWorkspace(root, 'inside.txt/x', follow), path.join(root, 'inside.txt', 'x'));
    assert.equal(await resolveInWorkspace(root, 'inside.txt/x/y', noFollow), path.join(root, 'inside.txt', 'x', 'y'));
  });

  it('lexical refusals keep the argument name given by the caller', async () => {
    await assertApiError(() => resolveInWorkspace(root, '../outside/secret.txt', { followFinal: true, argument: 'from' }), 'outside-workspace', 'from');
    await assertApiError(() => resolveInWorkspace(root, '/etc/passwd', noFollow), 'outside-workspace', 'path');
  });
});
