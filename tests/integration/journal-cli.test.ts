import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { TempDirs, writeTree } from '../fixtures/temp-project';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');
const temp = new TempDirs();
let project = '';

/** `labdesk journal LOCAL_DIR search QUERY` end to end: the built command on a real folder. */
describe('labdesk journal (CLI)', () => {
  before(async () => {
    project = await temp.make('labdesk-journal-cli-');
    await writeTree(project, {
      'journal/2026-11-30-baseline.md': '---\ntitle: Baseline\ntags: [baseline]\nruns: [r-1130-a]\n---\nResNet-50 with the cosine schedule.\n',
      'journal/2026-12-01-broken.md': '---\ntitle: [oops\n---\nDiverged with warmup.\n',
    });
  });
  after(() => temp.cleanup());

  it('prints the hits; --json one object per hit; exit 1 when nothing matches', async () => {
    const text = await run(process.execPath, [CLI, 'journal', project, 'search', 'cosine']);
    assert.match(text.stdout, /^Baseline {2}\(journal\/2026-11-30-baseline\.md\)\n {4}ResNet-50 with the cosine schedule\.\n$/);
    assert.match(text.stderr, /2026-12-01-broken\.md:\d+: .* \(its body is still searched\)/, 'the malformed entry is named with its line');
    const json = await run(process.execPath, [CLI, 'journal', project, 'search', 'r-1130-a', '--json']);
    const [hit] = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { path: string; tags: string[]; runs: string[] });
    assert.deepEqual([hit?.path, hit?.tags, hit?.runs], ['journal/2026-11-30-baseline.md', ['baseline'], ['r-1130-a']]);
    const none = await run(process.execPath, [CLI, 'journal', project, 'search', 'transformer']).catch((error: { code: number; stdout: string }) => error);
    assert.equal((none as { code: number }).code, 1);
    const wrong = await run(process.execPath, [CLI, 'journal', project, 'list', 'x']).catch((error: { code: number; stderr: string }) => error);
    assert.equal((wrong as { code: number }).code, 2);
    assert.match((wrong as { stderr: string }).stderr, /journal knows one action, search/);
  });
});
