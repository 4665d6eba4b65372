import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileChange } from '../../preload/api';
import { Session } from '../../main/api/session';
import { watchWorkspace } from '../../main/workspace/watch-workspace';
import { TempDirs, waitFor, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();
const noTrash = async () => {
  throw new Error('delete is not used in these tests');
};

/** A Session with a workspace open, recording every workspace.changed batch. */
async function openSession(tree: Parameters<typeof writeTree>[1]) {
  const root = path.join(await temp.make('labdesk-watch-'), 'project');
  await mkdir(root);
  await writeTree(root, tree);
  const session = new Session({ host: 'web', version: 'test', configDir: await temp.make('labdesk-watch-config-'), moveToTrash: noTrash });
  const changes: FileChange[] = [];
  const notifications: unknown[] = [];
  session.events.subscribe((event, payload) => {
    if (event === 'workspace.changed') changes.push(...(payload as { changes: FileChange[] }).changes);
    if (event === 'notification') notifications.push(payload);
  });
  await session.openWorkspace(root);
  assert.deepEqual(notifications, [], 'the watcher started');
  const seen = (relative: string, type?: FileChange['type']) =>
    waitFor(`a workspace.changed event for ${relative}`, () => changes.find((c) => c.path === relative && (type === undefined || c.type === type)), 2000);
  return { root, session, changes, seen };
}

const sessions: Session[] = [];
after(async () => {
  for (const session of sessions) await session.close();
  await temp.cleanup();
});

describe('workspace watcher (through a Session)', () => {
  let ctx: Awaited<ReturnType<typeof openSession>>;
  before(async () => {
    ctx = await openSession({ 'README.md': 'hi', '.git/HEAD': 'ref: refs/heads/main\n', 'src/keep.py': '', 'node_modules/x/index.js': '' });
    sessions.push(ctx.session);
  });

  it('a file written from outside is reported with its relative path within 2 s', async () => {
    const started = Date.now();
    await writeFile(path.join(ctx.root, 'outside-edit.txt'), 'from another program');
    const change = await ctx.seen('outside-edit.txt');
    assert.equal(change.type, 'create');
    console.log(`  workspace.changed arrived after ${Date.now() - started} ms`);
  });

  it('nested paths are POSIX and relative; updates and deletes are reported', async () => {
    await mkdir(path.join(ctx.root, 'src', 'deep'), { recursive: true });
    await writeFile(path.join(ctx.root, 'src', 'deep', 'model.py'), 'v1');
    await ctx.seen('src/deep/model.py');
    await writeFile(path.join(ctx.root, 'README.md'), 'changed');
    await ctx.seen('README.md', 'update');
    await rm(path.join(ctx.root, 'src', 'keep.py'));
    await ctx.seen('src/keep.py', 'delete');
  });

  it('changes under .git/ and node_modules/ (at any depth) are not reported', async () => {
    ctx.changes.length = 0;
    await writeFile(path.join(ctx.root, '.git', 'HEAD'), 'ref: refs/heads/other\n');
    await mkdir(path.join(ctx.root, '.git', 'objects', 'ab'), { recursive: true });
    await writeFile(path.join(ctx.root, '.git', 'objects', 'ab', 'cdef'), 'blob');
    await writeFile(path.join(ctx.root, 'node_modules', 'x', 'index.js'), 'changed');
    await mkdir(path.join(ctx.root, 'vendor', 'lib', '.git'), { recursive: true });
    await writeFile(path.join(ctx.root, 'vendor', 'lib', '.git', 'config'), '[core]');
    // A marker written after them: once it is seen, the earlier events would have been too.
    await writeFile(path.join(ctx.root, 'marker.txt'), 'x');
    await ctx.seen('marker.txt');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const leaked = ctx.changes.filter((c) => /(^|\/)(\.git|node_modules)(\/|$)/.test(c.path));
    assert.deepEqual(leaked, []);
  });

  it("Labdesk's own atomic saves are reported by the file's name, never the temp name", async () => {
    ctx.changes.length = 0;
    await ctx.session.requireWorkspace().write('saved.md', 'saved from the editor');
    await ctx.seen('saved.md');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(ctx.changes.filter((c) => c.path.includes('labdesk-tmp')), []);
  });

  it('an entry whose name starts with two dots is still reported', async () => {
    await writeFile(path.join(ctx.root, '..notes'), 'x');
    await ctx.seen('..notes');
  });
});

describe('switching and closing workspaces', () => {
  it('opening another workspace stops watching the first', async () => {
    const first = await openSession({ 'a.txt': '' });
    sessions.push(first.session);
    const second = path.join(await temp.make('labdesk-watch-'), 'second');
    await mkdir(second);
    await first.session.openWorkspace(second);
    first.changes.length = 0;
    await writeFile(path.join(first.root, 'ignored.txt'), 'x');
    await writeFile(path.join(second, 'seen.txt'), 'x');
    await first.seen('seen.txt');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(first.changes.map((c) => c.path), ['seen.txt']);
  });

  it('after close no more events arrive', async () => {
    const ctx = await openSession({});
    await ctx.session.close();
    await writeFile(path.join(ctx.root, 'late.txt'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(ctx.changes, []);
  });

  it('watchWorkspace on a missing folder fails (the Session then warns instead)', async () => {
    const missing = path.join(await temp.make('labdesk-watch-'), 'nope');
    await assert.rejects(watchWorkspace(missing, () => undefined));
  });
});
