import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BacklogGate, MIN_WINDOW_IN_USE, windowLimitFor } from '../../main/sftp/channel-window';
import { channelWindowInUse } from '../../main/sftp/ssh2-internals';

describe('windowLimitFor', () => {
  it('allows a small backlog on a short round trip and grows with the round trip', () => {
    assert.equal(windowLimitFor(0), MIN_WINDOW_IN_USE);
    assert.ok(windowLimitFor(0.2) < 1024 * 1024, 'loopback keeps sshd’s backlog under 1 MiB');
    assert.ok(windowLimitFor(20) > 2 * 1024 * 1024, 'at 20 ms it exceeds OpenSSH’s 2 MiB window, so it never binds');
    assert.ok(windowLimitFor(5) > windowLimitFor(1));
  });

  it('does not limit before a round trip is known', () => {
    assert.equal(windowLimitFor(Infinity), Infinity);
  });
});

describe('BacklogGate', () => {
  it('sends at once under the limit, queues over it, and keeps the order', () => {
    let backlog = 0;
    const gate = new BacklogGate(() => backlog, () => 100);
    const sent: string[] = [];
    gate.whenOpen(() => sent.push('a'));
    backlog = 150;
    gate.whenOpen(() => sent.push('b'));
    gate.whenOpen(() => sent.push('c'));
    assert.deepEqual(sent, ['a']);
    assert.equal(gate.openNow(), false);
    backlog = 90;
    // Nothing queued may be overtaken, even with room: 'd' goes after 'b' and 'c'.
    gate.whenOpen(() => sent.push('d'));
    assert.deepEqual(sent, ['a']);
    gate.release();
    assert.deepEqual(sent, ['a', 'b', 'c', 'd']);
  });

  it('stops releasing when a released send fills the backlog again', () => {
    let backlog = 200;
    const gate = new BacklogGate(() => backlog, () => 100);
    const sent: number[] = [];
    for (let i = 0; i < 3; i++) gate.whenOpen(() => {
      sent.push(i);
      backlog += 80;
    });
    backlog = 50;
    gate.release();
    assert.deepEqual(sent, [0], 'the first send took the backlog to 130: the rest wait');
    backlog = 0;
    gate.release();
    assert.deepEqual(sent, [0, 1, 2], 'each send is let through while the backlog is under the limit before it');
  });

  it('runs everything queued once closed (the sends then fail fast on their own)', async () => {
    const gate = new BacklogGate(() => 1_000, () => 10);
    const sent: number[] = [];
    gate.whenOpen(() => sent.push(1));
    const waited = gate.wait().then(() => sent.push(2));
    gate.close();
    await waited;
    assert.deepEqual(sent, [1, 2]);
    gate.whenOpen(() => sent.push(3));
    assert.deepEqual(sent, [1, 2, 3]);
  });
});

describe('channelWindowInUse', () => {
  // The shape of ssh2's Protocol: a handler table looked up on each message.
  const protocolWith = () => {
    const adjusts: Array<[number, number]> = [];
    const protocol = {
      _handlers: {
        CHANNEL_WINDOW_ADJUST: (_self: unknown, recipient: number, amount: number) => void adjusts.push([recipient, amount]),
      } as Record<string, unknown>,
    };
    const deliver = (recipient: number, amount: number) =>
      (protocol._handlers.CHANNEL_WINDOW_ADJUST as (self: unknown, recipient: number, amount: number) => void)(protocol, recipient, amount);
    return { protocol, adjusts, deliver };
  };

  it('counts sent-but-unacknowledged bytes and wakes on adjusts for its own channel only', () => {
    const { protocol, adjusts, deliver } = protocolWith();
    const channel = { incoming: { id: 7 }, outgoing: { window: 2_097_152 } };
    let woken = 0;
    const watch = channelWindowInUse(channel, protocol, () => (woken += 1));
    assert.ok(watch);
    assert.equal(watch.inUse(), 0);
    channel.outgoing.window -= 300_000; // ssh2 charges the window as it sends
    assert.equal(watch.inUse(), 300_000);
    deliver(3, 1000);
    assert.equal(woken, 0, 'another channel’s adjust');
    channel.outgoing.window += 200_000; // ssh2's own handler does this
    deliver(7, 200_000);
    assert.equal(woken, 1);
    assert.equal(watch.inUse(), 100_000);
    assert.deepEqual(adjusts, [[3, 1000], [7, 200_000]], 'ssh2’s handler still runs');
    watch.stop();
    deliver(7, 1);
    assert.equal(woken, 1);
    // The id comes back for a new channel (ssh2 reuses them): only the new watcher is woken.
    let wokenAgain = 0;
    const again = channelWindowInUse({ incoming: { id: 7 }, outgoing: { window: 2_097_152 } }, protocol, () => (wokenAgain += 1));
    deliver(7, 5);
    assert.equal(wokenAgain, 1);
    assert.equal(woken, 1);
    again?.stop();
  });

  it('gives up (null) when ssh2’s internals look different', () => {
    assert.equal(channelWindowInUse({ incoming: { id: 1 }, outgoing: { window: 10 } }, {}, () => undefined), null);
    assert.equal(channelWindowInUse({ outgoing: { window: 10 } }, protocolWith().protocol, () => undefined), null);
  });
});
