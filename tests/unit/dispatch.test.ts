import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError, type CallResult, createApi, METHOD_NAMES, type TaskProgress } from '../../preload/api';
import { dispatch } from '../../main/api/dispatch';
import { handlers, schemas } from '../../main/api/dispatch-table';
import { Session, type HostCapabilities } from '../../main/api/session';
import { moveToTrashWithNode } from '../../main/workspace/node-trash';
import { TempDirs, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();
const sessions: Session[] = [];

async function newSession(extra: Partial<HostCapabilities> = {}): Promise<Session> {
  const session = new Session({
    host: 'web',
    version: '9.9.9-test',
    configDir: await temp.make('labdesk-dispatch-config-'),
    moveToTrash: moveToTrashWithNode,
    ...extra,
  });
  sessions.push(session);
  return session;
}

function assertFailure(result: CallResult, code: string, argument?: string): string {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.argument, argument, `argument of: ${result.error.message}`);
  assert.ok(result.error.message.length > 10);
  // Envelopes are plain JSON, so they cross IPC and WebSocket unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  return result.error.message;
}

function value<T>(result: CallResult): T {
  assert.equal(result.ok, true, JSON.stringify(result));
  return (result as { value: T }).value;
}

after(async () => {
  for (const session of sessions) await session.close();
  await temp.cleanup();
});

describe('dispatch table', () => {
  it('has a handler and a schema for every method in the contract, and nothing else', () => {
    assert.deepEqual(Object.keys(handlers).sort(), [...METHOD_NAMES].sort());
    assert.deepEqual(Object.keys(schemas).sort(), [...METHOD_NAMES].sort());
  });
});

describe('dispatch: validation at the boundary', () => {
  let session: Session;
  before(async () => {
    session = await newSession();
  });

  const unknown: unknown[] = ['no.such', 'workspace', 'workspace.', '__proto__', 'constructor', 'toString', '', 42, null, undefined, { method: 'app.info' }];
  for (const method of unknown) {
    it(`unknown method ${JSON.stringify(method) ?? 'undefined'} → unknown-method`, async () => {
      const message = assertFailure(await dispatch(session, method, {}), 'unknown-method');
      assert.match(message, /no API method/);
    });
  }

  const bad: [string, string, unknown, string][] = [
    ['wrong type', 'workspace.read', { path: 5 }, 'path'],
    ['missing required', 'workspace.read', {}, 'path'],
    ['unknown key', 'workspace.read', { path: 'a.txt', extra: true }, 'extra'],
    ['unknown key on an empty schema', 'app.info', { verbose: true }, 'verbose'],
    ['not an object', 'workspace.read', 'a.txt', 'argument'],
    ['an array', 'workspace.read', ['a.txt'], 'argument'],
    ['empty write path', 'workspace.write', { path: '', text: 'x' }, 'path'],
    ['text missing', 'workspace.write', { path: 'a.txt' }, 'text'],
    ['negative mtime', 'workspace.write', { path: 'a.txt', text: 'x', expectedMtimeMs: -1 }, 'expectedMtimeMs'],
    ['mtime as string', 'workspace.write', { path: 'a.txt', text: 'x', expectedMtimeMs: '1' }, 'expectedMtimeMs'],
    ['theme not in the enum', 'settings.update', { theme: 'blue' }, 'theme'],
    ['vimMode as string', 'settings.update', { vimMode: 'yes' }, 'vimMode'],
    ['empty open path', 'workspace.open', { path: '' }, 'path'],
    ['over-long path', 'workspace.read', { path: 'a'.repeat(5000) }, 'path'],
    ['rename without to', 'workspace.rename', { from: 'a' }, 'to'],
    ['empty task id', 'tasks.cancel', { id: '' }, 'id'],
  ];
  for (const [what, method, arg, argument] of bad) {
    it(`${what}: ${method} ${JSON.stringify(arg).slice(0, 60)} → bad-argument on "${argument}"`, async () => {
      const message = assertFailure(await dispatch(session, method, arg), 'bad-argument', argument);
      assert.ok(message.startsWith(`${method}: argument "${argument}"`), message);
    });
  }

  it('a null or missing argument means {}', async () => {
    assert.equal(value<{ host: string }>(await dispatch(session, 'app.info', null)).host, 'web');
    assert.equal(value<{ host: string }>(await dispatch(session, 'app.info', undefined)).host, 'web');
  });
});

describe('dispatch: calls that reach the services', () => {
  let session: Session;
  let root: string;
  before(async () => {
    session = await newSession();
    const base = await temp.make('labdesk-dispatch-ws-');
    root = path.join(base, 'project');
    await writeTree(base, { 'secret.txt': 'outside\n' });
    await writeTree(root, { 'README.md': '# hi\n', 'src/train.py': 'print(1)\n' });
  });

  it('app.info describes the host', async () => {
    assert.deepEqual(value(await dispatch(session, 'app.info', {})), {
      version: '9.9.9-test',
      host: 'web',
      platform: process.platform,
      canPickFolder: false,
    });
  });

  it('before a workspace is open, workspace calls fail with no-workspace', async () => {
    const fresh = await newSession();
    assert.equal(value(await dispatch(fresh, 'workspace.current', {})), null);
    for (const [method, arg] of [
      ['workspace.list', { dir: '' }],
      ['workspace.read', { path: 'a.txt' }],
      ['workspace.write', { path: 'a.txt', text: 'x' }],
      ['workspace.index', {}],
      ['workspace.delete', { path: 'a.txt' }],
    ] as const) {
      assert.match(assertFailure(await dispatch(fresh, method, arg), 'no-workspace'), /Open a folder/);
    }
  });

  it('workspace.open refuses a relative path, a missing folder and a file', async () => {
    assertFailure(await dispatch(session, 'workspace.open', { path: 'relative/dir' }), 'bad-argument', 'path');
    assert.match(assertFailure(await dispatch(session, 'workspace.open', { path: path.join(root, 'nope') }), 'not-found'), /does not exist/);
    assertFailure(await dispatch(session, 'workspace.open', { path: path.join(root, 'README.md') }), 'not-a-directory', 'path');
    assert.equal(value(await dispatch(session, 'workspace.current', {})), null, 'nothing was opened');
  });

  it('workspace.open then read, write and list round-trip', async () => {
    const info = value<{ root: string; name: string }>(await dispatch(session, 'workspace.open', { path: root }));
    assert.deepEqual(info, { root, name: 'project' });
    assert.deepEqual(value(await dispatch(session, 'workspace.current', {})), info);
    const read = value<{ kind: string; text: string }>(await dispatch(session, 'workspace.read', { path: 'README.md' }));
    assert.equal(read.text, '# hi\n');
    value(await dispatch(session, 'workspace.write', { path: 'notes.md', text: 'new' }));
    assert.equal(await readFile(path.join(root, 'notes.md'), 'utf8'), 'new');
    const names = value<{ name: string }[]>(await dispatch(session, 'workspace.list', { dir: '' })).map((e) => e.name);
    assert.deepEqual(names, ['src', 'notes.md', 'README.md']);
    const settings = value<{ recentProjects: { path: string }[] }>(await dispatch(session, 'settings.get', {}));
    assert.equal(settings.recentProjects[0]?.path, root);
  });

  it('a traversal attempt is refused with outside-workspace and nothing outside is touched', async () => {
    assertFailure(await dispatch(session, 'workspace.read', { path: '../secret.txt' }), 'outside-workspace', 'path');
    assertFailure(await dispatch(session, 'workspace.write', { path: '../secret.txt', text: 'pwned' }), 'outside-workspace', 'path');
    assertFailure(await dispatch(session, 'workspace.write', { path: path.join(root, '..', 'secret.txt'), text: 'pwned' }), 'outside-workspace', 'path');
    assertFailure(await dispatch(session, 'workspace.rename', { from: 'README.md', to: '../stolen.md' }), 'outside-workspace', 'to');
    assertFailure(await dispatch(session, 'workspace.list', { dir: '..' }), 'outside-workspace', 'dir');
    assert.equal(await readFile(path.join(root, '..', 'secret.txt'), 'utf8'), 'outside\n');
    assert.deepEqual((await readdir(path.join(root, '..'))).sort(), ['project', 'secret.txt']);
    assert.equal(await readFile(path.join(root, 'README.md'), 'utf8'), '# hi\n');
  });

  it('settings.update goes through and validates', async () => {
    assert.equal(value<{ theme: string }>(await dispatch(session, 'settings.update', { theme: 'light' })).theme, 'light');
    assert.equal(value<{ theme: string }>(await dispatch(session, 'settings.get', {})).theme, 'light');
  });

  it('pickAndOpen without a native picker → not-supported', async () => {
    assert.match(assertFailure(await dispatch(session, 'workspace.pickAndOpen', {}), 'not-supported'), /type the folder path/);
  });

  it('workspace.index returns the file list', async () => {
    const index = value<{ files: string[] }>(await dispatch(session, 'workspace.index', {}));
    assert.deepEqual(index.files, ['README.md', 'notes.md', 'src/train.py']);
  });

  it('workspace.index cancelled through tasks.cancel → cancelled envelope', async () => {
    const unsubscribe = session.events.subscribe((event, payload) => {
      const progress = payload as TaskProgress;
      // The first progress event is sent before the walk starts; cancel right there.
      if (event === 'progress' && progress.state === 'running') void dispatch(session, 'tasks.cancel', { id: progress.id });
    });
    try {
      assert.match(assertFailure(await dispatch(session, 'workspace.index', {}), 'cancelled'), /cancelled/);
    } finally {
      unsubscribe();
    }
    assert.deepEqual(value(await dispatch(session, 'tasks.cancel', { id: 'not-a-task' })), { cancelled: false });
  });
});

describe('dispatch: unexpected errors become envelopes', () => {
  // t.mock.method is undone by the runner when each test ends.
  it('a handler throwing a plain Error → internal envelope, never a rejection (and it is logged)', async (t) => {
    const logged = t.mock.method(console, 'error', () => undefined);
    const session = await newSession({
      pickFolder: async () => {
        throw new Error('dialog exploded');
      },
    });
    const result = await dispatch(session, 'workspace.pickAndOpen', {});
    const message = assertFailure(result, 'internal');
    assert.match(message, /workspace\.pickAndOpen failed: dialog exploded/);
    assert.equal(logged.mock.callCount(), 1);
  });

  it('a handler throwing a non-Error value → internal envelope', async (t) => {
    t.mock.method(console, 'error', () => undefined);
    const session = await newSession({
      pickFolder: async () => {
        throw 'a string'; // what some libraries do
      },
    });
    assert.match(assertFailure(await dispatch(session, 'workspace.pickAndOpen', {}), 'internal'), /a string/);
  });

  it('a cancelled native picker resolves to null, not an error', async () => {
    const session = await newSession({ pickFolder: async () => null });
    assert.deepEqual(await dispatch(session, 'workspace.pickAndOpen', {}), { ok: true, value: null });
  });
});

describe('createApi over dispatch (the bridge the renderer uses)', () => {
  it('resolves values and rejects with ApiError carrying code and argument', async () => {
    const session = await newSession();
    const api = createApi({ call: (method, arg) => dispatch(session, method, arg), on: () => () => undefined });
    assert.equal((await api.app.info({})).host, 'web');
    await assert.rejects(api.workspace.read({ path: 'x' }), (error: unknown) => error instanceof ApiError && error.code === 'no-workspace');
    await assert.rejects(api.workspace.read({ path: 5 as unknown as string }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, 'bad-argument');
      assert.equal(error.argument, 'path');
      return true;
    });
  });
});
