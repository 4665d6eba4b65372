import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEMP_MARKER, atomicWriteFile, isLabdeskTempName } from '../../main/common/atomic-write';
import { TempDirs, findTempFiles } from '../fixtures/temp-project';

describe('atomicWriteFile', () => {
  const temp = new TempDirs();
  let dir: string;

  before(async () => {
    dir = await temp.make('labdesk-atomic-');
  });
  after(() => temp.cleanup());

  it('creates a new file with the given text and leaves no temp file', async () => {
    const file = path.join(dir, 'new.txt');
    await atomicWriteFile(file, 'hello\n');
    assert.equal(await readFile(file, 'utf8'), 'hello\n');
    assert.deepEqual(await findTempFiles(dir), []);
  });

  it('replaces an existing file and writes bytes exactly', async () => {
    const file = path.join(dir, 'bytes.bin');
    await writeFile(file, 'old content that is longer than the new one');
    const bytes = new Uint8Array([0, 1, 2, 255, 10, 13]);
    await atomicWriteFile(file, bytes);
    assert.deepEqual(new Uint8Array(await readFile(file)), bytes);
    assert.deepEqual(await findTempFiles(dir), []);
  });

  it('replaces the file by rename (a new inode), so a reader holding the old file sees old bytes', async () => {
    const file = path.join(dir, 'inode.txt');
    await writeFile(file, 'before');
    const before = await stat(file);
    await atomicWriteFile(file, 'after');
    const afterWrite = await stat(file);
    assert.notEqual(afterWrite.ino, before.ino);
    assert.equal(await readFile(file, 'utf8'), 'after');
  });

  it('keeps the mode of an executable script', async () => {
    const file = path.join(dir, 'run.sh');
    await writeFile(file, '#!/bin/sh\necho old\n');
    await chmod(file, 0o755);
    await atomicWriteFile(file, '#!/bin/sh\necho new\n');
    assert.equal((await stat(file)).mode & 0o7777, 0o755);
    assert.equal(await readFile(file, 'utf8'), '#!/bin/sh\necho new\n');
  });

  it('keeps a restrictive mode too (a private key stays 0600)', async () => {
    const file = path.join(dir, 'private.txt');
    await writeFile(file, 'secret');
    await chmod(file, 0o600);
    await atomicWriteFile(file, 'still secret');
    assert.equal((await stat(file)).mode & 0o7777, 0o600);
  });

  it('applies an explicit mode when given', async () => {
    const file = path.join(dir, 'explicit.sh');
    await atomicWriteFile(file, 'x', 0o750);
    assert.equal((await stat(file)).mode & 0o7777, 0o750);
  });

  it('fails for a missing folder without creating anything', async () => {
    const file = path.join(dir, 'missing-folder', 'x.txt');
    await assert.rejects(atomicWriteFile(file, 'x'), { code: 'ENOENT' });
    assert.ok(!(await readdir(dir)).includes('missing-folder'));
  });

  it('fails on a folder target and removes its temp file; the folder is untouched', async () => {
    const folder = path.join(dir, 'a-folder');
    await mkdir(folder);
    await writeFile(path.join(folder, 'inside.txt'), 'keep me');
    await assert.rejects(atomicWriteFile(folder, 'x'));
    assert.equal(await readFile(path.join(folder, 'inside.txt'), 'utf8'), 'keep me');
    assert.deepEqual(await findTempFiles(dir), []);
  });

  it('concurrent writes to one file each land whole (last rename wins, never a mix)', async () => {
    const file = path.join(dir, 'race.txt');
    const versions = Array.from({ length: 20 }, (_, i) => `version ${i} `.repeat(2000));
    await Promise.all(versions.map((text) => atomicWriteFile(file, text)));
    assert.ok(versions.includes(await readFile(file, 'utf8')));
    assert.deepEqual(await findTempFiles(dir), []);
  });
});

describe('isLabdeskTempName', () => {
  it('recognises the temp names atomicWriteFile makes', () => {
    assert.equal(isLabdeskTempName(`.train.py${TEMP_MARKER}0a1b2c3d4e5f`), true);
    assert.equal(isLabdeskTempName('train.py'), false);
    assert.equal(isLabdeskTempName('.labdesk'), false);
    assert.equal(isLabdeskTempName('labdesk-tmp'), false);
  });
});
