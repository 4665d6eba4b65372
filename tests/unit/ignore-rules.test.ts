import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_IGNORE_PATTERNS, loadIgnoreRules, rebaseIgnorePattern, type IgnoreRules } from '../../main/sync/local/ignore-rules';
import { TempDirs, writeTree } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

/** Real git, with no user-wide excludes file leaking into the comparison. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['-c', 'core.excludesFile=/dev/null', '-c', 'user.email=a@b', '-c', 'user.name=t', ...args], { cwd });
  return stdout;
}

/** Commits exactly these files (`-f`: even where .gitignore matches them); the rest stays untracked. */
async function commit(repo: string, files: string[]): Promise<void> {
  await git(repo, 'add', '-f', '--', ...files);
  await git(repo, 'commit', '-q', '-m', 'files');
}

describe('rebaseIgnorePattern', () => {
  const table: [pattern: string, dir: string, expected: string][] = [
    ['*.log', '', '*.log'],
    ['*.log', 'src', 'src/**/*.log'],
    ['build/', 'src', 'src/**/build/'],
    ['/only-here.txt', 'src', 'src/only-here.txt'],
    ['gen/out', 'src', 'src/gen/out'],
    ['**/cache', 'src/a', 'src/a/**/cache'],
    ['!keep.log', 'src', '!src/**/keep.log'],
    ['!/keep.log', 'src', '!src/keep.log'],
    ['\\!bang', 'src', 'src/**/\\!bang'],
    ['trailing/   ', 'src', 'src/**/trailing/   '],
  ];
  for (const [pattern, dir, expected] of table) {
    it(`${JSON.stringify(pattern)} in ${JSON.stringify(dir)} → ${expected}`, () => assert.equal(rebaseIgnorePattern(pattern, dir), expected));
  }
});

describe('loadIgnoreRules in a real git repository', () => {
  const temp = new TempDirs();
  let repo: string;
  let rules: IgnoreRules;

  before(async () => {
    repo = await temp.make('labdesk-ignore-');
    await git(repo, 'init', '-q');
    await writeTree(repo, {
      '.gitignore': '# comment\n*.log\n!keep.log\nbuild/\n/secret.txt\ncheckpoints/\nconfigs/local.yaml\n',
      'train.py': 'print(1)\n',
      'debug.log': '',
      'keep.log': '',
      'BIG.LOG': '',
      'secret.txt': '',
      'build/out.o': '',
      'src/build': 'a file named build, not a folder\n',
      'src/secret.txt': '',
      'src/.gitignore': 'generated/\n*.tmp\n!important.tmp\n/only-here.txt\n',
      'src/generated/x.py': '',
      'src/a.tmp': '',
      'src/important.tmp': '',
      'src/only-here.txt': '',
      'src/deeper/only-here.txt': '',
      'src/deeper/b.tmp': '',
      'other/a.tmp': '',
      // Committed configs that .gitignore matches: git tracks them, so they sync.
      'configs/local.yaml': 'lr: 0.1\n',
      'configs/base.yaml': '',
      'checkpoints/best/config.json': '{}\n',
      'checkpoints/best/model.pt': '',
      'checkpoints/other.bin': '',
      // Tracked, but defaults still apply.
      'src/__pycache__/m.cpython-312.pyc': '',
      'node_modules/x/index.js': '',
      '.labdesk/state/target.json': '{}',
      '.labdeskignore': 'data/\n*.ckpt\n',
      'data/shard.bin': '',
      'model.ckpt': '',
      'nested/.labdeskignore': 'scratch/\n',
      'nested/scratch/tmp.txt': '',
      'nested/kept.txt': '',
      'notes.bak': '',
      'keep.bak': '',
      'tracked.bak': '',
    });
    await commit(repo, [
      '.gitignore',
      'train.py',
      'configs/base.yaml',
      'configs/local.yaml',
      'checkpoints/best/config.json',
      'src/__pycache__/m.cpython-312.pyc',
      'tracked.bak',
    ]);
    rules = await loadIgnoreRules(repo, { extraPatterns: ['*.bak', '!keep.bak'] });
  });
  after(() => temp.cleanup());

  const cases: [path: string, isDir: boolean, ignored: boolean, why: string][] = [
    ['train.py', false, false, 'plain file'],
    ['debug.log', false, true, '*.log'],
    ['keep.log', false, false, 'negation !keep.log'],
    ['BIG.LOG', false, false, 'case matters (ignorecase: false)'],
    ['secret.txt', false, true, 'anchored /secret.txt'],
    ['src/secret.txt', false, false, 'anchored pattern does not reach src/'],
    ['build', true, true, 'dir-only build/'],
    ['build/out.o', false, true, 'inside an ignored folder'],
    ['src/build', false, false, 'a file is not matched by build/'],
    ['src/generated', true, true, 'nested .gitignore generated/'],
    ['src/generated/x.py', false, true, 'inside a nested-ignored folder'],
    ['src/a.tmp', false, true, 'nested *.tmp'],
    ['src/deeper/b.tmp', false, true, 'nested *.tmp applies below its folder'],
    ['src/important.tmp', false, false, 'nested negation'],
    ['src/only-here.txt', false, true, 'nested anchored /only-here.txt'],
    ['src/deeper/only-here.txt', false, false, 'nested anchor is its own folder only'],
    ['other/a.tmp', false, false, 'src/.gitignore does not apply to other/'],
    ['configs/local.yaml', false, false, 'tracked file matched by .gitignore'],
    ['configs/base.yaml', false, false, 'plain file'],
    ['checkpoints', true, false, 'ignored folder that holds a tracked file'],
    ['checkpoints/best', true, false, 'parent of a tracked file'],
    ['checkpoints/best/config.json', false, false, 'tracked'],
    ['checkpoints/best/model.pt', false, true, 'untracked inside an ignored folder'],
    ['checkpoints/other.bin', false, true, 'untracked inside an ignored folder'],
    ['.git', true, true, 'default'],
    ['.git/HEAD', false, true, 'default'],
    ['.labdesk', true, true, 'default'],
    ['src/__pycache__', true, true, 'default, even with a tracked file inside'],
    ['src/__pycache__/m.cpython-312.pyc', false, true, 'default beats tracked'],
    ['x.pyc', false, true, 'default *.pyc'],
    ['node_modules', true, true, 'default'],
    ['.model.py.labdesk-tmp-0a1b2c', false, true, 'a save in flight'],
    ['data', true, true, '.labdeskignore data/'],
    ['data/shard.bin', false, true, 'inside'],
    ['model.ckpt', false, true, '.labdeskignore *.ckpt'],
    ['nested/scratch', true, true, 'nested .labdeskignore'],
    ['nested/kept.txt', false, false, 'plain file'],
    ['notes.bak', false, true, 'project settings *.bak'],
    ['keep.bak', false, false, 'project settings !keep.bak'],
    ['tracked.bak', false, false, 'tracked beats project settings'],
    ['', true, false, 'the root is never ignored'],
  ];
  for (const [file, isDir, ignored, why] of cases) {
    it(`${file || '(root)'}${isDir ? '/' : ''} is ${ignored ? '' : 'not '}ignored: ${why}`, () => {
      assert.equal(rules.isIgnored(file, isDir), ignored);
      assert.equal(rules.explain(file, isDir) !== null, ignored, 'explain agrees with isIgnored');
    });
  }

  it('knows what git tracks, relative to the root', () => {
    assert.ok(rules.tracked?.has('configs/local.yaml'));
    assert.ok(rules.tracked?.has('train.py'));
    assert.ok(!rules.tracked?.has('notes.bak'));
    assert.deepEqual(rules.warnings, []);
  });

  it('reads the ignore files of every level, not those inside ignored folders', () => {
    assert.deepEqual([...rules.files].sort(), ['.gitignore', '.labdeskignore', 'nested/.labdeskignore', 'src/.gitignore']);
  });

  it('explain names the rule, its file and line, like git check-ignore -v', async () => {
    assert.deepEqual(rules.explain('debug.log', false), { pattern: '*.log', source: '.gitignore', line: 2 });
    assert.deepEqual(rules.explain('build/out.o', false), { pattern: 'build/', source: '.gitignore', line: 4 });
    assert.deepEqual(rules.explain('src/deeper/b.tmp', false), { pattern: '*.tmp', source: 'src/.gitignore', line: 2 });
    assert.deepEqual(rules.explain('model.ckpt', false), { pattern: '*.ckpt', source: '.labdeskignore', line: 2 });
    assert.deepEqual(rules.explain('notes.bak', false), { pattern: '*.bak', source: 'project settings', line: null });
    assert.deepEqual(rules.explain('src/__pycache__', true), { pattern: '__pycache__/', source: 'Labdesk defaults', line: null });
    assert.equal(rules.explain('configs/local.yaml', false), null);
    // git agrees on the .gitignore ones.
    const verbose = await git(repo, 'check-ignore', '-v', '--no-index', 'src/deeper/b.tmp');
    assert.match(verbose, /^src\/\.gitignore:2:\*\.tmp\t/);
  });

  it('exports the defaults', () => {
    for (const pattern of ['.labdesk/', '__pycache__/', '*.pyc', 'node_modules/']) assert.ok(DEFAULT_IGNORE_PATTERNS.includes(pattern), pattern);
    assert.ok(DEFAULT_IGNORE_PATTERNS.some((pattern) => pattern.startsWith('.git')));
  });
});

describe('loadIgnoreRules agrees with git on every untracked file', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('a tree of tricky patterns: same verdict as git ls-files --others --ignored', async () => {
    const repo = await temp.make('labdesk-ignore-git-');
    await git(repo, 'init', '-q');
    await writeTree(repo, {
      '.gitignore': ['*', '!*/', '!*.py', '!*.md', 'docs/**/*.md', '!docs/keep/**', 'a/**/b', 'x?.txt', '[ab].cfg', 'logs', '!logs/'].join('\n'),
      'root.py': '',
      'root.txt': '',
      'README.md': '',
      'docs/intro.md': '',
      'docs/deep/more.md': '',
      'docs/keep/page.md': '',
      'a/b': '',
      'a/q/r/b': '',
      'a/c.py': '',
      'x1.txt': '',
      'xx1.txt': '',
      'a.cfg': '',
      'c.cfg': '',
      'logs/run.py': '',
      'logs/run.txt': '',
      'pkg/.gitignore': '!*.txt\n/local.py\nsub/\n',
      'pkg/notes.txt': '',
      'pkg/local.py': '',
      'pkg/deep/local.py': '',
      'pkg/sub/file.py': '',
      'pkg/deep/sub': 'a file, so sub/ does not match it',
      'spaced name.py': '',
      'ünïcode.py': '',
    });
    // Nothing is tracked, so every file is decided by the ignore files alone.
    const rules = await loadIgnoreRules(repo);
    assert.deepEqual(rules.tracked ? [...rules.tracked] : null, []);
    const gitIgnored = new Set((await git(repo, 'ls-files', '-z', '--others', '--ignored', '--exclude-standard')).split('\0').filter(Boolean));
    const visible = (await git(repo, 'ls-files', '-z', '--others', '--exclude-standard')).split('\0').filter(Boolean);
    assert.ok(gitIgnored.size > 5 && visible.length > 5, `a mix of both (${gitIgnored.size} ignored, ${visible.length} visible)`);
    for (const file of gitIgnored) assert.equal(rules.isIgnored(file, false), true, `git ignores ${file}`);
    for (const file of visible) assert.equal(rules.isIgnored(file, false), false, `git keeps ${file}`);
  });
});

describe('loadIgnoreRules outside git, and in a subfolder of a repository', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('a folder outside any repository just has no tracked set', async () => {
    const root = await temp.make('labdesk-ignore-plain-');
    await assert.rejects(git(root, 'rev-parse', '--show-toplevel'), 'the temp dir must not be inside a repository');
    await writeTree(root, { '.gitignore': '*.log\n', 'a.log': '', 'a.py': '', '__pycache__/x.pyc': '' });
    const rules = await loadIgnoreRules(root, { extraPatterns: ['secret/'] });
    assert.equal(rules.tracked, null);
    assert.deepEqual(rules.warnings, []);
    assert.equal(rules.isIgnored('a.log', false), true);
    assert.equal(rules.isIgnored('a.py', false), false);
    assert.equal(rules.isIgnored('__pycache__', true), true);
    assert.equal(rules.isIgnored('secret', true), true);
  });

  it('a root inside a repo: tracked paths are relative to the root and the .gitignore files above apply', async () => {
    const repo = await temp.make('labdesk-ignore-sub-');
    await git(repo, 'init', '-q');
    await writeTree(repo, {
      '.gitignore': '*.log\n/project/outputs/\n/elsewhere.txt\n',
      'lab/.gitignore': '*.tmp\n',
      'lab/project/.gitignore': 'wandb/\n',
      'lab/project/train.py': '',
      'lab/project/train.log': '',
      'lab/project/configs/run.log': 'tracked\n',
      'lab/project/wandb/run-1/files.txt': '',
      'lab/project/a.tmp': '',
      'lab/project/outputs/o.txt': '',
      'other.py': '',
    });
    await commit(repo, ['.gitignore', 'lab/project/train.py', 'lab/project/configs/run.log']);
    const root = path.join(repo, 'lab', 'project');
    const rules = await loadIgnoreRules(root);
    assert.ok(rules.tracked?.has('configs/run.log'), `tracked paths are root-relative: ${[...(rules.tracked ?? [])].join(', ')}`);
    assert.ok(rules.tracked?.has('train.py'));
    assert.ok(![...(rules.tracked ?? [])].some((file) => file.includes('other.py')), 'nothing from outside the root');
    assert.equal(rules.isIgnored('configs/run.log', false), false, 'tracked');
    assert.equal(rules.isIgnored('train.log', false), true, 'from the repo-level .gitignore');
    assert.deepEqual(rules.explain('train.log', false), { pattern: '*.log', source: '../../.gitignore', line: 1 });
    assert.equal(rules.isIgnored('a.tmp', false), true, 'from lab/.gitignore');
    assert.equal(rules.isIgnored('wandb', true), true, "from the root's own .gitignore");
    // An anchored pattern above the root is anchored where it was written: /project/outputs/
    // is <top>/project/outputs, not <top>/lab/project/outputs.
    assert.equal(rules.isIgnored('outputs', true), false);
    assert.equal(rules.isIgnored('train.py', false), false);
  });

  it('a root inside a folder the repo ignores: the files above are not applied, with a warning', async () => {
    const repo = await temp.make('labdesk-ignore-scratch-');
    await git(repo, 'init', '-q');
    await writeTree(repo, { '.gitignore': 'scratch/\n*.py\n', 'scratch/exp/run.py': '', 'scratch/exp/.gitignore': '*.out\n', 'scratch/exp/x.out': '' });
    const rules = await loadIgnoreRules(path.join(repo, 'scratch', 'exp'));
    assert.equal(rules.isIgnored('run.py', false), false);
    assert.equal(rules.isIgnored('x.out', false), true);
    assert.match(rules.warnings.join('\n'), /inside a folder git ignores \(scratch\/ in \.\.\/\.\.\/\.gitignore\)/);
  });
});
