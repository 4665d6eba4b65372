import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { GitStatus, LabdeskEvents } from '../../preload/api';
import { ApiError, EventBus, TaskRegistry } from '../../main/common';
import { GitService } from '../../main/git';
import { ScriptedRepo } from '../fixtures/git-repos';
import { TempDirs, waitFor, writeTree } from '../fixtures/temp-project';

const temp = new TempDirs();
/** Every service made here; each watches its .git once the graph is open, so each is closed. */
const services: GitService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
});
after(() => temp.cleanup());

/** A repository with one commit of three files, its own identity, and a service on it. */
async function setUp(): Promise<{ repo: ScriptedRepo; service: GitService; root: string; events: string[] }> {
  const root = await temp.make('labdesk-git-service-');
  const repo = ScriptedRepo.init(root);
  repo.git('config', 'user.name', 'Grace Hopper');
  repo.git('config', 'user.email', 'grace@example.com');
  await writeTree(root, { 'train.py': lines(20), 'configs/base.yaml': 'lr: 0.1\n', 'README.md': '# demo\n', '.gitignore': '.labdesk/state/\n' });
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'first');
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((event, payload) => events.push(event === 'git.changed' ? `changed:${(payload as LabdeskEvents['git.changed']).reason}` : event));
  const service = new GitService(bus, new TaskRegistry(bus));
  services.push(service);
  await service.setRoot(root);
  return { repo, service, root, events };
}

const lines = (count: number, change: Record<number, string> = {}) => Array.from({ length: count }, (_, i) => change[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';
const paths = (files: readonly { path: string }[]) => files.map((file) => file.path).sort();
function repoStatus(status: GitStatus) {
  assert.ok(status.repository);
  return status;
}
async function refused(promise: Promise<unknown>, code: string, words: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, words);
    return true;
  });
}

describe('GitService against real repositories', () => {
  let repo: ScriptedRepo;
  let service: GitService;
  let root: string;
  let events: string[];
  beforeEach(async () => {
    ({ repo, service, root, events } = await setUp());
  });

  it('lists staged, unstaged, untracked and renamed files, and stages and unstages them', async () => {
    await writeFile(path.join(root, 'train.py'), lines(20, { 3: 'changed' }));
    await writeFile(path.join(root, 'notes.md'), 'new\n');
    repo.git('mv', 'README.md', 'READ.md');
    let status = repoStatus(await service.status());
    assert.equal(status.branch, 'main');
    assert.deepEqual(paths(status.unstaged), ['train.py']);
    assert.deepEqual(paths(status.untracked), ['notes.md']);
    assert.deepEqual(status.staged, [{ path: 'READ.md', kind: 'renamed', oldPath: 'README.md' }]);

    status = repoStatus(await service.stage({ paths: ['train.py', 'notes.md'] }.paths));
    assert.deepEqual(paths(status.staged), ['READ.md', 'notes.md', 'train.py']);
    assert.deepEqual(status.unstaged, []);
    status = repoStatus(await service.unstage(['notes.md']));
    assert.deepEqual(paths(status.untracked), ['notes.md']);
    assert.ok(events.includes('changed:action'));
  });

  it('stages one changed line of a file and unstages it again, leaving the working tree alone', async () => {
    const edited = lines(20, { 2: 'two', 18: 'eighteen' });
    await writeFile(path.join(root, 'train.py'), edited);
    // Only line 18 (removed "line 18", added "eighteen").
    let status = repoStatus(await service.stageLines('train.py', false, { oldLines: [[18, 18]], newLines: [[18, 18]] }));
    assert.deepEqual(paths(status.staged), ['train.py']);
    assert.deepEqual(paths(status.unstaged), ['train.py']);
    assert.equal(repo.git('show', ':train.py') + '\n', lines(20, { 18: 'eighteen' }));
    assert.equal(await readFile(path.join(root, 'train.py'), 'utf8'), edited);
    status = repoStatus(await service.stageLines('train.py', true, { oldLines: [[18, 18]], newLines: [[18, 18]] }));
    assert.deepEqual(status.staged, []);
    assert.equal(repo.git('show', ':train.py') + '\n', lines(20));
    await refused(service.stageLines('train.py', false, { oldLines: [[10, 10]], newLines: [[10, 10]] }), 'bad-argument', /None of the chosen lines is a change/);
    await writeFile(path.join(root, 'new.py'), 'x\n');
    await refused(service.stageLines('new.py', false, { oldLines: [], newLines: [[1, 1]] }), 'git-refused', /not tracked yet/);
  });

  it('commits, amends, and refuses an empty message and an empty commit in words', async () => {
    await refused(service.commit('  ', false), 'bad-argument', /Write a commit message/);
    await refused(service.commit('nothing staged', false), 'git-refused', /nothing (added )?to commit|no changes added/);
    await writeFile(path.join(root, 'train.py'), lines(21));
    await service.stage(['train.py']);
    const { oid } = await service.commit('Add a line\n\nBody text.', false);
    assert.equal(repo.head(), oid);
    assert.equal(await service.lastMessage(), 'Add a line\n\nBody text.');
    const amended = await service.commit('Add line 21', true);
    assert.notEqual(amended.oid, oid);
    assert.equal(repo.git('rev-list', '--count', 'HEAD'), '2');
    const details = await service.commitDetails(amended.oid);
    assert.equal(details.message, 'Add line 21');
    assert.equal(details.author.name, 'Grace Hopper');
    assert.deepEqual(details.files, [{ path: 'train.py', kind: 'modified', additions: 1, deletions: 0 }]);
  });

  it('commits on a detached HEAD', async () => {
    repo.git('checkout', '-q', '--detach');
    await writeFile(path.join(root, 'README.md'), '# detached\n');
    await service.stage(['README.md']);
    const { oid } = await service.commit('On a detached HEAD', false);
    const status = repoStatus(await service.status());
    assert.equal(status.branch, null);
    assert.equal(status.head, oid);
  });

  it('discards changes with a copy kept, and undoes the discard', async () => {
    await writeFile(path.join(root, 'train.py'), 'my precious edit\n');
    await writeFile(path.join(root, 'scratch.txt'), 'untracked work\n');
    const result = await service.discard(['train.py', 'scratch.txt']);
    assert.equal(result.files, 2);
    assert.equal(await readFile(path.join(root, 'train.py'), 'utf8'), lines(20));
    assert.ok(!existsSync(path.join(root, 'scratch.txt')));
    const status = repoStatus(await service.undoDiscard(result.backup));
    assert.equal(await readFile(path.join(root, 'train.py'), 'utf8'), 'my precious edit\n');
    assert.equal(await readFile(path.join(root, 'scratch.txt'), 'utf8'), 'untracked work\n');
    assert.deepEqual(paths(status.unstaged), ['train.py']);
    await refused(service.undoDiscard(result.backup), 'not-found', /can no longer be undone/);
    await refused(service.discard(['../outside.txt']), 'outside-workspace', /goes above the workspace/);
  });

  it('creates, checks out, renames and deletes branches; a checkout that would lose changes is refused with git\'s reason', async () => {
    await service.createBranch('feature/x', undefined, true);
    await writeFile(path.join(root, 'train.py'), lines(20, { 1: 'on feature' }));
    await service.stage(['train.py']);
    await service.commit('feature work', false);
    await writeFile(path.join(root, 'train.py'), lines(20, { 1: 'uncommitted' }));
    await refused(service.checkout('main'), 'git-refused', /would be overwritten by checkout/);
    assert.equal(await readFile(path.join(root, 'train.py'), 'utf8'), lines(20, { 1: 'uncommitted' }));
    await service.discard(['train.py']);
    let status = repoStatus(await service.checkout('main'));
    assert.equal(status.branch, 'main');
    await refused(service.deleteBranch('feature/x', false), 'git-refused', /not fully merged/);
    await service.renameBranch('feature/x', 'feature/y');
    const branches = await service.branches();
    assert.deepEqual(branches.map((branch) => [branch.name, branch.current]), [['feature/y', false], ['main', true]]);
    await refused(service.createBranch('bad name', undefined, false), 'bad-argument', /not a valid branch name/);
    await refused(service.checkout('--orphan'), 'bad-argument', /not a branch, tag or commit/);
    status = repoStatus(await service.deleteBranch('feature/y', true));
    assert.deepEqual((await service.branches()).map((branch) => branch.name), ['main']);
  });

  it('stashes and pops, and says so when there is nothing to stash', async () => {
    await refused(service.stash(undefined, true), 'git-refused', /no local changes/);
    await writeFile(path.join(root, 'train.py'), lines(20, { 5: 'five' }));
    await writeFile(path.join(root, 'extra.txt'), 'extra\n');
    let status = repoStatus(await service.stash('wip', true));
    assert.deepEqual([...status.unstaged, ...status.untracked], []);
    const stashes = await service.stashes();
    assert.equal(stashes.length, 1);
    assert.match(stashes[0]?.message ?? '', /wip/);
    // Its patch: the changed file and the untracked one it saved, from the commit it was made on.
    const stash = stashes[0] as { oid: string; base: string; untracked?: string };
    assert.equal(stash.base, repo.head());
    assert.ok(stash.untracked, 'stashed with its untracked files');
    const patch = await service.patch(stash.base, stash.oid, stash.untracked);
    assert.deepEqual(patch.files.map((file) => file.path).sort(), ['extra.txt', 'train.py']);
    assert.match(patch.patch, /^diff --git a\/train.py b\/train.py$/m);
    assert.match(patch.patch, /^\+five$/m);
    assert.match(patch.patch, /^diff --git a\/extra.txt b\/extra.txt\nnew file mode/m);
    status = repoStatus(await service.stashPop(0));
    assert.deepEqual(paths(status.unstaged), ['train.py']);
    assert.deepEqual(paths(status.untracked), ['extra.txt']);
  });

  it('shows a merge conflict as conflicted, and the merge in progress', async () => {
    repo.git('checkout', '-q', '-b', 'other');
    await writeFile(path.join(root, 'configs/base.yaml'), 'lr: 0.2\n');
    repo.git('commit', '-q', '-am', 'other lr');
    repo.git('checkout', '-q', 'main');
    await writeFile(path.join(root, 'configs/base.yaml'), 'lr: 0.3\n');
    repo.git('commit', '-q', '-am', 'main lr');
    assert.throws(() => repo.git('merge', '-q', 'other'));
    const status = repoStatus(await service.status());
    assert.equal(status.operation, 'merge');
    assert.deepEqual(status.conflicted, [{ path: 'configs/base.yaml', kind: 'conflicted' }]);
  });

  it('reads each side of a diff: working tree, index, a commit; binary files as size and hash; images as data', async () => {
    const first = repo.head();
    await writeFile(path.join(root, 'train.py'), 'worktree\n');
    await writeTree(root, { 'weights.bin': new Uint8Array([1, 0, 2, 3]), 'plot.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]) });
    assert.deepEqual(await service.readVersion('train.py', { kind: 'worktree' }), { kind: 'text', text: 'worktree\n', size: 9 });
    assert.deepEqual(await service.readVersion('train.py', { kind: 'index' }), { kind: 'text', text: lines(20), size: lines(20).length });
    assert.deepEqual(await service.readVersion('train.py', { kind: 'commit', oid: first }), { kind: 'text', text: lines(20), size: lines(20).length });
    const binary = await service.readVersion('weights.bin', { kind: 'worktree' });
    assert.equal(binary.kind, 'binary');
    assert.equal(binary.kind === 'binary' && binary.hash, execFileSync('git', ['hash-object', 'weights.bin'], { cwd: root, encoding: 'utf8' }).trim());
    const image = await service.readVersion('plot.png', { kind: 'worktree' });
    assert.ok(image.kind === 'image' && image.dataUrl.startsWith('data:image/png;base64,'));
    assert.deepEqual(await service.readVersion('missing.py', { kind: 'index' }), { kind: 'missing' });
    await refused(service.readVersion('train.py', { kind: 'commit', oid: '--all' }), 'bad-argument', /not a commit hash/);
  });

  it('lists a commit\'s renames and line counts, and compares two commits', async () => {
    const first = repo.head();
    repo.git('mv', 'configs/base.yaml', 'configs/default.yaml');
    await writeFile(path.join(root, 'weights.bin'), new Uint8Array([0, 1, 2]));
    await writeFile(path.join(root, 'train.py'), lines(19));
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'second');
    const second = repo.head();
    const files = (await service.commitDetails(second)).files;
    assert.deepEqual(
      [...files].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { path: 'configs/default.yaml', oldPath: 'configs/base.yaml', kind: 'renamed', additions: 0, deletions: 0 },
        { path: 'train.py', kind: 'modified', additions: 0, deletions: 1 },
        { path: 'weights.bin', kind: 'added', additions: null, deletions: null },
      ],
    );
    assert.deepEqual((await service.compareCommits(second, first)).map((file) => file.path).sort(), ['configs/base.yaml', 'train.py', 'weights.bin']);
    const root0 = await service.commitDetails(first);
    assert.deepEqual(root0.parents, []);
    assert.equal(root0.files.length, 4);
  });

  it('a patch between two commits lists every file and sends whole files up to the limit', async () => {
    const first = repo.head();
    await writeFile(path.join(root, 'README.md'), '# changed\n');
    await writeFile(path.join(root, 'z-big.txt'), 'x'.repeat(80) + '\n'.repeat(1) + Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'y'.repeat(60)}`).join('\n'));
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'big');
    const result = await service.patch(first, repo.head());
    assert.deepEqual(result.files.map((file) => file.path).sort(), ['README.md', 'z-big.txt']);
    assert.equal(result.truncated, true);
    assert.match(result.patch, /^diff --git a\/README\.md b\/README\.md/);
    assert.doesNotMatch(result.patch, /z-big/);
    const small = await service.patch(null, first);
    assert.equal(small.truncated, false);
    assert.equal((small.patch.match(/^diff --git /gm) ?? []).length, 4);
  });

  it('opens the graph and serves rows by range; search finds by message, author, hash and path', async () => {
    for (let i = 1; i <= 30; i++) {
      await writeFile(path.join(root, i % 2 ? 'a.txt' : 'b.txt'), `${i}\n`);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', `step ${i}${i === 7 ? ' fixes the loss' : ''}`);
    }
    const summary = await service.openGraph();
    assert.equal(summary.head, repo.head());
    const rows = await service.graphRows(summary.id, 0, 5);
    assert.equal(rows.length, 5);
    assert.equal(rows[0]?.subject, 'step 30');
    assert.deepEqual(rows[0]?.refs, [{ short: 'main', kind: 'local' }]);
    assert.equal((await service.graphRows(summary.id, 28, 100)).length, 3);
    assert.deepEqual((await service.searchGraph(summary.id, 'message', 'FIXES THE')).rows, [23]);
    assert.equal((await service.searchGraph(summary.id, 'author', 'LOVELACE')).rows.length, 31);
    assert.deepEqual((await service.searchGraph(summary.id, 'hash', repo.head().slice(0, 8))).rows, [0]);
    assert.equal((await service.searchGraph(summary.id, 'path', 'b.txt')).rows.length, 15);
    await refused(Promise.resolve().then(() => service.graphRows('stale', 0, 1)), 'not-found', /graph was closed/);
  });

  it('writes git\'s commit-graph file after the first whole graph, and not where core.commitGraph is false', async () => {
    const chain = path.join(root, '.git', 'objects', 'info', 'commit-graphs');
    await service.openGraph();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(!existsSync(chain), 'core.commitGraph=false is respected');
    repo.git('config', 'core.commitGraph', 'true');
    await service.openGraph();
    await waitFor('the commit-graph chain', () => (existsSync(path.join(chain, 'commit-graph-chain')) ? true : undefined), 5000);
    assert.equal(repo.git('commit-graph', 'verify'), '');
  });

  it('notices a commit made outside Labdesk (HEAD, refs and the index are watched)', async () => {
    await service.openGraph();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the watcher is up
    events.length = 0;
    await writeFile(path.join(root, 'README.md'), '# from a terminal\n');
    repo.git('commit', '-q', '-am', 'made in a terminal');
    await waitFor('git.changed from outside', () => (events.includes('changed:outside') ? true : undefined), 5000);
  });

  it('its own actions refresh the window once: the watcher does not report them again as from outside', async () => {
    await service.openGraph();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the watcher is up
    events.length = 0;
    await writeFile(path.join(root, 'README.md'), '# staged and committed in Labdesk\n');
    await service.stage(['README.md']);
    await service.commit('committed in Labdesk', false);
    await service.checkout('HEAD~1');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // longer than the watcher's settle time and the echo window
    assert.deepEqual(events.filter((event) => event.startsWith('changed:')), ['changed:action', 'changed:action', 'changed:action']);
    repo.git('checkout', '-q', 'main');
    await waitFor('a checkout in a terminal right after', () => (events.includes('changed:outside') ? true : undefined), 5000);
  });

  it('a text file too large for the diff editor comes back as size and hash, not its text', async () => {
    await writeFile(path.join(root, 'huge.log'), 'x'.repeat(11 * 1024 * 1024));
    const huge = await service.readVersion('huge.log', { kind: 'worktree' });
    assert.equal(huge.kind, 'too-large');
    assert.ok(huge.kind === 'too-large' && huge.size === 11 * 1024 * 1024 && /^[0-9a-f]{40}$/.test(huge.hash));
  });

  it('a folder that is not a repository says so, and can be initialized', async () => {
    const plain = await temp.make('labdesk-plain-');
    await writeTree(plain, { 'a.txt': 'a\n' });
    const otherBus = new EventBus();
    const other = new GitService(otherBus, new TaskRegistry(otherBus));
    await other.setRoot(plain);
    const status = await other.status();
    assert.equal(status.repository, false);
    assert.match(status.repository ? '' : status.reason, /is not a git repository/);
    await refused(other.stage(['a.txt']), 'not-a-repository', /Initialize one/);
    // The working tree side of a diff (against the server's copy) needs no repository.
    assert.deepEqual(await other.readVersion('a.txt', { kind: 'worktree' }), { kind: 'text', text: 'a\n', size: 2 });
    const initialized = repoStatus(await other.init());
    assert.deepEqual(paths(initialized.untracked), ['a.txt']);
    assert.equal(initialized.head, null);
    // Before the first commit, unstaging takes the file out of the index.
    await other.stage(['a.txt']);
    assert.deepEqual(paths(repoStatus(await other.unstage(['a.txt'])).untracked), ['a.txt']);
    await other.close();
  });

  it('follows one file through a rename, and blames its lines (uncommitted ones too)', async () => {
    await writeFile(path.join(root, 'train.py'), lines(20, { 4: 'four' }));
    repo.git('commit', '-q', '-am', 'edit line 4');
    repo.git('mv', 'train.py', 'fit.py');
    repo.git('commit', '-q', '-m', 'rename to fit.py');
    await writeFile(path.join(root, 'fit.py'), lines(20, { 4: 'four', 9: 'not committed' }));
    const history = await service.fileHistory('fit.py');
    assert.deepEqual(history.map((entry) => [entry.subject, entry.path]), [['rename to fit.py', 'fit.py'], ['edit line 4', 'train.py'], ['first', 'train.py']]);
    const blame = await service.blame('fit.py');
    assert.equal(blame.lines.length, 20);
    const subjectOf = (line: number) => blame.commits[blame.lines[line - 1] as number]?.subject;
    assert.equal(subjectOf(4), 'edit line 4');
    assert.equal(subjectOf(1), 'first');
    assert.match(blame.commits[blame.lines[8] as number]?.oid ?? '', /^0+$/);
  });
});

describe('fetch, pull and push against a real bare remote on disk', () => {
  it('pushes, explains a rejected push and a pull that needs a merge, and stops a conflicting pull with the files named', async () => {
    const { repo, service, root } = await setUp();
    const remote = path.join(await temp.make('labdesk-remote-'), 'origin.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    repo.git('remote', 'add', 'origin', remote);
    await refused(service.push(false), 'git-refused', /has no upstream yet/);
    let status = repoStatus(await service.push(true));
    assert.equal(status.upstream?.name, 'origin/main');

    // Someone else pushes a change to the same line.
    const other = path.join(await temp.make('labdesk-other-'), 'clone');
    execFileSync('git', ['clone', '-q', remote, other]);
    const theirs = new ScriptedRepo(other);
    await writeFile(path.join(other, 'configs/base.yaml'), 'lr: 0.5\n');
    theirs.git('commit', '-q', '-am', 'their lr');
    theirs.git('push', '-q');

    await writeFile(path.join(root, 'configs/base.yaml'), 'lr: 0.01\n');
    await service.stage(['configs/base.yaml']);
    await service.commit('my lr', false);
    await refused(service.push(false), 'git-refused', /push was rejected: the remote has commits that this branch does not have/);
    status = repoStatus(await service.fetch());
    assert.deepEqual([status.upstream?.ahead, status.upstream?.behind], [1, 1]);
    await refused(service.pull('ff-only'), 'git-refused', /pull needs a merge/);
    await refused(service.pull('merge'), 'git-refused', /stopped with conflicts in configs\/base\.yaml/);
    status = repoStatus(await service.status());
    assert.equal(status.operation, 'merge');
    assert.deepEqual(status.conflicted.map((file) => file.path), ['configs/base.yaml']);
  });

  it('explains an unreachable remote', async () => {
    const { repo, service } = await setUp();
    repo.git('remote', 'add', 'origin', path.join(await temp.make('labdesk-gone-'), 'missing.git'));
    await refused(service.fetch(), 'git-refused', /not a repository git can reach/);
  });
});
