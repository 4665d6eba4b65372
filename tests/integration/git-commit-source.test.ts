import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Commit, type CommitSource, GraphLayout, kahnByPosition, openRepository, type RepoRefs } from '../../main/git';
import { type Fixture, makeFixtures, makeLongHistory, ScriptedRepo } from '../fixtures/git-repos';
import { assertLayoutValid } from '../fixtures/graph-invariants';
import { TempDirs, waitFor } from '../fixtures/temp-project';
import { GraphSession } from '../../main/git/history/graph-session';
import type { GraphSummary } from '../../preload/api';

const ENGINES = ['git', 'isomorphic-git'] as const;
const temp = new TempDirs();
let fixtures: Fixture[] = [];
let root = '';

/** `walk`: as the source streams it (git's walk); `commits`: the graph's order (SettledOrder). */
async function readAll(source: CommitSource): Promise<{ refs: RepoRefs; walk: Commit[]; commits: Commit[]; batches: number }> {
  const refs = await source.refs();
  const walk: Commit[] = [];
  let batches = 0;
  for await (const batch of source.commits(refs)) {
    walk.push(...batch);
    batches += 1;
  }
  return { refs, walk, commits: kahnByPosition(walk), batches };
}

const fixture = (name: string) => (fixtures.find((candidate) => candidate.name === name) as Fixture).dir;
const bySubject = (commits: readonly Commit[], subject: string) => commits.find((commit) => commit.subject === subject) as Commit;

/** git's own answer: every commit the refs reach, without the stashes' internal commits. */
function gitRevList(dir: string, refs: RepoRefs): string[] {
  const stashes = refs.refs.filter((ref) => ref.kind === 'stash').map((ref) => ref.oid);
  const all = execFileSync('git', ['rev-list', '--branches', '--remotes', '--tags', ...(refs.head ? ['HEAD'] : []), ...stashes, '--'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
  const internal = new Set(stashes.flatMap((oid) => execFileSync('git', ['rev-list', '--no-walk', '--parents', oid], { cwd: dir, encoding: 'utf8' }).trim().split(' ').slice(2)));
  return all.filter((oid) => !internal.has(oid));
}

before(async () => {
  root = await temp.make('labdesk-git-');
  fixtures = makeFixtures(root);
});
after(() => temp.cleanup());

describe('commit sources: the same history from git and from isomorphic-git', () => {
  it('every fixture: each reachable commit once, children before parents, a valid layout, and both engines agree row for row', async () => {
    for (const { name, dir } of fixtures) {
      const viaGit = await readAll(await openRepository(dir, { engine: 'git' }));
      const viaIso = await readAll(await openRepository(dir, { engine: 'isomorphic-git' }));
      for (const [engine, read] of [['git', viaGit], ['isomorphic-git', viaIso]] as const) {
        const oids = read.commits.map((commit) => commit.oid);
        assert.deepEqual([...oids].sort(), gitRevList(dir, read.refs).sort(), `${name} (${engine}): the commits git says the refs reach`);
        const layout = new GraphLayout();
        layout.add(read.commits);
        assertLayoutValid(layout, read.commits);
      }
      assert.deepEqual(viaIso.refs, viaGit.refs, `${name}: same refs`);
      assert.deepEqual(viaIso.walk, viaGit.walk, `${name}: the same walk (isomorphic-git's is git's)`);
      assert.deepEqual(viaIso.commits, viaGit.commits, `${name}: same commits, same order`);
    }
  });

  it('every fixture: shapes come in the same order as whole commits, and details give back the same commits', async () => {
    for (const { name, dir } of fixtures) {
      for (const engine of ENGINES) {
        const source = await openRepository(dir, { engine });
        const { refs, walk, commits } = await readAll(source);
        const shapes = [];
        for await (const batch of source.shapes(refs)) shapes.push(...batch);
        assert.deepEqual(
          shapes.map((shape) => [shape.oid, shape.parents, shape.kind]),
          walk.map((commit) => [commit.oid, commit.parents, commit.kind]),
          `${name} (${engine})`,
        );
        const details = await (await openRepository(dir, { engine })).details(commits.map((commit) => commit.oid));
        assert.deepEqual(
          details.map((commit) => [commit.oid, commit.subject, commit.author, commit.committer]),
          commits.map((commit) => [commit.oid, commit.subject, commit.author, commit.committer]),
          `${name} (${engine}): details`,
        );
      }
    }
  });

  it('merges, an octopus, light and annotated tags, remote branches, packed refs', async () => {
    for (const engine of ENGINES) {
      const { refs, commits } = await readAll(await openRepository(fixture('merges'), { engine }));
      assert.equal(bySubject(commits, 'Octopus').parents.length, 4, engine);
      assert.equal(bySubject(commits, 'Merge feature').parents.length, 2);
      const tags = refs.refs.filter((ref) => ref.kind === 'tag');
      assert.deepEqual(tags.map((ref) => [ref.short, ref.annotated === true]), [['light', false], ['v1.0', true]]);
      assert.equal(tags.find((ref) => ref.short === 'v1.0')?.oid, bySubject(commits, 'Octopus').oid, 'an annotated tag is peeled to its commit');
      assert.deepEqual(refs.refs.filter((ref) => ref.kind === 'remote').map((ref) => ref.short), ['origin/main'], "the remote's HEAD pointer is not a branch of its own");
      assert.deepEqual(refs.refs.filter((ref) => ref.kind === 'local').map((ref) => ref.short), ['a', 'b', 'c', 'feature', 'main']);
      assert.equal(refs.headBranch, 'refs/heads/main');
      assert.equal(commits[0]?.subject, 'after release');
    }
  });

  it('a detached HEAD and an orphan branch with its own root', async () => {
    for (const engine of ENGINES) {
      const { refs, commits } = await readAll(await openRepository(fixture('detached-orphan'), { engine }));
      assert.equal(refs.headBranch, null, engine);
      assert.equal(refs.head, bySubject(commits, 'detached work').oid);
      assert.deepEqual(bySubject(commits, 'pages root').parents, []);
      assert.deepEqual(bySubject(commits, 'one').parents, []);
    }
  });

  it('stashes are their own kind, on their first parent, without their internal commits', async () => {
    for (const engine of ENGINES) {
      const { refs, commits } = await readAll(await openRepository(fixture('stashes'), { engine }));
      const stashRefs = refs.refs.filter((ref) => ref.kind === 'stash');
      assert.deepEqual(stashRefs.map((ref) => ref.short), ['stash@{0}', 'stash@{1}'], engine);
      const rows = commits.filter((commit) => commit.kind === 'stash');
      assert.equal(rows.length, 2);
      for (const row of rows) assert.equal(row.parents.length, 1);
      assert.ok(!commits.some((commit) => /^(index|untracked files) on /.test(commit.subject)), 'no index or untracked-files commit');
      assert.equal(commits.length, 5, '3 commits and 2 stashes');
    }
  });

  it('dates out of order: a child older than its parent still comes first', async () => {
    for (const engine of ENGINES) {
      const { commits } = await readAll(await openRepository(fixture('clock-skew'), { engine }));
      const row = (subject: string) => commits.findIndex((commit) => commit.subject === subject);
      assert.ok(row('laptop next') < row('laptop with a clock a day behind'), engine);
      assert.ok(row('laptop with a clock a day behind') < row('root'));
      assert.equal(row('Merge laptop'), 0);
      // A tip an hour behind its parent (main's tip): git's walk meets it after main, the graph has it above.
      const ties = await readAll(await openRepository(fixture('same-second'), { engine }));
      const at = (commits: readonly Commit[], subject: string) => commits.findIndex((commit) => commit.subject === subject);
      const behind = 'on main with a clock an hour behind';
      assert.ok(at(ties.walk, behind) > at(ties.walk, 'Merge alpha'), 'the walk has it after its parent');
      assert.ok(at(ties.commits, behind) < at(ties.commits, 'Merge alpha'), 'the graph above it');
    }
  });

  it('empty, non-UTF-8 and multi-line messages', async () => {
    for (const engine of ENGINES) {
      const { commits } = await readAll(await openRepository(fixture('messages'), { engine }));
      assert.equal(commits[0]?.subject, 'Ünïcödé ✓ subject', engine);
      assert.equal(commits[1]?.subject, 'Subject line that wraps');
      assert.equal(commits[2]?.subject, 'bad \uFFFD\uFFFD bytes', 'bytes that are not UTF-8 are shown as U+FFFD, the rest kept');
      assert.equal(commits[3]?.subject, 'Café münchen', 'a message in the encoding its header names');
      assert.equal(commits[4]?.subject, '');
    }
  });

  it('a shallow clone: the boundary commit has no parents', async () => {
    for (const engine of ENGINES) {
      const { commits } = await readAll(await openRepository(fixture('shallow'), { engine }));
      assert.equal(commits.length, 3, engine);
      assert.deepEqual(commits[2]?.parents, []);
    }
  });

  it('an empty repository has no HEAD and no commits', async () => {
    const dir = path.join(root, 'empty');
    execFileSync('mkdir', ['-p', dir]);
    ScriptedRepo.init(dir);
    for (const engine of ENGINES) {
      const { refs, commits } = await readAll(await openRepository(dir, { engine }));
      assert.equal(refs.head, null, engine);
      assert.deepEqual(commits, []);
    }
  });

  it('a folder that is not in a repository is refused with a clear error, by both engines', async () => {
    const plain = await temp.make('labdesk-not-git-');
    for (const engine of ENGINES) {
      await assert.rejects(openRepository(plain, { engine }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'not-a-repository', engine);
        assert.match(error.message, /is not in a git repository/);
        return true;
      });
    }
    await assert.rejects(openRepository(path.join(plain, 'missing')), { code: 'not-found' });
  });

  it('a subfolder opens its repository', async () => {
    const dir = fixture('merges');
    execFileSync('mkdir', ['-p', path.join(dir, 'sub', 'deeper')]);
    for (const engine of ENGINES) assert.equal((await openRepository(path.join(dir, 'sub', 'deeper'), { engine })).root, dir);
  });

  it('10,000 commits: git streams them in batches (the first screen before the rest), both engines agree, the layout is valid', async () => {
    const dir = path.join(root, 'long');
    execFileSync('mkdir', ['-p', dir]);
    makeLongHistory(dir, 10_000);
    const viaGit = await readAll(await openRepository(dir, { engine: 'git' }));
    assert.equal(viaGit.commits.length, 10_000);
    assert.ok(viaGit.batches > 1, 'more than one batch');
    const viaIso = await readAll(await openRepository(dir, { engine: 'isomorphic-git' }));
    assert.deepEqual(viaIso.commits.map((commit) => commit.oid), viaGit.commits.map((commit) => commit.oid));
    const layout = new GraphLayout();
    layout.add(viaGit.commits);
    assertLayoutValid(layout, viaGit.commits);
    assert.ok(layout.width <= 3, `a history with one side branch at a time stays narrow (width ${layout.width})`);
  });

  it('a limit reads only the newest commits and stops git', async () => {
    const source = await openRepository(fixture('merges'), { engine: 'git' });
    const refs = await source.refs();
    const commits: Commit[] = [];
    for await (const batch of source.commits(refs, { limit: 3 })) commits.push(...batch);
    assert.deepEqual(commits.map((commit) => commit.subject), ['after release', 'Octopus', 'main four']);
  });
});

describe('the graph session: the first screen before the whole walk, settled as git streams', () => {
  const open = async (dir: string) => {
    const summaries: GraphSummary[] = [];
    const session = new GraphSession(await openRepository(dir, { engine: 'git' }), (summary) => summaries.push(summary));
    const first = await session.start();
    const done = await waitFor('the whole history', () => summaries.find((summary) => summary.done) ?? (first.done ? first : undefined), 20_000);
    return { session, first, done };
  };

  it('a child dated before its parent, close in the walk, is put above it before anything is shown', async () => {
    const { session, first, done } = await open(fixture('clock-skew'));
    assert.equal(done.changedFrom, undefined, 'no row shown was reordered');
    const rows = await session.rows(0, first.rows + 10);
    const at = (subject: string) => rows.findIndex((row) => row.subject === subject);
    assert.ok(at('laptop with a clock a day behind') < at('root'));
    session.close();
  });

  it('3,000 commits and a tip dated before all of them: the first screen comes first; when the tip turns up at the end of the walk the rows are laid out again from row 0', async () => {
    const dir = path.join(root, 'late-tip');
    execFileSync('mkdir', ['-p', dir]);
    makeLongHistory(dir, 3000);
    const repo = new ScriptedRepo(dir);
    const late = repo.gitWith({ GIT_COMMITTER_DATE: '1600000000 +0000' }, 'commit-tree', 'main^{tree}', '-p', 'main', '-m', 'on main, from a machine whose clock was years behind');
    repo.git('update-ref', 'refs/heads/behind', late);
    const { session, first, done } = await open(dir);
    assert.ok(first.rows >= 500 && !first.done, `the first screen (${first.rows} rows) before the whole walk`);
    assert.equal(first.changedFrom, undefined);
    assert.equal(done.rows, 3001);
    assert.equal(done.changedFrom, 0, 'main\'s tip was row 0; the late tip goes above it');
    const top = await session.rows(0, 2);
    assert.deepEqual(top.map((row) => row.subject), ['on main, from a machine whose clock was years behind', 'commit 2999']);
    session.close();
  });
});
