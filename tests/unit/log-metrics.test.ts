import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogMetrics, thin } from '../../main/runs/log-metrics';

const read = (text: string, pattern?: string) => {
  const metrics = new LogMetrics(pattern);
  metrics.push(text);
  metrics.end();
  return Object.fromEntries([...metrics.get()].map(([name, series]) => [name, series.steps.map((step, at) => [step, series.values[at]])]));
};

describe('numbers from a training log', () => {
  const cases: Array<[string, string, Record<string, Array<[number, number]>>]> = [
    ['key=value with a step', 'step=1 loss=0.50 acc: 0.1\nstep=2 loss=0.25 acc: 0.4\n', { loss: [[1, 0.5], [2, 0.25]], acc: [[1, 0.1], [2, 0.4]] }],
    ['a printed Python dict', "{'val/mAP': 41.2, 'epoch': 3}\n{'val/mAP': 43.0, 'epoch': 4}", { 'val/mAP': [[1, 41.2], [2, 43]], epoch: [[1, 3], [2, 4]] }],
    ['no step: the count of values', 'loss=1e-1\nloss=5E-2\n', { loss: [[1, 0.1], [2, 0.05]] }],
    ['iteration keys name the step', 'iter: 100 | loss: 2.5\niter: 200 | loss: 2.0\n', { loss: [[100, 2.5], [200, 2]] }],
    ['words, versions and times are not metrics', 'torch version 2.5.1 loaded at 12:30:01 on host=gpu1\n', {}],
  ];
  for (const [name, log, expected] of cases) it(name, () => assert.deepEqual(read(log), expected));

  it('a line cut between two chunks is read whole', () => {
    const metrics = new LogMetrics();
    metrics.push('step=1 lo');
    metrics.push('ss=0.5\nstep=2 loss=0.4');
    metrics.end();
    assert.deepEqual(metrics.get().get('loss'), { steps: [1, 2], values: [0.5, 0.4] });
  });

  it('a pattern of the user\'s own, with name, value and step groups', () => {
    assert.deepEqual(read('[ep 3] train loss 0.7\n[ep 4] train loss 0.6\n', String.raw`\[ep (?<step>\d+)\] (?<name>train loss) (?<value>[\d.]+)`), { 'train loss': [[3, 0.7], [4, 0.6]] });
  });

  it('thins a long series to at most n points, keeping the last', () => {
    const steps = Array.from({ length: 10_000 }, (_, at) => at + 1);
    const thinned = thin({ steps, values: steps.map((step) => 1 / step) }, 500);
    assert.ok(thinned.steps.length <= 501);
    assert.equal(thinned.steps[thinned.steps.length - 1], 10_000);
  });
});
