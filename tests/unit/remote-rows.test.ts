import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemoteEntry } from '../../preload/api';
import { entryLabel, isExpandable, joinRemote, mirroredPath, normalizeRemote, remoteParent, visibleRemoteRows } from '../../renderer/src/remote/remote-rows';

const entry = (path: string, kind: RemoteEntry['kind'], extra: Partial<RemoteEntry> = {}): RemoteEntry => ({
  path,
  name: path.slice(path.lastIndexOf('/') + 1),
  kind,
  size: 0,
  mtimeMs: 0,
  mode: 0o644,
  ...extra,
});

describe('remote explorer rows (renderer, pure)', () => {
  it('normalises server paths without climbing above /', () => {
    assert.equal(normalizeRemote('/srv//proj/./a/../b'), '/srv/proj/b');
    assert.equal(normalizeRemote('/../..'), '/');
    assert.equal(joinRemote('/srv/proj', 'logs/x.txt'), '/srv/proj/logs/x.txt');
    assert.equal(joinRemote('/', 'etc'), '/etc');
    assert.equal(joinRemote('/srv', '/abs/other'), '/abs/other');
    assert.equal(remoteParent('/srv'), '/');
    assert.equal(remoteParent('/srv/proj/a'), '/srv/proj');
  });

  it('maps a server path to the project folder that mirrors it, or null outside the root', () => {
    assert.equal(mirroredPath('/srv/proj', '/srv/proj/logs/a.txt'), 'logs/a.txt');
    assert.equal(mirroredPath('/srv/proj/', '/srv/proj'), '');
    assert.equal(mirroredPath('/srv/proj', '/srv/project2/a'), null, 'a sibling with the same prefix is outside');
    assert.equal(mirroredPath('/', '/etc/hosts'), 'etc/hosts');
  });

  it('links to folders expand; broken links say so in their accessible name', () => {
    assert.equal(isExpandable(entry('/p/data', 'symlink', { linkTarget: '/mnt/data', linkKind: 'dir' })), true);
    assert.equal(isExpandable(entry('/p/f', 'symlink', { linkTarget: 'x', linkKind: 'file' })), false);
    assert.equal(entryLabel(entry('/p/data', 'symlink', { linkTarget: '/mnt/data', linkKind: 'dir' })), 'data, symbolic link to /mnt/data');
    assert.equal(entryLabel(entry('/p/gone', 'symlink', { linkTarget: 'nowhere', linkKind: null })), 'gone, broken symbolic link to nowhere');
  });

  it('flattens only expanded folders, depth-first, with positions for aria-posinset', () => {
    const rows = visibleRemoteRows({
      root: '/p',
      listings: {
        '/p': [entry('/p/a', 'dir'), entry('/p/loop', 'symlink', { linkTarget: '.', linkKind: 'dir' }), entry('/p/z.txt', 'file')],
        '/p/a': [entry('/p/a/b.txt', 'file')],
        '/p/loop': [entry('/p/loop/a', 'dir')],
      },
      expanded: { '/p/a': true },
    });
    assert.deepEqual(
      rows.map((row) => [row.entry.path, row.depth, row.position, row.siblings]),
      [
        ['/p/a', 0, 1, 3],
        ['/p/a/b.txt', 1, 1, 1],
        ['/p/loop', 0, 2, 3],
        ['/p/z.txt', 0, 3, 3],
      ],
    );
  });
});
