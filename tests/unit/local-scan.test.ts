import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync } from 'node:fs';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadIgnoreRules } from '../../main/sync/local/ignore-rules';
import { caseCollisions, scanLocal, symlinkProblem, type LocalScan } from '../../main/sync/local/local-scan';
import { TempDirs, isRoot, writeTree } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

describe('symlinkProblem', () => {
  const table: [link: string, target: string, reason: string | null][] = [
    ['latest', 'ckpt/best.pt', null],
    ['a/b/link', '../../train.py', null],
    ['a/link', '..', null],
    ['self', '.', null],
    ['a/link', 'x/../../y', null],
    ['up', '../outside', 'symlink-outside-root'],
    ['a/b/link', '../../../x', 'symlink-outside-root'],
    ['a/link', 'x/../../../y', 'symlink-outside-root'],
    ['data', '/scratch/me/data', 'symlink-absolute'],
    ['data', '/', 'symlink-absolute'],
  ];
  for (const [link, target, reason] of table) {
    it(`${link} → ${target}: ${reason ?? 'kept'}`, () => assert.equal(symlinkProblem(link, target)?.reason ?? null, reason));
  }
});

describe('caseCollisions', () => {
  it('groups names equal up to case and Unicode normalization', () => {
    const found = caseCollisions(['Model.py', 'model.py', 'MODEL.PY', 'train.py', 'caf\u00e9', 'cafe\u0301', 'a', 'b']);
    assert.deepEqual(found.get('model.py'), ['Model.py', 'MODEL.PY']);
    assert.deepEqual(found.get('caf\u00e9'), ['cafe\u0301']);
    assert.equal(found.has('train.py'), false);
    assert.equal(found.size, 5);
  });
});

describe('scanLocal', () => {
  const temp = new TempDirs();
  let base: string;
  let root: string;
  let scan: LocalScan;
  let socket: net.Server | undefined;

  before(async () => {
    base = await temp.make('labdesk-scan-');
    root = path.join(base, 'project');
    await writeTree(path.join(base, 'outside'), { 'big.bin': 'x' });
    await writeTree(root, {
      'train.py': 'print(1)\n',
      'run.sh': '#!/bin/sh\necho hi\n',
      'secret.key': 'k',
      'src/model.py': 'class M: ...\n',
      'src/utils/io.py': '',
      'empty': { dir: true },
      'données/été 2024.csv': 'a,b\n',
      'with space/file name.txt': '',
      'emoji 🚀.md': '',
      'ckpt/best.pt': 'weights',
      // Symlinks: relative inside the root are kept; absolute or escaping ones are skipped.
      latest: { link: 'ckpt/best.pt' },
      'src/train-link.py': { link: '../train.py' },
      'srclink': { link: 'src' },
      dangling: { link: 'not-there-yet.txt' },
      self: { link: '.' },
      data: { link: path.join(base, 'outside') },
      up: { link: '../outside' },
      'src/escape': { link: '../../outside/big.bin' },
      // Two names that would be one file on macOS or Windows.
      'Model.py': 'A',
      'model.py': 'a',
      'Results/a.txt': '',
      'results/b.txt': '',
      'caf\u00e9.txt': '',
      'cafe\u0301.txt': '',
      // Ignored: not listed, not entered.
      '.gitignore': '*.log\nbuild/\n',
      'debug.log': '',
      'build/out/x.o': '',
      '__pycache__/m.pyc': '',
      '.git/HEAD': 'ref: refs/heads/main\n',
    });
    await chmod(path.join(root, 'run.sh'), 0o755);
    await chmod(path.join(root, 'secret.key'), 0o600);
    await chmod(path.join(root, 'empty'), 0o700);
    await execFileAsync('mkfifo', [path.join(root, 'pipe')]);
    socket = net.createServer();
    await new Promise<void>((resolve) => socket?.listen(path.join(root, 'agent.sock'), resolve));
    scan = await scanLocal(root, { ignore: await loadIgnoreRules(root) });
  });
  after(async () => {
    await new Promise((resolve) => (socket ? socket.close(resolve) : resolve(undefined)));
    await temp.cleanup();
  });

  const kinds = () => Object.fromEntries(scan.entries.map((entry) => [entry.path, entry.kind]));
  const skips = () => Object.fromEntries(scan.skipped.map((skip) => [skip.path, skip.reason]));

  it('lists files, folders and kept links as sorted POSIX paths', () => {
    assert.deepEqual(kinds(), {
      '.gitignore': 'file',
      ckpt: 'dir',
      'ckpt/best.pt': 'file',
      dangling: 'symlink',
      'données': 'dir',
      'données/été 2024.csv': 'file',
      'emoji 🚀.md': 'file',
      empty: 'dir',
      latest: 'symlink',
      'run.sh': 'file',
      'secret.key': 'file',
      self: 'symlink',
      src: 'dir',
      'src/model.py': 'file',
      'src/train-link.py': 'symlink',
      'src/utils': 'dir',
      'src/utils/io.py': 'file',
      srclink: 'symlink',
      'train.py': 'file',
      'with space': 'dir',
      'with space/file name.txt': 'file',
    });
    const paths = scan.entries.map((entry) => entry.path);
    assert.deepEqual([...paths].sort(), paths);
  });

  it('skips what cannot be synced, each with its reason', () => {
    assert.deepEqual(skips(), {
      'Model.py': 'case-collision',
      'Results': 'case-collision',
      'agent.sock': 'special-file',
      'caf\u00e9.txt': 'case-collision',
      'cafe\u0301.txt': 'case-collision',
      data: 'symlink-absolute',
      'model.py': 'case-collision',
      pipe: 'special-file',
      results: 'case-collision',
      'src/escape': 'symlink-outside-root',
      up: 'symlink-outside-root',
    });
  });

  it('a case collision names both files and is not entered when it is a folder', () => {
    const detail = scan.skipped.find((skip) => skip.path === 'model.py')?.detail ?? '';
    assert.match(detail, /"model\.py" and "Model\.py" in the project root differ only by case/);
    assert.ok(!scan.entries.some((entry) => entry.path.toLowerCase().startsWith('results/')));
  });

  it('keeps link text, and never enters a linked folder', () => {
    const link = (name: string) => scan.entries.find((entry) => entry.path === name)?.linkTarget;
    assert.equal(link('latest'), 'ckpt/best.pt');
    assert.equal(link('src/train-link.py'), '../train.py');
    assert.equal(link('srclink'), 'src');
    assert.ok(!scan.entries.some((entry) => entry.path.startsWith('srclink/') || entry.path.startsWith('data/')));
    assert.match(scan.skipped.find((skip) => skip.path === 'data')?.detail ?? '', /absolute path .*outside/);
  });

  it('records lstat mode bits, size and mtime', async () => {
    const entry = (name: string) => scan.entries.find((candidate) => candidate.path === name);
    assert.equal(entry('run.sh')?.mode, 0o755);
    assert.equal(entry('secret.key')?.mode, 0o600);
    assert.equal(entry('empty')?.mode, 0o700);
    const stats = await lstat(path.join(root, 'train.py'));
    assert.deepEqual(entry('train.py'), { path: 'train.py', kind: 'file', size: 9, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777 });
    const linkStats = await lstat(path.join(root, 'latest'));
    assert.equal(entry('latest')?.mtimeMs, linkStats.mtimeMs, 'the link itself, not its target');
  });

  it('a missing root, or a file as root, is a clear error', async () => {
    const ignore = await loadIgnoreRules(base);
    await assert.rejects(scanLocal(path.join(base, 'nope'), { ignore }), { code: 'not-found', message: /nope: does not exist/ });
    await assert.rejects(scanLocal(path.join(root, 'train.py'), { ignore }), { code: 'not-a-directory' });
  });

  it('an aborted signal stops the scan', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(scanLocal(root, { ignore: await loadIgnoreRules(root), signal: controller.signal }), { name: 'AbortError' });
  });

  it('an unreadable folder fails the scan, naming it', async (t) => {
    // Root reads a chmod 000 folder through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so as root
    // the scan runs in a child process that lacks those two, for which the mode counts.
    const problem = isRoot ? await cannotDropDacCapabilities() : null;
    if (problem !== null) return t.skip(problem);
    const locked = path.join(base, 'locked-project');
    await mkdir(path.join(locked, 'private'), { recursive: true });
    await chmod(path.join(locked, 'private'), 0o000);
    try {
      const scanned = isRoot ? scanWithoutDacCapabilities(locked) : scanLocal(locked, { ignore: await loadIgnoreRules(locked) });
      await assert.rejects(scanned, { code: 'permission-denied', message: /private/ });
    } finally {
      await chmod(path.join(locked, 'private'), 0o755);
    }
  });
});

/** setpriv arguments that take the capabilities to pass file modes away from the command. */
const WITHOUT_DAC = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', '--'];

/** Null if setpriv (util-linux) can run a command without the file-mode capabilities here, else why not. */
async function cannotDropDacCapabilities(): Promise<string | null> {
  if (process.platform !== 'linux') return `setpriv is Linux only (this is ${process.platform})`;
  try {
    await execFileAsync('setpriv', [...WITHOUT_DAC, 'true']);
    return null;
  } catch (error) {
    const { code, stderr } = error as { code?: string | number; stderr?: string };
    return code === 'ENOENT' ? 'setpriv (util-linux) is not installed' : `setpriv cannot drop capabilities here: ${stderr?.trim() || String(error)}`;
  }
}

// The child imports the modules this file imports (by file URL, so cwd does not matter; tsx
// compiles them there too). A wrong path fails the test: the child then exits with an error
// that is not permission-denied.
const CHILD_SCAN = `
const [scanModule, ignoreModule, root] = process.argv.slice(1);
const { scanLocal } = await import(scanModule);
const { loadIgnoreRules } = await import(ignoreModule);
try {
  const scan = await scanLocal(root, { ignore: await loadIgnoreRules(root) });
  console.log(JSON.stringify({ entries: scan.entries.length }));
} catch (error) {
  console.log(JSON.stringify({ error: { code: error.code, message: error.message } }));
}`;

/** scanLocal(root) in a child process without the file-mode capabilities; rejects with the child's error (its code and message). */
async function scanWithoutDacCapabilities(root: string): Promise<number> {
  const modules = ['../../main/sync/local/local-scan', '../../main/sync/local/ignore-rules'].map((file) => new URL(file, import.meta.url).href);
  const { stdout } = await execFileAsync('setpriv', [...WITHOUT_DAC, process.execPath, '--import', 'tsx', '--input-type=module', '-e', CHILD_SCAN, ...modules, root]);
  const outcome = JSON.parse(stdout) as { entries: number } | { error: { code?: string; message: string } };
  if ('error' in outcome) throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
  return outcome.entries;
}

describe('scanLocal on 10,000 files', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('is fast', async () => {
    const root = await temp.make('labdesk-scan-10k-');
    for (let folder = 0; folder < 100; folder++) {
      const dir = path.join(root, `pkg${String(folder).padStart(2, '0')}`);
      mkdirSync(dir);
      // Hard links to one empty file: each is a directory entry the scan must lstat.
      const first = path.join(dir, 'm00.py');
      closeSync(openSync(first, 'w'));
      for (let file = 1; file < 100; file++) linkSync(first, path.join(dir, `m${String(file).padStart(2, '0')}.py`));
    }
    const ignore = await loadIgnoreRules(root);
    const timed = async () => {
      const started = performance.now();
      const scan = await scanLocal(root, { ignore });
      return { scan, ms: performance.now() - started };
    };
    const first = await timed();
    const second = await timed();
    console.log(`  scanLocal on 10,000 files in 100 folders: ${first.ms.toFixed(0)} ms (first), ${second.ms.toFixed(0)} ms (again)`);
    assert.equal(first.scan.entries.length, 10_100);
    assert.equal(first.scan.skipped.length, 0);
    assert.deepEqual(second.scan, first.scan);
    // Generous: CI machines are shared. The printed time is the number to watch.
    assert.ok(first.ms < 5_000, `took ${first.ms.toFixed(0)} ms`);
  });
});
