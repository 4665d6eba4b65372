import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JournalEntry, JournalHit } from '../../preload/api';
import { Session } from '../../main/api/session';
import { sessionHelpers } from '../fixtures/sync-session';
import { TempDirs, waitFor, writeTree } from '../fixtures/temp-project';

/**
 * The journal through the dispatch table and a real Session: entries read from journal/, one
 * with malformed front matter listed with its error and never rewritten, entries written by hand
 * appearing through the real workspace watcher, search, and the two writes Labdesk makes.
 */
describe('journal', () => {
  const temp = new TempDirs();
  let session: Session;
  let root = '';
  const events: string[][] = [];
  const { call, failure } = sessionHelpers(() => session);

  before(async () => {
    root = path.join(await temp.make('labdesk-journal-'), 'project');
    await mkdir(root);
    await writeTree(root, {
      'train.py': 'print(1)\n',
      'journal/2026-11-30-baseline.md': '---\ntitle: Baseline\ncreated: 2026-11-30\ntags: [baseline]\nruns: [r-1130-a]\ncommits: [4f2a9c1d]\n---\nResNet-50 reaches 76.1 top-1 with the cosine schedule.\n',
      'journal/2026-12-01-broken.md': '---\ntitle: Broken\ntags: [oops\n---\nThe warmup made it diverge.\n',
      'journal/notes-from-obsidian.md': '# Ideas\n\nTry label smoothing.\n',
      'journal/runs/r-1130-a/run.json': JSON.stringify({ command: 'python train_big.py --config configs/a.yaml', code: { commit: 'c0ffee12' }, configs: ['configs/a.yaml'] }),
      'journal/runs/r-1130-a/configs/configs/a.yaml': 'scheduler: onecycle_warm\n',
    });
    session = new Session({ host: 'web', version: 'test', configDir: await temp.make('labdesk-journal-config-'), moveToTrash: async () => undefined });
    session.events.subscribe((event, payload) => {
      if (event === 'journal.changed') events.push([...(payload as { paths: string[] }).paths]);
    });
    await session.openWorkspace(root);
  });
  after(async () => {
    await session.close();
    await temp.cleanup();
  });

  it('lists every entry, newest first; malformed front matter is listed with its error and line', async () => {
    const entries = await call<JournalEntry[]>('journal.list', {});
    assert.deepEqual(entries.map((entry) => entry.title), ['Broken', 'Baseline', 'Ideas']);
    const baseline = entries.find((entry) => entry.title === 'Baseline') as JournalEntry;
    assert.deepEqual([baseline.tags, baseline.runs, baseline.commits, baseline.created], [['baseline'], ['r-1130-a'], ['4f2a9c1d'], '2026-11-30']);
    const broken = entries.find((entry) => entry.title === 'Broken') as JournalEntry;
    assert.ok(broken.error && broken.error.line >= 3, JSON.stringify(broken));
    assert.equal(broken.created, '2026-12-01', 'the date from the file name');
    assert.ok(!entries.some((entry) => entry.path.includes('runs/')), 'run folders are not entries');
  });

  it('searches titles, bodies, tags, run ids and commit hashes, with a tag filter', async () => {
    const titles = async (query: string, tag?: string) => (await call<JournalHit[]>('journal.search', { query, ...(tag && { tag }) })).map((hit) => hit.title);
    assert.deepEqual(await titles('cosine'), ['Baseline']);
    assert.deepEqual(await titles('resnt'), ['Baseline'], 'a typo still finds it');
    assert.deepEqual(await titles('r-1130-a'), ['Baseline']);
    assert.deepEqual(await titles('4f2a'), ['Baseline'], 'the start of a hash');
    assert.deepEqual(await titles('train_big'), ['Baseline'], "a run's command");
    assert.deepEqual(await titles('onecycle_warm'), ['Baseline'], "a value in a run's config");
    assert.deepEqual(await titles('c0ffee'), ['Baseline'], "a run's commit");
    assert.deepEqual(await titles('warmup'), ['Broken'], 'the body of a malformed entry is searchable');
    assert.deepEqual(await titles('', 'baseline'), ['Baseline']);
    assert.deepEqual(await titles('smoothing', 'baseline'), []);
    const [hit] = await call<JournalHit[]>('journal.search', { query: 'cosine' });
    assert.match(hit?.snippet ?? '', /cosine schedule/);
  });

  it('an entry saved by another program shows up at once, and one deleted goes', async () => {
    events.length = 0;
    await writeFile(path.join(root, 'journal/2026-12-05-by-hand.md'), '---\ntitle: Written in vim\ntags: [idea]\n---\nMixup at 0.2.\n');
    await waitFor('journal.changed for the new entry', () => (events.flat().includes('journal/2026-12-05-by-hand.md') ? true : undefined), 5000);
    assert.deepEqual((await call<JournalHit[]>('journal.search', { query: 'mixup' })).map((hit) => hit.title), ['Written in vim']);
    await rm(path.join(root, 'journal/2026-12-05-by-hand.md'));
    const until = Date.now() + 5000;
    while ((await call<JournalEntry[]>('journal.list', {})).some((entry) => entry.title === 'Written in vim')) {
      if (Date.now() > until) assert.fail('the deleted entry is still listed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('creates an entry for today and sets a field, keeping the file as written; a malformed one is never rewritten', async () => {
    const created = await call<JournalEntry>('journal.create', { title: 'Label smoothing 0.1', tags: ['regularization'], runs: ['r-1207-b'], body: 'Why: overconfident logits.\n' });
    assert.match(created.path, /^journal\/\d{4}-\d{2}-\d{2}-label-smoothing-0-1\.md$/);
    assert.deepEqual([created.title, created.tags, created.runs], ['Label smoothing 0.1', ['regularization'], ['r-1207-b']]);
    const again = await call<JournalEntry>('journal.create', { title: 'Label smoothing 0.1' });
    assert.match(again.path, /-label-smoothing-0-1-2\.md$/, 'the same title on the same day gets -2');

    const before = await readFile(path.join(root, 'journal/2026-11-30-baseline.md'), 'utf8');
    const updated = await call<JournalEntry>('journal.setField', { path: 'journal/2026-11-30-baseline.md', key: 'runs', value: ['r-1130-a', 'r-1201-c'] });
    assert.deepEqual(updated.runs, ['r-1130-a', 'r-1201-c']);
    const after = await readFile(path.join(root, 'journal/2026-11-30-baseline.md'), 'utf8');
    assert.equal(after, before.replace('runs: [r-1130-a]', 'runs: [r-1130-a, r-1201-c]'));

    const broken = await readFile(path.join(root, 'journal/2026-12-01-broken.md'), 'utf8');
    const refused = await failure('journal.setField', { path: 'journal/2026-12-01-broken.md', key: 'tags', value: ['fixed'] });
    assert.equal(refused.code, 'bad-argument');
    assert.match(refused.message, /malformed \(line \d+/);
    assert.equal(await readFile(path.join(root, 'journal/2026-12-01-broken.md'), 'utf8'), broken, 'not rewritten');
    assert.equal((await failure('journal.setField', { path: '../train.py', key: 'tags', value: ['x'] })).code, 'bad-argument');
    assert.equal((await failure('journal.setField', { path: 'train.py', key: 'tags', value: ['x'] })).code, 'bad-argument');
  });
});
