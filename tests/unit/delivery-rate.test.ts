import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryRate } from '../../main/sftp/delivery-rate';

/** Feeds `bytesPerMs` as one reply every `everyMs` from `from` to `to`. */
function feed(rate: DeliveryRate, from: number, to: number, bytesPerMs: number, everyMs = 1): void {
  for (let now = from; now < to; now += everyMs) rate.add(bytesPerMs * everyMs, now);
}

describe('DeliveryRate', () => {
  it('assumes the initial rate until 100 ms have been measured', () => {
    const rate = new DeliveryRate(25_000);
    assert.equal(rate.bytesPerMs(0), 25_000);
    feed(rate, 0, 50, 40_000);
    assert.equal(rate.bytesPerMs(50), 25_000);
  });

  it('measures a steady rate, replies many or few per sample', () => {
    const often = new DeliveryRate(1);
    feed(often, 0, 400, 40_000, 0.25); // 4 replies per ms: thinned to one sample per 5 ms
    assert.ok(Math.abs(often.bytesPerMs(400) - 40_000) < 1_500, `${often.bytesPerMs(400)}`);
    const rarely = new DeliveryRate(1);
    feed(rarely, 0, 400, 40_000, 20);
    assert.ok(Math.abs(rarely.bytesPerMs(400) - 40_000) < 3_000, `${rarely.bytesPerMs(400)}`);
  });

  it('keeps the best rate of the last second through a lull, then forgets it', () => {
    const rate = new DeliveryRate(1);
    feed(rate, 0, 300, 60_000);
    feed(rate, 300, 900, 5_000);
    assert.ok(rate.bytesPerMs(900) > 55_000, 'a pause in what there is to send must not shrink the limit');
    feed(rate, 900, 2_500, 5_000);
    assert.ok(rate.bytesPerMs(2_500) < 6_000, `${rate.bytesPerMs(2_500)}`);
  });

  it('goes back to the initial rate when nothing was answered for a second', () => {
    const rate = new DeliveryRate(25_000);
    feed(rate, 0, 300, 60_000);
    assert.equal(rate.bytesPerMs(1_500), 25_000);
  });
});
