import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, readFile, readdir, readlink, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../preload/api';
import { READ_ONLY_ABOVE_BYTES, NOT_OPENED_ABOVE_BYTES } from '../../main/workspace/content-kind';
import { moveToTrashWithNode } from '../../main/workspace/node-trash';
import { Workspace } from '../../main/workspace/workspace';
import { TempDirs, findInTrash, findTempFiles, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();

// The `trash` package (through xdg-basedir) reads XDG_DATA_HOME once, when it is first imported.
// node-trash.ts imports it lazily on the first delete, so setting it here, before any delete,
// keeps this test out of the real ~/.local/share/Trash. Each test file runs in its own process.
const trashHome = await temp.make('labdesk-xdg-data-');
process.env.XDG_DATA_HOME = trashHome;

after(() => temp.cleanup());

async function assertApiError(promise: Promise<unknown>, code: string, argument?: string, messageIncludes?: string | RegExp): Promise<string> {
  let message = '';
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (argument !== undefined) assert.equal(error.argument, argument, error.message);
    if (typeof messageIncludes === 'string') assert.ok(error.message.includes(messageIncludes), `"${error.message}" mentions "${messageIncludes}"`);
    if (messageIncludes instanceof RegExp) assert.match(error.message, messageIncludes);
    message = error.message;
    return true;
  });
  return message;
}

/** A project folder next to an `outside` folder with a secret, opened as a Workspace. */
async function project(tree: Parameters<typeof writeTree>[1] = {}) {
  const base = await temp.make('labdesk-ws-');
  const root = path.join(base, 'project');
  const outside = path.join(base, 'outside');
  await writeTree(outside, { 'secret.txt': 'top secret\n' });
  await mkdir(root);
  await writeTree(root, tree);
  const workspace = await Workspace.open(root, moveToTrashWithNode);
  const outsideUnchanged = async () => {
    assert.deepEqual(await readdir(outside), ['secret.txt']);
    assert.equal(await readFile(path.join(outside, 'secret.txt'), 'utf8'), 'top secret\n');
  };
  return { base, root, outside, workspace, outsideUnchanged, file: (relative: string) => path.join(root, ...relative.split('/')) };
}

describe('Workspace.open', () => {
  it('opens a folder by absolute path; root is the realpath, name is its basename', async () => {
    const { root, workspace } = await project();
    assert.equal(workspace.root, root);
    assert.equal(workspace.name, 'project');
    const viaLink = path.join(path.dirname(root), 'link-to-project');
    await writeTree(path.dirname(root), { 'link-to-project': { link: root } });
    assert.equal((await Workspace.open(viaLink, moveToTrashWithNode)).root, root);
  });

  it('refuses a relative path', async () => {
    await assertApiError(Workspace.open('some/relative', moveToTrashWithNode), 'bad-argument', 'path', /not an absolute path/);
  });

  it('refuses a missing path, naming it', async () => {
    const { base } = await project();
    const missing = path.join(base, 'nope');
    await assertApiError(Workspace.open(missing, moveToTrashWithNode), 'not-found', undefined, `${missing}: does not exist`);
  });

  it('refuses a file and says to open its folder', async () => {
    const { base } = await project();
    await assertApiError(Workspace.open(path.join(base, 'outside', 'secret.txt'), moveToTrashWithNode), 'not-a-directory', 'path', /is a file, not a folder/);
  });
});

describe('Workspace.list', () => {
  it('folders first, then by name with numbers in order; hides .git, node_modules and Labdesk temp files', async () => {
    const { workspace } = await project({
      'b.txt': 'b',
      'a.txt': 'a',
      'file10.txt': '',
      'file2.txt': '',
      'zeta/x': '',
      'Alpha/x': '',
      '.git/HEAD': '',
      'node_modules/x/index.js': '',
      '.train.py.labdesk-tmp-0123456789ab': 'half written',
      '.gitignore': '',
      '.labdesk/project.json': '{}',
    });
    const entries = await workspace.list('');
    assert.deepEqual(
      entries.map((e) => `${e.kind}:${e.name}`),
      ['dir:.labdesk', 'dir:Alpha', 'dir:zeta', 'file:.gitignore', 'file:a.txt', 'file:b.txt', 'file:file2.txt', 'file:file10.txt'],
    );
    const a = entries.find((e) => e.name === 'a.txt')!;
    assert.equal(a.path, 'a.txt');
    assert.equal(a.size, 1);
    assert.ok(a.mtimeMs > 0);
  });

  it('lists a subfolder with workspace-relative paths', async () => {
    const { workspace } = await project({ 'src/models/net.py': 'x', 'src/train.py': 'y' });
    assert.deepEqual((await workspace.list('src')).map((e) => e.path), ['src/models', 'src/train.py']);
    assert.deepEqual((await workspace.list('./src//models/')).map((e) => e.path), ['src/models/net.py']);
  });

  it('shows symlinks as kind "symlink" with their link text, never following them', async () => {
    const { workspace, outside } = await project({ 'target.txt': 'x', 'docs/readme.md': '' });
    await writeTree(workspace.root, {
      'link-file': { link: 'target.txt' },
      'link-dir': { link: 'docs' },
      data: { link: outside },
      dangling: { link: 'nowhere' },
    });
    const entries = await workspace.list('');
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.equal(byName.get('docs')?.kind, 'dir');
    for (const [name, target] of [['link-file', 'target.txt'], ['link-dir', 'docs'], ['data', outside], ['dangling', 'nowhere']]) {
      assert.equal(byName.get(name!)?.kind, 'symlink', name);
      assert.equal(byName.get(name!)?.linkTarget, target, name);
    }
    assert.equal(entries[0]?.name, 'docs', 'a symlinked folder does not sort as a folder');
    assert.equal(byName.get('target.txt')?.linkTarget, undefined);
  });

  it('lists a symlinked folder that stays inside, but refuses one that leads outside', async () => {
    const { workspace, outside, outsideUnchanged } = await project({ 'docs/readme.md': '' });
    await writeTree(workspace.root, { 'link-dir': { link: 'docs' }, data: { link: outside } });
    assert.deepEqual((await workspace.list('link-dir')).map((e) => e.path), ['link-dir/readme.md']);
    await assertApiError(workspace.list('data'), 'outside-workspace', 'dir');
    await assertApiError(workspace.list('data/secret.txt'), 'outside-workspace', 'dir');
    await assertApiError(workspace.list('data/sub'), 'outside-workspace', 'dir');
    await outsideUnchanged();
  });

  it('refuses a file, a missing folder and a traversal with clear errors', async () => {
    const { workspace } = await project({ 'a.txt': '' });
    await assertApiError(workspace.list('a.txt'), 'not-a-directory', undefined, 'a.txt');
    await assertApiError(workspace.list('missing'), 'not-found', undefined, 'missing');
    await assertApiError(workspace.list('..'), 'outside-workspace', 'dir');
    await assertApiError(workspace.list('/etc'), 'outside-workspace', 'dir');
  });
});

describe('Workspace.read', () => {
  it('returns text with size and mtime', async () => {
    const text = 'naïve ünïcode ✓ 🚀\nline 2\n';
    const { workspace, file } = await project({ 'notes.md': text });
    const content = await workspace.read('./notes.md');
    const info = await stat(file('notes.md'));
    assert.deepEqual(content, { kind: 'text', path: 'notes.md', text, size: Buffer.byteLength(text), mtimeMs: info.mtimeMs, readOnly: false });
  });

  it('a file with NUL bytes is binary (no text sent)', async () => {
    const { workspace } = await project({ 'model.bin': new Uint8Array([1, 2, 0, 3]) });
    const content = await workspace.read('model.bin');
    assert.deepEqual({ kind: content.kind, size: content.size, path: content.path }, { kind: 'binary', size: 4, path: 'model.bin' });
    assert.ok(!('text' in content));
  });

  it(`a text file of exactly ${READ_ONLY_ABOVE_BYTES} bytes is still editable`, async () => {
    const { workspace } = await project({ 'edge.log': 'a'.repeat(READ_ONLY_ABOVE_BYTES) });
    const content = await workspace.read('edge.log');
    assert.equal(content.kind, 'text');
    assert.equal(content.kind === 'text' && content.readOnly, false);
  });

  it('a text file over 5 MB opens read-only with a notice that says why', async () => {
    const size = READ_ONLY_ABOVE_BYTES + 1024 * 1024;
    const { workspace } = await project({ 'logs/train.log': 'step loss=0.123\n'.repeat(size / 16) });
    const content = await workspace.read('logs/train.log');
    assert.equal(content.kind, 'text');
    if (content.kind !== 'text') return;
    assert.equal(content.readOnly, true);
    assert.equal(content.size, size);
    assert.equal(content.text.length, size);
    assert.match(content.notice ?? '', /logs\/train\.log is 6\.0 MB, over the 5\.0 MB editing limit, so it opened read-only/);
  });

  it('a sparse file of zeros over 5 MB is binary (zeros are NUL bytes)', async () => {
    const { workspace, file } = await project({ 'zeros.dat': '' });
    await truncate(file('zeros.dat'), READ_ONLY_ABOVE_BYTES + 1);
    const content = await workspace.read('zeros.dat');
    assert.equal(content.kind, 'binary');
    assert.equal(content.size, READ_ONLY_ABOVE_BYTES + 1);
  });

  it('a file over 50 MB is "too-large" and is not read (sparse, so this is instant)', async () => {
    const { workspace, file } = await project({ 'huge.ckpt': '' });
    await truncate(file('huge.ckpt'), NOT_OPENED_ABOVE_BYTES + 1);
    const started = performance.now();
    const content = await workspace.read('huge.ckpt');
    assert.deepEqual({ kind: content.kind, size: content.size }, { kind: 'too-large', size: NOT_OPENED_ABOVE_BYTES + 1 });
    assert.ok(performance.now() - started < 1000, 'decided from the size alone');
  });

  it('reads through a symlink that stays inside, refuses one that leads outside', async () => {
    const { workspace, outside, outsideUnchanged } = await project({ 'real.txt': 'real\n' });
    await writeTree(workspace.root, {
      'link.txt': { link: 'real.txt' },
      'secret-link': { link: path.join(outside, 'secret.txt') },
      data: { link: outside },
    });
    const content = await workspace.read('link.txt');
    assert.equal(content.kind === 'text' && content.text, 'real\n');
    assert.equal(content.path, 'link.txt', 'the path stays the one asked for');
    await assertApiError(workspace.read('secret-link'), 'outside-workspace', 'path');
    await assertApiError(workspace.read('data/secret.txt'), 'outside-workspace', 'path', 'data/secret.txt');
    await outsideUnchanged();
  });

  it('refuses a folder, a missing file, a path below a file and a traversal', async () => {
    const { workspace } = await project({ 'src/a.py': '', 'file.txt': '' });
    await assertApiError(workspace.read('src'), 'is-a-directory', 'path', 'src is a folder');
    await assertApiError(workspace.read('src/missing.py'), 'not-found', undefined, 'Could not open src/missing.py: does not exist.');
    await assertApiError(workspace.read('file.txt/x'), 'not-a-directory', undefined, 'file.txt/x');
    await assertApiError(workspace.read('../outside/secret.txt'), 'outside-workspace', 'path');
  });

  it('a symlink loop is listed as a symlink; opening it fails with an error that names it, not a hang', async () => {
    const { workspace } = await project();
    await writeTree(workspace.root, { 'loop-a': { link: 'loop-b' }, 'loop-b': { link: 'loop-a' } });
    assert.deepEqual((await workspace.list('')).map((e) => `${e.kind}:${e.name}->${e.linkTarget}`), ['symlink:loop-a->loop-b', 'symlink:loop-b->loop-a']);
    await assertApiError(workspace.read('loop-a'), 'bad-argument', 'path', 'link loop');
    await assertApiError(workspace.write('loop-a', 'x'), 'bad-argument', 'path', 'loop-a');
    assert.equal(await readlink(path.join(workspace.root, 'loop-a')), 'loop-b');
  });

  it('a file that is not valid UTF-8 opens read-only, so saving cannot destroy its bytes', async () => {
    const latin1 = Buffer.from('caf\xe9 = 1\n', 'latin1');
    const { workspace, file } = await project({ 'legacy.cfg': latin1 });
    const content = await workspace.read('legacy.cfg');
    assert.equal(content.kind, 'text');
    assert.ok(content.kind === 'text' && content.readOnly && /not valid UTF-8/.test(content.notice ?? ''));
    assert.deepEqual(await readFile(file('legacy.cfg')), latin1);
  });

  it('a UTF-8 BOM survives a read and save unchanged', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x = 1\n')]);
    const { workspace, file } = await project({ 'bom.ini': withBom });
    const content = await workspace.read('bom.ini');
    assert.ok(content.kind === 'text' && !content.readOnly);
    await workspace.write('bom.ini', content.kind === 'text' ? content.text : '');
    assert.deepEqual(await readFile(file('bom.ini')), withBom);
  });

  it('opens an entry whose name merely starts with two dots', async () => {
    const { workspace } = await project({ '..notes': 'dots\n', '..cache/x.txt': 'x\n' });
    assert.equal((await workspace.read('..notes')).kind, 'text');
    assert.equal((await workspace.read('..cache/x.txt')).kind, 'text');
    assert.deepEqual((await workspace.list('..cache')).map((e) => e.path), ['..cache/x.txt']);
  });
});

describe('Workspace.write', () => {
  it('creates a new file and returns its size and mtime; no temp file is left', async () => {
    const { workspace, file, root } = await project();
    const result = await workspace.write('new.md', 'héllo\n');
    const info = await stat(file('new.md'));
    assert.deepEqual(result, { path: 'new.md', size: Buffer.byteLength('héllo\n'), mtimeMs: info.mtimeMs });
    assert.equal(await readFile(file('new.md'), 'utf8'), 'héllo\n');
    assert.deepEqual(await findTempFiles(root), []);
  });

  it('is atomic: the file is replaced by rename, and the 0755 mode of a script is kept', async () => {
    const { workspace, file, root } = await project({ 'run.sh': '#!/bin/sh\necho old\n' });
    await chmod(file('run.sh'), 0o755);
    const inodeBefore = (await stat(file('run.sh'))).ino;
    await workspace.write('run.sh', '#!/bin/sh\necho new\n');
    const after = await stat(file('run.sh'));
    assert.equal(after.mode & 0o7777, 0o755);
    assert.notEqual(after.ino, inodeBefore, 'a new file was renamed into place');
    assert.equal(await readFile(file('run.sh'), 'utf8'), '#!/bin/sh\necho new\n');
    assert.deepEqual(await findTempFiles(root), []);
  });

  it('with the mtime it was opened at, saves; the result mtime is the next expected one', async () => {
    const { workspace } = await project({ 'a.txt': 'v1' });
    const opened = await workspace.read('a.txt');
    const first = await workspace.write('a.txt', 'v2', opened.mtimeMs);
    const second = await workspace.write('a.txt', 'v3', first.mtimeMs);
    assert.equal(second.size, 2);
    assert.equal(await readFile(path.join(workspace.root, 'a.txt'), 'utf8'), 'v3');
  });

  it('when the file changed on disk since it was opened: changed-on-disk, disk content unchanged', async () => {
    const { workspace, file, root } = await project({ 'config.yaml': 'lr: 0.1\n' });
    const opened = await workspace.read('config.yaml');
    await writeFile(file('config.yaml'), 'lr: 0.5  # edited on the server\n');
    const later = new Date(opened.mtimeMs + 5000);
    await utimes(file('config.yaml'), later, later);
    await assertApiError(workspace.write('config.yaml', 'lr: 0.2\n', opened.mtimeMs), 'changed-on-disk', undefined, /config\.yaml changed on disk.*Compare/);
    assert.equal(await readFile(file('config.yaml'), 'utf8'), 'lr: 0.5  # edited on the server\n');
    assert.deepEqual(await findTempFiles(root), []);
  });

  it('when the file was deleted since it was opened: changed-on-disk and it is not recreated', async () => {
    const { workspace, file } = await project({ 'gone.txt': 'x' });
    const opened = await workspace.read('gone.txt');
    await rm(file('gone.txt'));
    await assertApiError(workspace.write('gone.txt', 'y', opened.mtimeMs), 'changed-on-disk', undefined, /deleted on disk/);
    await assert.rejects(stat(file('gone.txt')), { code: 'ENOENT' });
  });

  it('writing through a symlink inside updates the target and keeps the link', async () => {
    const { workspace, file } = await project({ 'configs/base.yaml': 'a: 1\n' });
    await writeTree(workspace.root, { 'current.yaml': { link: 'configs/base.yaml' } });
    await workspace.write('current.yaml', 'a: 2\n');
    assert.equal((await lstat(file('current.yaml'))).isSymbolicLink(), true);
    assert.equal(await readlink(file('current.yaml')), 'configs/base.yaml');
    assert.equal(await readFile(file('configs/base.yaml'), 'utf8'), 'a: 2\n');
    assert.deepEqual(await findTempFiles(workspace.root), []);
  });

  it('refuses to write through a link to outside, a link into an outside folder, or a dangling link', async () => {
    const { workspace, outside, file, outsideUnchanged } = await project();
    await writeTree(workspace.root, {
      'secret-link': { link: path.join(outside, 'secret.txt') },
      data: { link: outside },
      dangling: { link: path.join(outside, 'planted.txt') },
    });
    await assertApiError(workspace.write('secret-link', 'pwned'), 'outside-workspace', 'path');
    await assertApiError(workspace.write('data/secret.txt', 'pwned'), 'outside-workspace', 'path');
    await assertApiError(workspace.write('data/new.txt', 'pwned'), 'outside-workspace', 'path');
    await assertApiError(workspace.write('dangling', 'pwned'), 'outside-workspace', 'path', 'dangling');
    await outsideUnchanged();
    assert.equal(await readlink(file('dangling')), path.join(outside, 'planted.txt'), 'the link is still a link');
  });

  it('refuses to write over a folder, into a missing folder, or by traversal; nothing is created', async () => {
    const { workspace, root, outsideUnchanged } = await project({ 'src/a.py': 'keep' });
    await assertApiError(workspace.write('src', 'x'), 'is-a-directory', 'path');
    await assertApiError(workspace.write('missing/dir/a.txt', 'x'), 'not-found', undefined, 'missing/dir/a.txt');
    await assertApiError(workspace.write('../outside/secret.txt', 'x'), 'outside-workspace', 'path');
    assert.deepEqual((await readdir(root)).sort(), ['src']);
    assert.deepEqual(await readdir(path.join(root, 'src')), ['a.py']);
    await outsideUnchanged();
  });
});

describe('Workspace.createFile / createFolder', () => {
  it('createFile makes an empty file and returns its entry', async () => {
    const { workspace, file } = await project({ src: { dir: true } });
    const entry = await workspace.createFile('src/new.py');
    assert.deepEqual({ ...entry, mtimeMs: 0 }, { path: 'src/new.py', name: 'new.py', kind: 'file', size: 0, mtimeMs: 0 });
    assert.equal(await readFile(file('src/new.py'), 'utf8'), '');
  });

  it('createFolder makes a folder and returns its entry', async () => {
    const { workspace } = await project();
    const entry = await workspace.createFolder('experiments');
    assert.equal(entry.kind, 'dir');
    assert.equal(entry.path, 'experiments');
  });

  it('refuse existing names (already-exists) and leave the existing entry as it was', async () => {
    const { workspace, file } = await project({ 'a.txt': 'precious', 'dir/keep.txt': 'keep' });
    await writeTree(workspace.root, { dangling: { link: 'nowhere' } });
    await assertApiError(workspace.createFile('a.txt'), 'already-exists', undefined, 'Could not create a.txt: already exists.');
    await assertApiError(workspace.createFile('dir'), 'already-exists');
    await assertApiError(workspace.createFile('dangling'), 'already-exists');
    await assertApiError(workspace.createFolder('dir'), 'already-exists', undefined, 'dir');
    await assertApiError(workspace.createFolder('a.txt'), 'already-exists');
    assert.equal(await readFile(file('a.txt'), 'utf8'), 'precious');
    assert.deepEqual(await readdir(file('dir')), ['keep.txt']);
    assert.equal(await readlink(file('dangling')), 'nowhere');
    await assert.rejects(stat(file('nowhere')), { code: 'ENOENT' });
  });

  it('refuse a missing parent, a traversal and a symlinked folder that leads outside', async () => {
    const { workspace, outside, outsideUnchanged } = await project();
    await writeTree(workspace.root, { data: { link: outside } });
    await assertApiError(workspace.createFile('no/such/dir.txt'), 'not-found');
    await assertApiError(workspace.createFolder('no/such'), 'not-found');
    await assertApiError(workspace.createFile('../escape.txt'), 'outside-workspace', 'path');
    await assertApiError(workspace.createFile('data/planted.txt'), 'outside-workspace', 'path', 'data/planted.txt');
    await assertApiError(workspace.createFolder('data/planted'), 'outside-workspace', 'path');
    await outsideUnchanged();
  });
});

describe('Workspace.rename', () => {
  it('renames and moves, returning the new entry', async () => {
    const { workspace, file } = await project({ 'a.txt': 'A', 'dir/x': '' });
    assert.equal((await workspace.rename('a.txt', 'dir/b.txt')).path, 'dir/b.txt');
    assert.equal(await readFile(file('dir/b.txt'), 'utf8'), 'A');
    await assert.rejects(stat(file('a.txt')), { code: 'ENOENT' });
  });

  it('refuses to overwrite an existing file; both stay as they were', async () => {
    const { workspace, file } = await project({ 'a.txt': 'A', 'b.txt': 'B', 'dir/x': 'X' });
    await assertApiError(workspace.rename('a.txt', 'b.txt'), 'already-exists', 'to', /b\.txt already exists\. Choose another name/);
    await assertApiError(workspace.rename('a.txt', 'dir'), 'already-exists', 'to');
    assert.equal(await readFile(file('a.txt'), 'utf8'), 'A');
    assert.equal(await readFile(file('b.txt'), 'utf8'), 'B');
    assert.equal(await readFile(file('dir/x'), 'utf8'), 'X');
  });

  it('allows a case-only rename', async () => {
    const { workspace, root } = await project({ 'Readme.md': 'hi' });
    const entry = await workspace.rename('Readme.md', 'README.md');
    assert.equal(entry.name, 'README.md');
    assert.deepEqual(await readdir(root), ['README.md']);
    assert.equal(await readFile(path.join(root, 'README.md'), 'utf8'), 'hi');
  });

  it('on a case-sensitive disk, two names differing in case are two files: no overwrite', async () => {
    const { workspace, file } = await project({ 'notes.txt': 'lower', 'NOTES.txt': 'upper' });
    await assertApiError(workspace.rename('notes.txt', 'NOTES.txt'), 'already-exists', 'to');
    assert.equal(await readFile(file('notes.txt'), 'utf8'), 'lower');
    assert.equal(await readFile(file('NOTES.txt'), 'utf8'), 'upper');
  });

  it('renames a symlink to outside as a link; the outside target survives', async () => {
    const { workspace, outside, file, outsideUnchanged } = await project();
    await writeTree(workspace.root, { data: { link: outside } });
    const entry = await workspace.rename('data', 'data-disk');
    assert.equal(entry.kind, 'symlink');
    assert.equal(await readlink(file('data-disk')), outside);
    await outsideUnchanged();
  });

  it('refuses renaming the root, a missing source, and moves out of the workspace', async () => {
    const { workspace, outside, root, outsideUnchanged } = await project({ 'a.txt': 'A' });
    await writeTree(root, { data: { link: outside } });
    await assertApiError(workspace.rename('.', 'x'), 'bad-argument', 'from', /workspace folder itself/);
    await assertApiError(workspace.rename('missing.txt', 'b.txt'), 'not-found', undefined, 'missing.txt');
    await assertApiError(workspace.rename('a.txt', '../stolen.txt'), 'outside-workspace', 'to');
    await assertApiError(workspace.rename('a.txt', 'data/stolen.txt'), 'outside-workspace', 'to');
    await assertApiError(workspace.rename('../outside/secret.txt', 'here.txt'), 'outside-workspace', 'from');
    await assertApiError(workspace.rename('data/secret.txt', 'here.txt'), 'outside-workspace', 'from');
    assert.deepEqual((await readdir(root)).sort(), ['a.txt', 'data']);
    await outsideUnchanged();
  });
});

describe('Workspace.delete (to the OS trash)', () => {
  /** Asserts `absolute` went to a trash folder, then removes it from there. */
  async function assertTrashed(absolute: string, check?: (trashed: string) => Promise<void>) {
    await assert.rejects(lstat(absolute), { code: 'ENOENT' }, 'gone from the workspace');
    const found = findInTrash(absolute);
    assert.ok(found, `${absolute} should be in $XDG_DATA_HOME/Trash or the mount's .Trash-<uid>`);
    await check?.(found.file);
    await rm(found.file, { recursive: true, force: true });
    await rm(found.info, { force: true });
  }

  it('moves a file to the trash; its content is recoverable there', async () => {
    const { workspace, file } = await project({ 'old.txt': 'recover me', 'keep.txt': 'k' });
    assert.deepEqual(await workspace.delete('old.txt'), { path: 'old.txt' });
    await assertTrashed(file('old.txt'), async (trashed) => assert.equal(await readFile(trashed, 'utf8'), 'recover me'));
    assert.equal(await readFile(file('keep.txt'), 'utf8'), 'k');
  });

  it('moves a whole folder to the trash', async () => {
    const { workspace, file } = await project({ 'runs/1/log.txt': 'one', 'runs/2/log.txt': 'two' });
    await workspace.delete('runs');
    await assertTrashed(file('runs'), async (trashed) => assert.equal(await readFile(path.join(trashed, '2', 'log.txt'), 'utf8'), 'two'));
  });

  it('deleting a symlink to outside trashes the link only; the target survives', async () => {
    const { workspace, outside, file, outsideUnchanged } = await project();
    await writeTree(workspace.root, { data: { link: outside }, 'secret-link': { link: path.join(outside, 'secret.txt') } });
    await workspace.delete('data');
    await workspace.delete('secret-link');
    await assertTrashed(file('data'), async (trashed) => assert.equal((await lstat(trashed)).isSymbolicLink(), true));
    await assertTrashed(file('secret-link'));
    await outsideUnchanged();
  });

  it('refuses deleting the root, a missing file, and anything outside', async () => {
    const { workspace, root, outside, outsideUnchanged } = await project({ 'a.txt': 'A' });
    await writeTree(root, { data: { link: outside } });
    await assertApiError(workspace.delete('.'), 'bad-argument', 'path', /workspace folder itself cannot be deleted/);
    await assertApiError(workspace.delete(''), 'bad-argument', 'path');
    await assertApiError(workspace.delete('./'), 'bad-argument', 'path');
    await assertApiError(workspace.delete('missing.txt'), 'not-found', undefined, 'Could not delete missing.txt: does not exist.');
    await assertApiError(workspace.delete('../outside/secret.txt'), 'outside-workspace', 'path');
    await assertApiError(workspace.delete('data/secret.txt'), 'outside-workspace', 'path');
    await assertApiError(workspace.delete('/etc/hostname'), 'outside-workspace', 'path');
    assert.deepEqual((await readdir(root)).sort(), ['a.txt', 'data']);
    await outsideUnchanged();
  });

  it('a failing trash is reported with the file name and nothing is lost', async () => {
    const base = await temp.make('labdesk-ws-');
    await writeTree(base, { 'p/a.txt': 'A' });
    const failingTrash = async () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    const workspace = await Workspace.open(path.join(base, 'p'), failingTrash);
    await assertApiError(workspace.delete('a.txt'), 'permission-denied', undefined, 'Could not move to the trash a.txt: permission denied.');
    assert.equal(await readFile(path.join(base, 'p', 'a.txt'), 'utf8'), 'A');
  });

  before(() => {
    // Sanity check that the trash lands in our temp XDG_DATA_HOME, not the real home.
    assert.equal(process.env.XDG_DATA_HOME, trashHome);
  });
});
