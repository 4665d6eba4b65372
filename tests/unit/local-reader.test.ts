import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { readOnMainThread, readWholeFile } from '../../main/sync/local/local-reader';
import { TempDirs } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('readWholeFile (the reader thread)', () => {
  const temp = new TempDirs();
  let root: string;
  const files: string[] = [];

  before(async () => {
    root = await temp.make('labdesk-reader-');
    // Sizes around the worker's first buffer (256 KiB), empty, and enough files for several batches.
    const sizes = [0, 1, 4096, 200_000, 300_000, 600_000, ...Array.from({ length: 200 }, (_, i) => 100 + i * 37)];
    for (const [index, size] of sizes.entries()) {
      const file = path.join(root, `f${index}.bin`);
      await writeFile(file, randomBytes(size));
      files.push(file);
    }
    await mkdir(path.join(root, 'a folder'));
  });
  after(() => temp.cleanup());

  it('returns every file byte for byte with its sha256, many at once', async () => {
    const read = await Promise.all(files.map((file) => readWholeFile(file)));
    for (const [index, file] of files.entries()) {
      const expected = await readFile(file);
      assert.ok((read[index] as { data: Buffer }).data.equals(expected), `${file} differs`);
      assert.equal(read[index]?.hash, sha256(expected));
    }
  });

  it("a missing file or a folder fails with node's code and message; the rest of the batch is unaffected", async () => {
    const [missing, folder, fine] = await Promise.allSettled([
      readWholeFile(path.join(root, 'nope.txt')),
      readWholeFile(path.join(root, 'a folder')),
      readWholeFile(files[2] as string),
    ]);
    assert.equal(missing.status, 'rejected');
    assert.equal((missing as PromiseRejectedResult).reason.code, 'ENOENT');
    assert.match((missing as PromiseRejectedResult).reason.message, /nope\.txt/);
    assert.equal(folder.status, 'rejected');
    assert.match((folder as PromiseRejectedResult).reason.message, /not a regular file|EISDIR/);
    assert.equal(fine.status, 'fulfilled');
    assert.equal((fine as PromiseFulfilledResult<{ data: Buffer }>).value.data.length, 4096);
  });

  it('reads what the main-thread fallback reads', async () => {
    for (const file of files.slice(0, 8)) {
      const [viaThread, viaMain] = await Promise.all([readWholeFile(file), readOnMainThread(file)]);
      assert.ok(viaThread.data.equals(viaMain.data));
      assert.equal(viaThread.hash, viaMain.hash);
    }
  });

  it('does not keep the process alive once idle', async () => {
    const script = `import { readWholeFile } from ${JSON.stringify(path.resolve('main/sync/local/local-reader.ts'))};
      const read = await readWholeFile(${JSON.stringify(files[3])});
      console.log(read.data.length);`;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 });
    assert.equal(stdout.trim(), '200000');
  });
});
