import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GitStatus, Notification, SyncPlanSummary, SyncStatus } from '../../preload/api';
import { ScriptedRepo } from '../fixtures/git-repos';
import { sessionHelpers, startSyncSession, targetOn, type SyncSession } from '../fixtures/sync-session';

/**
 * Works with sync (issue 13, point 5): a checkout made in Labdesk that rewrites hundreds of files
 * is a burst for the sync watcher, so nothing is pushed blindly: the tree is rescanned into a plan
 * the person confirms with "Sync now". A real Session, a real git checkout, a real sshd.
 */
describe('a checkout in Labdesk goes through the sync burst rule', () => {
  let fixture: SyncSession;
  const { call, until } = sessionHelpers(() => fixture.session);

  before(async () => {
    fixture = await startSyncSession({ prefix: 'labdesk-checkout-sync-', files: { 'train.py': 'print("main")\n', '.gitignore': '.labdesk/state/\n' } });
    const repo = ScriptedRepo.init(fixture.local);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'main');
    repo.git('checkout', '-q', '-b', 'wide');
    for (let n = 0; n < 300; n++) repo.commit(`file ${n}`, { file: `f${String(n).padStart(3, '0')}.txt` });
    repo.git('checkout', '-q', 'main');
  });
  after(() => fixture.close());

  it('pushes nothing after checking out a branch with 300 more files, and plans them for "Sync now"', async () => {
    await call('sync.saveTarget', targetOn(fixture.server, 'lab', fixture.remote));
    await call<SyncStatus>('sync.activate', { name: 'lab' });
    await call('sync.run', { deleteRemote: false });
    await until('the first push', () => existsSync(path.join(fixture.remote, 'train.py')));

    const status = await call<GitStatus>('git.checkout', { ref: 'wide' });
    assert.ok(status.repository && status.branch === 'wide');
    await until('the burst warning', () => fixture.events.some((event) => event.event === 'notification' && /files changed at once/.test((event.payload as Notification).message)));
    assert.ok(!existsSync(path.join(fixture.remote, 'f000.txt')), 'nothing was pushed blindly');
    const plan = await call<SyncPlanSummary>('sync.plan', { deleteRemote: false });
    assert.ok(plan.counts.upload >= 300, JSON.stringify(plan.counts));
    await call('sync.run', { deleteRemote: false });
    assert.ok(existsSync(path.join(fixture.remote, 'f299.txt')), 'pushed once confirmed');
  });
});
