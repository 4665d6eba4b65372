import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../main/common/errors';
import { isRemoteInside, normaliseRemotePath, relativeToRemoteRoot, remoteChild } from '../../main/sftp/remote-path';
import { joinRelative, mirroredPath } from '../../main/explorer/remote-base';

describe('normaliseRemotePath', () => {
  for (const [raw, expected] of [
    ['/', '/'],
    ['//', '/'],
    ['/a//b/', '/a/b'],
    ['/a/./b/.', '/a/b'],
    ['/a/b/../c', '/a/c'],
    ['/../..', '/'],
    ['/a/b/../../..', '/'],
    ['/data/run 1/é 名前.txt', '/data/run 1/é 名前.txt'],
    ['/a/..b/c', '/a/..b/c'],
  ] as const) {
    it(`${JSON.stringify(raw)} → ${expected}`, () => assert.equal(normaliseRemotePath(raw), expected));
  }

  for (const [raw, why] of [
    ['relative/path', 'absolute'],
    ['', 'absolute'],
    ['~/x', 'absolute'],
    ['/a\0b', 'NUL'],
  ] as const) {
    it(`refuses ${JSON.stringify(raw)} naming the argument`, () => {
      assert.throws(
        () => normaliseRemotePath(raw, 'dir'),
        (error: unknown) => error instanceof ApiError && error.code === 'bad-argument' && error.argument === 'dir' && error.message.includes(why),
      );
    });
  }
});

describe('remote path relations', () => {
  it('joins children of the root and of folders', () => {
    assert.equal(remoteChild('/', 'a'), '/a');
    assert.equal(remoteChild('/a', 'b c'), '/a/b c');
  });

  it('tells inside from a sibling with a longer name', () => {
    assert.equal(isRemoteInside('/a', '/a'), true);
    assert.equal(isRemoteInside('/a', '/a/b'), true);
    assert.equal(isRemoteInside('/a', '/ab'), false);
    assert.equal(isRemoteInside('/', '/anything'), true);
  });

  it('maps paths strictly inside the remote root to sync paths', () => {
    assert.equal(relativeToRemoteRoot('/srv/proj/', '/srv/proj/configs/a.yaml'), 'configs/a.yaml');
    assert.equal(relativeToRemoteRoot('/srv/proj', '/srv/proj'), null);
    assert.equal(relativeToRemoteRoot('/srv/proj', '/srv/project/x'), null);
    assert.equal(relativeToRemoteRoot('/', '/etc/hosts'), 'etc/hosts');
  });

  it('finds the mirrored path only where sync keeps the same local file', () => {
    assert.equal(mirroredPath('/srv/proj', '/srv/proj/logs/a.log', 'logs/a.log'), 'logs/a.log');
    assert.equal(mirroredPath('/srv/proj', '/srv/proj/logs/a.log', 'downloads/a.log'), null);
    assert.equal(mirroredPath('/srv/proj', '/tmp/a.log', 'a.log'), null);
    assert.equal(joinRelative('', 'a'), 'a');
    assert.equal(joinRelative('d', 'a/b'), 'd/a/b');
  });
});
