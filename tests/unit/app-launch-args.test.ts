import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { folderFromArgv } from '../../main/app/launch-args';

const cwd = path.resolve('/home/ada/work');
const home = path.resolve('/home/ada');
const dev = { defaultApp: true, cwd, home };
const packaged = { defaultApp: false, cwd, home };

describe('folderFromArgv', () => {
  it('development: `electron . ~/proj` skips the app path', () => {
    assert.equal(folderFromArgv(['/x/electron', '.', '/data/proj'], dev), path.resolve('/data/proj'));
    assert.equal(folderFromArgv(['/x/electron', '.', 'proj'], dev), path.join(cwd, 'proj'));
    assert.equal(folderFromArgv(['/x/electron', 'out/main/index.js', '../other'], dev), path.resolve(cwd, '../other'));
  });

  it('development: no folder when only the app path is given', () => {
    assert.equal(folderFromArgv(['/x/electron', '.'], dev), null);
    assert.equal(folderFromArgv(['/x/electron'], dev), null);
  });

  it('packaged: the first positional argument', () => {
    assert.equal(folderFromArgv(['/opt/Labdesk/labdesk', '/data/proj'], packaged), path.resolve('/data/proj'));
    assert.equal(folderFromArgv(['/opt/Labdesk/labdesk'], packaged), null);
  });

  it('skips switches wherever they are (Chromium, Node, Playwright, macOS -psn)', () => {
    const argv = ['/x/electron', '--no-sandbox', '--inspect=0', '.', '--enable-logging', '/data/proj', '--trailing'];
    assert.equal(folderFromArgv(argv, dev), path.resolve('/data/proj'));
    assert.equal(folderFromArgv(['/A/Labdesk', '-psn_0_12345'], packaged), null);
    assert.equal(folderFromArgv(['/x/electron', '--inspect=0', '.'], dev), null);
  });

  it('expands ~ like a shell would when the argument arrives unexpanded', () => {
    assert.equal(folderFromArgv(['/x/electron', '.', '~/proj'], dev), path.join(home, 'proj'));
    assert.equal(folderFromArgv(['/x/electron', '.', '~'], dev), home);
    assert.equal(folderFromArgv(['/x/electron', '.', '~bob/proj'], dev), path.join(cwd, '~bob/proj'));
  });

  it('uses only the first folder', () => {
    assert.equal(folderFromArgv(['/x/labdesk', '/a', '/b'], packaged), path.resolve('/a'));
  });
});
