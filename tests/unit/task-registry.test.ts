import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, type TaskProgress } from '../../preload/api';
import { EventBus } from '../../main/common/event-bus';
import { TaskRegistry } from '../../main/common/task-registry';

function recorder() {
  const bus = new EventBus();
  const progress: TaskProgress[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'progress') progress.push(payload as TaskProgress);
  });
  return { bus, progress, tasks: new TaskRegistry(bus) };
}

describe('TaskRegistry', () => {
  it('emits progress: first "running", last "done", one id throughout', async () => {
    const { progress, tasks } = recorder();
    const result = await tasks.run({ title: 'Indexing demo', unit: 'files' }, async (task) => {
      task.report(1);
      await new Promise((resolve) => setTimeout(resolve, 120));
      task.report(5, 10);
      return 'the result';
    });
    assert.equal(result, 'the result');
    assert.ok(progress.length >= 2);
    const first = progress[0]!;
    const last = progress.at(-1)!;
    assert.equal(first.state, 'running');
    assert.equal(first.done, 0);
    assert.equal(first.total, null);
    assert.equal(first.title, 'Indexing demo');
    assert.equal(first.unit, 'files');
    assert.equal(first.cancellable, true);
    assert.equal(last.state, 'done');
    assert.equal(last.done, 5);
    assert.equal(last.total, 10);
    assert.ok(progress.every((p) => p.id === first.id));
    assert.ok(progress.slice(0, -1).every((p) => p.state === 'running'));
  });

  it('throttles frequent reports but always sends the final count', async () => {
    const { progress, tasks } = recorder();
    await tasks.run({ title: 'Busy', unit: 'items', total: 10_000 }, async (task) => {
      for (let i = 1; i <= 10_000; i++) task.report(i);
    });
    assert.ok(progress.length <= 3, `got ${progress.length} events for 10,000 reports`);
    assert.equal(progress[0]!.total, 10_000);
    assert.deepEqual({ state: progress.at(-1)!.state, done: progress.at(-1)!.done }, { state: 'done', done: 10_000 });
  });

  it('cancel aborts the signal: the call rejects with code "cancelled" and the last event is "cancelled"', async () => {
    const { progress, tasks } = recorder();
    const running = tasks.run({ title: 'Long job', unit: 'steps' }, (task) =>
      new Promise<never>((_, reject) => task.signal.addEventListener('abort', () => reject(task.signal.reason as Error))),
    );
    const id = progress[0]!.id;
    assert.equal(tasks.cancel(id), true);
    await assert.rejects(running, (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, 'cancelled');
      assert.match(error.message, /Long job was cancelled/);
      return true;
    });
    const last = progress.at(-1)!;
    assert.equal(last.state, 'cancelled');
    assert.equal(last.id, id);
    assert.match(last.message ?? '', /cancelled/);
    assert.equal(tasks.cancel(id), false, 'a finished task can no longer be cancelled');
  });

  it('cancel of an unknown id returns false', () => {
    const { tasks } = recorder();
    assert.equal(tasks.cancel('no-such-task'), false);
  });

  it('a failing task rethrows its error and ends with a "failed" event carrying the message', async () => {
    const { progress, tasks } = recorder();
    const boom = new Error('disk on fire');
    await assert.rejects(tasks.run({ title: 'Doomed', unit: 'files' }, async () => Promise.reject(boom)), (error) => error === boom);
    const last = progress.at(-1)!;
    assert.equal(last.state, 'failed');
    assert.equal(last.message, 'disk on fire');
    assert.equal(tasks.cancel(last.id), false);
  });

  it('passes cancellable: false through', async () => {
    const { progress, tasks } = recorder();
    await tasks.run({ title: 'Atomic', unit: 'files', cancellable: false }, async () => undefined);
    assert.ok(progress.every((p) => p.cancellable === false));
  });

  it('runs tasks side by side with separate ids, and cancels only the one asked', async () => {
    const { progress, tasks } = recorder();
    let releaseA!: () => void;
    const a = tasks.run({ title: 'A', unit: 'x' }, () => new Promise<string>((resolve) => (releaseA = () => resolve('a'))));
    const b = tasks.run({ title: 'B', unit: 'x' }, (task) =>
      new Promise<never>((_, reject) => task.signal.addEventListener('abort', () => reject(new Error('stopped')))),
    );
    const idA = progress.find((p) => p.title === 'A')!.id;
    const idB = progress.find((p) => p.title === 'B')!.id;
    assert.notEqual(idA, idB);
    assert.equal(tasks.cancel(idB), true);
    await assert.rejects(b, { code: 'cancelled' });
    releaseA();
    assert.equal(await a, 'a');
  });
});

describe('EventBus', () => {
  it('fans out to every sink; one throwing sink does not stop the others', () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error('closed socket');
    });
    bus.subscribe((event) => got.push(event));
    bus.emit('notification', { id: 'n1', level: 'info', message: 'hi' });
    assert.deepEqual(got, ['notification']);
  });

  it('unsubscribe stops delivery', () => {
    const bus = new EventBus();
    const got: unknown[] = [];
    const unsubscribe = bus.subscribe((_event, payload) => got.push(payload));
    bus.emit('workspace.changed', { changes: [] });
    unsubscribe();
    bus.emit('workspace.changed', { changes: [] });
    assert.equal(got.length, 1);
  });
});
