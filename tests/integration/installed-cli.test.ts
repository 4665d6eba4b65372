import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * The `labdesk` launcher the installers ship (build/cli/labdesk), in the layout a deb install
 * has: /usr/bin/labdesk → /opt/Labdesk/resources/bin/labdesk, the app binary next to
 * resources/, the CLI inside resources/app.asar. The app binary here is a stand-in that runs
 * Node when ELECTRON_RUN_AS_NODE=1, as Electron's does; app.asar is the repository itself (the
 * built out/cli with its node_modules), which is what Electron reads out of the archive.
 */
describe('the installed labdesk launcher', { skip: process.platform === 'win32' ? 'the sh launcher is for Linux and macOS' : false }, () => {
  let root: string;
  let usrBin: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'labdesk-installed-'));
    const app = path.join(root, 'opt', 'Labdesk');
    await mkdir(path.join(app, 'resources', 'bin'), { recursive: true });
    await writeFile(
      path.join(app, 'labdesk-desktop'),
      `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "opened the window instead of running as Node" >&2; exit 9; }\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
      { mode: 0o755 },
    );
    await symlink(REPO, path.join(app, 'resources', 'app.asar'));
    await copyFile(path.join(REPO, 'build', 'cli', 'labdesk'), path.join(app, 'resources', 'bin', 'labdesk'));
    await run('chmod', ['755', path.join(app, 'resources', 'bin', 'labdesk')]);
    usrBin = path.join(root, 'usr', 'bin');
    await mkdir(usrBin, { recursive: true });
    await symlink(path.join(app, 'resources', 'bin', 'labdesk'), path.join(usrBin, 'labdesk'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs the built CLI through the /usr/bin link with the app binary as Node', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    const { stdout } = await run(path.join(usrBin, 'labdesk'), ['--version']);
    assert.equal(stdout.trim(), version);
  });

  it('passes arguments through unchanged, and the exit status back', async () => {
    const failed = await run(path.join(usrBin, 'labdesk'), ['sync', path.join(root, 'no such folder'), 'ssh://u@127.0.0.1/srv/x']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(failed, 'a sync of a missing folder must fail');
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /no such folder does not exist/);
  });
});
