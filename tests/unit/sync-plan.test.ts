import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSync, summarisePlan, type PlanInput } from '../../main/sync/plan/plan';
import type { BaseEntry, LocalEntry, PlanAction, RemoteEntry } from '../../main/sync/sync-types';

// Small builders: a local file, a remote file, and a base that records both as last synced.
const file = (path: string, size = 10, mtimeMs = 1_000_000, mode = 0o644): LocalEntry => ({ path, kind: 'file', size, mtimeMs, mode });
const dir = (path: string, mode = 0o755): LocalEntry => ({ path, kind: 'dir', size: 4096, mtimeMs: 1, mode });
const link = (path: string, linkTarget: string): LocalEntry => ({ path, kind: 'symlink', size: linkTarget.length, mtimeMs: 1, mode: 0o777, linkTarget });
const rfile = (path: string, size = 10, mtime = 500, mode = 0o644): RemoteEntry => ({ path, kind: 'file', size, mtime, mode });
const rdir = (path: string): RemoteEntry => ({ path, kind: 'dir', size: 4096, mtime: 9, mode: 0o755 });
const rlink = (path: string, linkTarget: string): RemoteEntry => ({ path, kind: 'symlink', size: linkTarget.length, mtime: 9, mode: 0o777, linkTarget });
const synced = (local: LocalEntry, remote: RemoteEntry, hash = 'h'): BaseEntry => ({
  path: local.path,
  kind: local.kind,
  local: { size: local.size, mtimeMs: local.mtimeMs, mode: local.mode, hash },
  remote: { size: remote.size, mtime: remote.mtime, mode: remote.mode },
  ...(local.linkTarget !== undefined && { linkTarget: local.linkTarget }),
});

function plan(input: Omit<Partial<PlanInput>, 'base'> & { base?: BaseEntry[] }): readonly PlanAction[] {
  return planSync({
    local: input.local ?? [],
    remote: input.remote ?? [],
    base: new Map((input.base ?? []).map((entry) => [entry.path, entry])),
    deleteRemote: input.deleteRemote ?? false,
    ...(input.sameContent && { sameContent: input.sameContent }),
    ...(input.localHashes && { localHashes: input.localHashes }),
    ...(input.localSkipped && { localSkipped: input.localSkipped }),
    ...(input.excluded && { excluded: input.excluded }),
  }).actions;
}

/** `type:path` (plus the reason where the action has one) for compact expectations. */
function brief(actions: readonly PlanAction[]): string[] {
  return actions.map((action) => {
    const reason = 'reason' in action ? `:${action.reason}` : '';
    return `${action.type}:${action.path}${reason}`;
  });
}

describe('planSync: one row per rule', () => {
  const cases: { name: string; input: Parameters<typeof plan>[0]; expected: string[] }[] = [
    { name: 'new local file, nothing remote, no base → upload (new)', input: { local: [file('a.py')] }, expected: ['upload:a.py:new'] },
    {
      name: 'local file unchanged since base, remote unchanged → nothing',
      input: { local: [file('a.py')], remote: [rfile('a.py')], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: [],
    },
    {
      name: 'local edited, remote unchanged → upload (changed), guarded by the base stamp',
      input: { local: [file('a.py', 11, 2_000_000)], remote: [rfile('a.py')], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: ['upload:a.py:changed'],
    },
    {
      name: 'remote edited on the server, local unchanged → conflict (never overwritten)',
      input: { local: [file('a.py')], remote: [rfile('a.py', 12, 600)], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: ['conflict:a.py:remote-changed'],
    },
    {
      name: 'both edited → conflict',
      input: { local: [file('a.py', 11, 2_000_000)], remote: [rfile('a.py', 12, 600)], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: ['conflict:a.py:remote-changed'],
    },
    {
      name: 'both edited to the same content → adopt (nothing written)',
      input: {
        local: [file('a.py', 11, 2_000_000)],
        remote: [rfile('a.py', 11, 600)],
        base: [synced(file('a.py'), rfile('a.py'))],
        sameContent: new Map([['a.py', true]]),
      },
      expected: ['adopt:a.py'],
    },
    {
      name: 'remote mode changed (chmod on the server) → conflict',
      input: { local: [file('a.py')], remote: [rfile('a.py', 10, 500, 0o600)], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: ['conflict:a.py:remote-changed'],
    },
    {
      name: 'local touched (new mtime) with the same content hash → nothing',
      input: {
        local: [file('a.py', 10, 3_000_000)],
        remote: [rfile('a.py')],
        base: [synced(file('a.py'), rfile('a.py'), 'same')],
        localHashes: new Map([['a.py', 'same']]),
      },
      expected: [],
    },
    {
      name: 'local touched, same size, different hash → upload (changed)',
      input: {
        local: [file('a.py', 10, 3_000_000)],
        remote: [rfile('a.py')],
        base: [synced(file('a.py'), rfile('a.py'), 'old')],
        localHashes: new Map([['a.py', 'new']]),
      },
      expected: ['upload:a.py:changed'],
    },
    {
      name: 'execute bit added locally → upload (mode-changed)',
      input: {
        local: [file('run.sh', 10, 3_000_000, 0o755)],
        remote: [rfile('run.sh')],
        base: [synced(file('run.sh'), rfile('run.sh'), 'h')],
        localHashes: new Map([['run.sh', 'h']]),
      },
      expected: ['upload:run.sh:mode-changed'],
    },
    {
      name: 'remote file with no base and the same content → adopt',
      input: { local: [file('a.py')], remote: [rfile('a.py')], sameContent: new Map([['a.py', true]]) },
      expected: ['adopt:a.py'],
    },
    {
      name: 'remote file with no base and different content → conflict (remote-differs)',
      input: { local: [file('a.py')], remote: [rfile('a.py', 99)], sameContent: new Map([['a.py', false]]) },
      expected: ['conflict:a.py:remote-differs'],
    },
    {
      name: 'remote file with no base and content not compared → conflict (safe default)',
      input: { local: [file('a.py')], remote: [rfile('a.py')] },
      expected: ['conflict:a.py:remote-differs'],
    },
    {
      name: 'remote deleted on the server since base → upload again (remote-deleted)',
      input: { local: [file('a.py')], base: [synced(file('a.py'), rfile('a.py'))] },
      expected: ['upload:a.py:remote-deleted'],
    },
    { name: 'remote-only file (outputs, logs) → nothing', input: { remote: [rfile('output/log.txt')] }, expected: [] },
    {
      name: 'deleted locally, deletions not asked → keep-remote',
      input: { remote: [rfile('old.py')], base: [synced(file('old.py'), rfile('old.py'))] },
      expected: ['keep-remote:old.py'],
    },
    {
      name: 'deleted locally with --delete, remote unchanged → delete, guarded',
      input: { remote: [rfile('old.py')], base: [synced(file('old.py'), rfile('old.py'))], deleteRemote: true, local: [file('keep.py')] },
      expected: ['upload:keep.py:new', 'delete:old.py'],
    },
    {
      name: 'deleted locally with --delete, but changed on the server → conflict',
      input: { remote: [rfile('old.py', 50, 900)], base: [synced(file('old.py'), rfile('old.py'))], deleteRemote: true, local: [file('keep.py')] },
      expected: ['upload:keep.py:new', 'conflict:old.py:deleted-locally-changed-remotely'],
    },
    {
      name: 'deleted on both sides → nothing (base entry is dropped)',
      input: { base: [synced(file('gone.py'), rfile('gone.py'))], local: [file('x.py')], remote: [rfile('x.py')], sameContent: new Map([['x.py', true]]) },
      expected: ['adopt:x.py'],
    },
    {
      name: 'never synced remote file is not deleted even with --delete',
      input: { remote: [rfile('theirs.txt')], deleteRemote: true, local: [file('x.py')] },
      expected: ['upload:x.py:new'],
    },
    {
      name: 'folders are created parents first',
      input: { local: [dir('src/models'), dir('src'), file('src/models/net.py')] },
      expected: ['mkdir:src', 'mkdir:src/models', 'upload:src/models/net.py:new'],
    },
    {
      name: 'local folder where the server has a file → conflict (type-changed)',
      input: { local: [dir('cfg')], remote: [rfile('cfg')] },
      expected: ['conflict:cfg:type-changed'],
    },
    {
      name: 'local file where the server has a folder → conflict (type-changed)',
      input: { local: [file('cfg')], remote: [rdir('cfg')] },
      expected: ['conflict:cfg:type-changed'],
    },
    {
      name: 'remote symlink (data → /scratch) is never overwritten; local files below it are skipped',
      input: { local: [dir('data'), file('data/train.csv')], remote: [rlink('data', '/scratch/data')] },
      expected: ['skip:data:remote-symlink', 'skip:data/train.csv:under-remote-symlink'],
    },
    {
      name: 'remote symlink is never deleted, even with --delete and a base',
      input: { remote: [rlink('output', '/scratch/out')], base: [synced(file('output'), rfile('output'))], deleteRemote: true, local: [file('x.py')] },
      expected: ['upload:x.py:new'],
    },
    {
      name: 'a local relative symlink inside the root is created on the server',
      input: { local: [link('latest.yaml', 'configs/base.yaml')] },
      expected: ['symlink:latest.yaml'],
    },
    {
      name: 'the same symlink on both sides → nothing',
      input: { local: [link('latest.yaml', 'configs/base.yaml')], remote: [rlink('latest.yaml', 'configs/base.yaml')] },
      expected: [],
    },
    {
      name: 'a symlink Labdesk made, retargeted locally → replaced (it is ours and unchanged)',
      input: {
        local: [link('latest.yaml', 'configs/b.yaml')],
        remote: [rlink('latest.yaml', 'configs/a.yaml')],
        base: [synced(link('latest.yaml', 'configs/a.yaml'), rlink('latest.yaml', 'configs/a.yaml'))],
      },
      expected: ['symlink:latest.yaml'],
    },
    {
      name: 'local skips (case collisions, links leaving the root) are listed with their reason',
      input: { localSkipped: [{ path: 'Model.py', reason: 'case-collision', detail: 'Model.py and model.py differ only by case' }] },
      expected: ['skip:Model.py:case-collision'],
    },
    {
      name: 'a synced file that is now ignored is not deleted, even with --delete',
      input: {
        remote: [rfile('wandb/run.log')],
        base: [synced(file('wandb/run.log'), rfile('wandb/run.log'))],
        deleteRemote: true,
        local: [file('x.py')],
        excluded: (path: string) => path.startsWith('wandb/'),
      },
      expected: ['upload:x.py:new'],
    },
    {
      name: 'a synced file now skipped locally (case collision) is not deleted',
      input: {
        remote: [rfile('Model.py')],
        base: [synced(file('Model.py'), rfile('Model.py'))],
        deleteRemote: true,
        local: [file('x.py')],
        localSkipped: [{ path: 'Model.py', reason: 'case-collision', detail: 'Model.py and model.py differ only by case' }],
      },
      expected: ['upload:x.py:new', 'skip:Model.py:case-collision'],
    },
    {
      name: 'deleted folder with --delete goes after its files (deepest first)',
      input: {
        remote: [rdir('old'), rfile('old/a.py')],
        base: [synced(dir('old'), rdir('old')), synced(file('old/a.py'), rfile('old/a.py'))],
        deleteRemote: true,
        local: [file('x.py')],
      },
      expected: ['upload:x.py:new', 'delete:old/a.py', 'delete:old'],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => assert.deepEqual(brief(plan(testCase.input)), testCase.expected));
  }
});

describe('planSync: guards carried into actions', () => {
  it('an upload over a synced file expects the remote stamp from the base', () => {
    const [action] = plan({ local: [file('a.py', 11, 2_000_000)], remote: [rfile('a.py')], base: [synced(file('a.py'), rfile('a.py'))] });
    assert.equal(action?.type, 'upload');
    assert.deepEqual(action?.type === 'upload' && action.expectRemote, { size: 10, mtime: 500, mode: 0o644 });
  });

  it('a new upload expects the remote path to be absent', () => {
    const [action] = plan({ local: [file('a.py')] });
    assert.equal(action?.type === 'upload' && action.expectRemote, null);
  });
});

describe('planSync: halts', () => {
  it('halts when the local folder is empty and --delete would remove every synced entry', () => {
    const result = planSync({
      local: [],
      remote: [rfile('a.py'), rfile('b.py')],
      base: new Map([
        ['a.py', synced(file('a.py'), rfile('a.py'))],
        ['b.py', synced(file('b.py'), rfile('b.py'))],
      ]),
      deleteRemote: true,
    });
    assert.match(result.halted ?? '', /would delete all 2 synced entries/);
  });

  it('does not halt without --delete (nothing would be removed)', () => {
    const result = planSync({ local: [], remote: [rfile('a.py'), rfile('b.py')], base: new Map([['a.py', synced(file('a.py'), rfile('a.py'))], ['b.py', synced(file('b.py'), rfile('b.py'))]]), deleteRemote: false });
    assert.equal(result.halted, null);
  });

  it('summarises counts by action type', () => {
    const result = planSync({ local: [file('a'), file('b'), dir('d')], remote: [], base: new Map(), deleteRemote: false });
    assert.deepEqual({ ...summarisePlan(result) }, { mkdir: 1, upload: 2, symlink: 0, adopt: 0, delete: 0, 'keep-remote': 0, conflict: 0, skip: 0 });
  });
});
