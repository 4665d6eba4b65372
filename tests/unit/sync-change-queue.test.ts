import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeQueue, DEFAULT_BURST_THRESHOLD, mergeChange } from '../../main/sync/watch/change-queue';

const paths = (queue: ChangeQueue) => queue.take().changes.map((change) => change.path);

describe('ChangeQueue', () => {
  it('hands changes out in the order of their first change', () => {
    const queue = new ChangeQueue();
    queue.add('b.py', 'update');
    queue.add('a.py', 'update');
    queue.add('c/d.yaml', 'create');
    assert.deepEqual(paths(queue), ['b.py', 'a.py', 'c/d.yaml']);
    assert.equal(queue.size, 0);
  });

  it('coalesces repeated changes of one path, which keeps its first place', () => {
    const queue = new ChangeQueue();
    queue.add('a.py', 'update');
    queue.add('b.py', 'update');
    queue.add('a.py', 'update');
    queue.add('c.py', 'update');
    queue.add('a.py', 'update');
    assert.equal(queue.size, 3);
    assert.deepEqual(paths(queue), ['a.py', 'b.py', 'c.py']);
  });

  it('merges the kinds of repeated changes', () => {
    assert.equal(mergeChange('create', 'update'), 'create');
    assert.equal(mergeChange('delete', 'create'), 'update');
    assert.equal(mergeChange('update', 'delete'), 'delete');
    // An editor's rename-save is reported as a create: created-then-deleted stays a deletion.
    assert.equal(mergeChange('create', 'delete'), 'delete');
    const queue = new ChangeQueue();
    queue.add('new.py', 'create');
    queue.add('new.py', 'update');
    queue.add('gone.py', 'delete');
    queue.add('gone.py', 'create');
    assert.deepEqual(queue.take().changes, [
      { path: 'new.py', kind: 'create' },
      { path: 'gone.py', kind: 'update' },
    ]);
  });

  it('never queues Labdesk temp files, ignored paths or the root itself', () => {
    const queue = new ChangeQueue({ isIgnored: (path) => path.startsWith('output/') || path.endsWith('.pyc') });
    assert.equal(queue.add('.train.py.labdesk-tmp-0123456789ab', 'create'), false);
    assert.equal(queue.add('configs/.base.yaml.labdesk-tmp-a1b2c3d4e5f6', 'update'), false);
    assert.equal(queue.add('output/run1.log', 'update'), false);
    assert.equal(queue.add('model.pyc', 'update'), false);
    assert.equal(queue.add('', 'update'), false);
    assert.equal(queue.add('train.py', 'update'), true);
    assert.deepEqual(paths(queue), ['train.py']);
  });

  it('more distinct paths than the threshold in one window is a burst', () => {
    const queue = new ChangeQueue({ burstThreshold: 5 });
    for (let i = 0; i < 5; i++) queue.add(`f${i}.py`, 'update');
    assert.equal(queue.isBurst, false, 'exactly the threshold is not a burst');
    assert.equal(queue.closeWindow(), false);
    queue.add('f5.py', 'update'); // a new window: 1 path
    assert.equal(queue.isBurst, false);
    for (let i = 0; i < 5; i++) queue.add(`g${i}.py`, 'create'); // 6 in this window
    assert.equal(queue.isBurst, true);
    assert.equal(queue.closeWindow(), true);
    const taken = queue.take();
    assert.equal(taken.burst, 6);
    assert.equal(taken.changes.length, 11);
    assert.equal(queue.isBurst, false, 'take() clears the burst');
  });

  it('repeated changes of one path are not a burst, and windows do not add up', () => {
    const queue = new ChangeQueue({ burstThreshold: 3 });
    for (let i = 0; i < 100; i++) queue.add('log.txt', 'update');
    assert.equal(queue.isBurst, false);
    assert.equal(queue.closeWindow(), false);
    // Offline for a while: many small windows, each under the threshold, pile up in the queue.
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < 3; i++) queue.add(`w${window}-${i}.py`, 'update');
      assert.equal(queue.closeWindow(), false);
    }
    const taken = queue.take();
    assert.equal(taken.burst, null);
    assert.equal(taken.changes.length, 13);
  });

  it('the default threshold is about 200 paths', () => {
    assert.equal(DEFAULT_BURST_THRESHOLD, 200);
    const queue = new ChangeQueue();
    for (let i = 0; i < 200; i++) queue.add(`src/f${i}.py`, 'update');
    assert.equal(queue.isBurst, false);
    queue.add('src/f200.py', 'update');
    assert.equal(queue.isBurst, true);
  });

  it('requeue puts unpushed changes back in front, in their order', () => {
    const queue = new ChangeQueue();
    queue.add('a.py', 'update');
    queue.add('b.py', 'update');
    const taken = queue.take().changes;
    // While the failed push was in flight: c changed, and a changed again.
    queue.add('c.py', 'update');
    queue.add('a.py', 'delete');
    queue.requeue(taken);
    assert.deepEqual(queue.take().changes, [
      { path: 'a.py', kind: 'delete' },
      { path: 'b.py', kind: 'update' },
      { path: 'c.py', kind: 'update' },
    ]);
  });
});
