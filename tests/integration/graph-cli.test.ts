import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { makeFixtures } from '../fixtures/git-repos';
import { TempDirs } from '../fixtures/temp-project';

const run = promisify(execFile);
const temp = new TempDirs();
let merges = '';

/**
 * `labdesk graph` end to end: the built command on a scripted repository, with both engines.
 */
describe('labdesk graph (CLI)', () => {
  before(async () => {
    const root = await temp.make('labdesk-graph-cli-');
    merges = (makeFixtures(root).find((fixture) => fixture.name === 'merges') as { dir: string }).dir;
  });
  after(() => temp.cleanup());

  it('--json: one object per row, top to bottom, with lane and ref names; the same from both engines', async () => {
    const outputs: string[] = [];
    for (const engine of ['git', 'isomorphic-git']) {
      const { stdout } = await run('node', ['out/cli/labdesk.js', 'graph', merges, '--json'], { env: { ...process.env, LABDESK_GIT_ENGINE: engine } });
      outputs.push(stdout);
    }
    assert.equal(outputs[1], outputs[0]);
    const rows = (outputs[0] as string).trim().split('\n').map((line) => JSON.parse(line) as { oid: string; parents: string[]; lane: number; refs: string[] });
    assert.equal(rows.length, 12);
    assert.deepEqual(rows[0]?.refs, ['HEAD -> main']);
    assert.deepEqual(rows[1]?.refs, ['origin/main', 'tag: v1.0']);
    assert.equal(rows[1]?.parents.length, 4);
    for (const row of rows) assert.match(row.oid, /^[0-9a-f]{40}$/);
    assert.ok(rows.some((row) => row.lane > 0));
  });

  it('text like git log --graph --oneline, and --limit', async () => {
    const { stdout } = await run('node', ['out/cli/labdesk.js', 'graph', merges, '--limit', '3']);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0] as string, /^\* [0-9a-f]{7} \(HEAD -> main\) after release$/);
    assert.match(lines[1] as string, /^\* [0-9a-f]{7} \(origin\/main, tag: v1\.0\) Octopus$/);
    assert.ok(lines.some((line) => /^\|\\/.test(line)), 'the octopus opens lanes');
    assert.equal(lines.filter((line) => line.includes('*')).length, 3);
  });

  it('a folder outside any repository: exit 1 and a clear message', async () => {
    const plain = await temp.make('labdesk-plain-');
    await assert.rejects(run('node', ['out/cli/labdesk.js', 'graph', plain]), (error: Error & { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /is not in a git repository/);
      return true;
    });
    await assert.rejects(run('node', ['out/cli/labdesk.js', 'graph', path.join(plain, 'nope')]), /does not exist/);
  });
});
