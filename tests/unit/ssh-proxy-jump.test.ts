import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../main/common/errors';
import { formatJumpHop, parseProxyJump, type JumpHop } from '../../main/ssh/proxy-jump';

describe('parseProxyJump', () => {
  const cases: [value: string, hops: JumpHop[], formatted: string[]][] = [
    ['none', [], []],
    ['NONE', [], []],
    ['', [], []],
    ['bastion', [{ host: 'bastion' }], ['bastion']],
    ['user@bastion', [{ user: 'user', host: 'bastion' }], ['user@bastion']],
    ['user@bastion:2200', [{ user: 'user', host: 'bastion', port: 2200 }], ['user@bastion:2200']],
    ['bastion:2200', [{ host: 'bastion', port: 2200 }], ['bastion:2200']],
    [
      'bastion,user@other:2200',
      [{ host: 'bastion' }, { user: 'user', host: 'other', port: 2200 }],
      ['bastion', 'user@other:2200'],
    ],
    [' a , b ', [{ host: 'a' }, { host: 'b' }], ['a', 'b']],
    ['[::1]:22', [{ host: '::1', port: 22 }], ['[::1]:22']],
    ['me@[fe80::1]:2222', [{ user: 'me', host: 'fe80::1', port: 2222 }], ['me@[fe80::1]:2222']],
    ['[::1]', [{ host: '::1' }], ['::1']],
    ['::1', [{ host: '::1' }], ['::1']],
    // The user is everything before the last "@", as in OpenSSH.
    ['me@corp.example@bastion:2200', [{ user: 'me@corp.example', host: 'bastion', port: 2200 }], ['me@corp.example@bastion:2200']],
    ['ssh://user@host:2222', [{ user: 'user', host: 'host', port: 2222 }], ['user@host:2222']],
    ['ssh://host', [{ host: 'host' }], ['host']],
    ['ssh://u@[::1]:2201/', [{ user: 'u', host: '::1', port: 2201 }], ['u@[::1]:2201']],
    ['ssh://u@h1:2200,u2@[::1]:2201,h3', [{ user: 'u', host: 'h1', port: 2200 }, { user: 'u2', host: '::1', port: 2201 }, { host: 'h3' }], ['u@h1:2200', 'u2@[::1]:2201', 'h3']],
  ];
  for (const [value, hops, formatted] of cases) {
    it(`${JSON.stringify(value)} → ${JSON.stringify(formatted)}`, () => {
      const parsed = parseProxyJump(value);
      assert.deepEqual(parsed, hops);
      assert.deepEqual(parsed.map(formatJumpHop), formatted);
    });
  }

  const invalid = ['bastion:0', 'bastion:65536', 'bastion:ssh', 'bastion:', '@bastion', 'user@', '[::1', '[::1]x', 'a,,b', 'ssh://host/path'];
  for (const value of invalid) {
    it(`refuses ${JSON.stringify(value)} with a bad-argument error naming the value`, () => {
      assert.throws(
        () => parseProxyJump(value),
        (error: unknown) => error instanceof ApiError && error.code === 'bad-argument' && error.message.includes(`"${value}"`),
      );
    });
  }
});
