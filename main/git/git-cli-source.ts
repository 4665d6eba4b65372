import type { Commit, CommitShape, CommitSource, ReadHistoryOptions, Ref, RefKind, RepoRefs } from './commit-source';
import { COMMIT_RECORD, LOG_FORMAT, LogParser, SHAPE_FORMAT, shapeRecord, type LogRecord } from './log-parser';
import { firstLines, gitOutput, runGit, spawnGit } from './run-git';
import { ApiError } from '../common';
import { sortRefs } from './ref-order';

/** Commits handed to the caller at least this often while git streams (one chunk of output is ~100 of them). */
const BATCH_COMMITS = 256;

/** History from the system git: `git log` streamed, refs from `for-each-ref`. */
export class GitCliSource implements CommitSource {
  readonly kind = 'git' as const;

  constructor(readonly root: string) {}

  async refs(): Promise<RepoRefs> {
    const [listed, head, branch] = await Promise.all([
      gitOutput(this.root, ['for-each-ref', '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)', 'refs/heads', 'refs/remotes', 'refs/tags', 'refs/stash']),
      runGit(this.root, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
      runGit(this.root, ['symbolic-ref', '-q', 'HEAD']),
    ]);
    const refs: Ref[] = [];
    let hasStash = false;
    for (const line of listed.split('\n')) {
      if (line === '') continue;
      const [name = '', type, oid = '', peeled = ''] = line.split('\0');
      if (name === 'refs/stash') {
        hasStash = true;
        continue;
      }
      const kind = refKind(name);
      // A remote's HEAD is a pointer to one of its branches, listed already.
      if (!kind || (kind === 'remote' && name.endsWith('/HEAD'))) continue;
      const annotated = type === 'tag';
      // A tag of something that is not a commit (a tree, a blob) has no place in the graph.
      if (type !== 'commit' && !(annotated && peeled !== '')) continue;
      refs.push({ name, short: shortName(name, kind), kind, oid: annotated ? peeled : oid, ...(annotated && { annotated }) });
    }
    if (hasStash) {
      const stashes = await gitOutput(this.root, ['log', '-g', '--format=%H', 'refs/stash', '--']);
      stashes
        .split('\n')
        .filter(Boolean)
        .forEach((oid, index) => refs.push({ name: `stash@{${index}}`, short: `stash@{${index}}`, kind: 'stash', oid }));
    }
    const headOid = head.code === 0 ? head.stdout.toString('utf8').trim() : null;
    const headBranch = branch.code === 0 ? branch.stdout.toString('utf8').trim() : null;
    return { head: headOid, headBranch, refs: sortRefs(refs) };
  }

  commits(refs: RepoRefs, options: ReadHistoryOptions = {}): AsyncIterable<readonly Commit[]> {
    return this.stream(refs, LOG_FORMAT, COMMIT_RECORD, options);
  }

  shapes(refs: RepoRefs, options: ReadHistoryOptions = {}): AsyncIterable<readonly CommitShape[]> {
    return this.stream(refs, SHAPE_FORMAT, shapeRecord(options.ids), options);
  }

  async details(oids: readonly string[]): Promise<Commit[]> {
    if (oids.length === 0) return [];
    // --no-walk=unsorted: exactly these commits, in this order; the oids go in on stdin.
    const result = await runGit(this.root, ['log', '-z', '--no-walk=unsorted', `--format=${LOG_FORMAT}`, '--stdin', '--'], { input: `${oids.join('\n')}\n` });
    if (result.code !== 0) throw new ApiError({ code: 'internal', message: `git log failed in ${this.root}: ${firstLines(result.stderr) || `exit ${result.code}`}` });
    const parser = new LogParser(COMMIT_RECORD);
    return [...parser.push(result.stdout), ...parser.end()];
  }

  private async *stream<T extends CommitShape>(refs: RepoRefs, format: string, record: LogRecord<T>, options: ReadHistoryOptions): AsyncIterable<readonly T[]> {
    const stashes = new Set(refs.refs.filter((ref) => ref.kind === 'stash').map((ref) => ref.oid));
    if (refs.head === null && refs.refs.length === 0) return; // no commits yet
    // git's own walk (no ordering option): streamed from the first line with or without a
    // commit-graph file; --date-order and --topo-order read the whole history first without one.
    // SettledOrder makes it topological where skewed dates put a child after its parent.
    const args = ['log', '-z', `--format=${format}`, '--branches', '--remotes', '--tags'];
    if (refs.head !== null) args.push('HEAD');
    if (options.limit !== undefined) args.push(`--max-count=${Math.max(0, Math.floor(options.limit))}`);
    args.push(...stashes, '--');
    // Into a pipe git flushes after every commit (12–22k reads of ~500 bytes for git/git, twice
    // the time of the whole read); GIT_FLUSH=0 makes it fill its buffer first (~8 KB, ~100
    // commits), which is still far quicker than the first screen needs.
    const child = spawnGit(this.root, args, options.signal, { GIT_FLUSH: '0' });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
    exited.catch(() => undefined);
    child.stdin.end();
    const parser = new LogParser(record);
    const hidden = new Set<string>();
    const shape = (commits: T[]): T[] => stashRows(commits, stashes, hidden);
    let batch: T[] = [];
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        batch.push(...shape(parser.push(chunk)));
        if (batch.length >= BATCH_COMMITS) {
          yield batch;
          batch = [];
        }
      }
      batch.push(...shape(parser.end()));
      const code = await exited;
      if (code !== 0) throw new ApiError({ code: 'internal', message: `git log failed in ${this.root}: ${firstLines(Buffer.concat(stderr).toString('utf8')) || `exit ${code}`}` });
      if (batch.length > 0) yield batch;
    } finally {
      // Stopped early (a limit reached by the caller, a cancel): git must not keep running.
      if (child.exitCode === null) child.kill();
    }
  }
}

/**
 * A stash is a commit whose second parent is the index at the time and whose third (if any)
 * holds the untracked files. It is shown as one row on its first parent; the other two are
 * internal and are left out.
 */
function stashRows<T extends CommitShape>(commits: readonly T[], stashes: ReadonlySet<string>, hidden: Set<string>): T[] {
  const rows: T[] = [];
  for (const commit of commits) {
    if (hidden.has(commit.oid)) continue;
    if (!stashes.has(commit.oid)) {
      rows.push(commit);
      continue;
    }
    for (const internal of commit.parents.slice(1)) hidden.add(internal);
    rows.push({ ...commit, kind: 'stash', parents: commit.parents.slice(0, 1), ...(commit.parentIds && { parentIds: commit.parentIds.slice(0, 1) }) });
  }
  return rows;
}

function refKind(name: string): RefKind | null {
  if (name.startsWith('refs/heads/')) return 'local';
  if (name.startsWith('refs/remotes/')) return 'remote';
  if (name.startsWith('refs/tags/')) return 'tag';
  return null;
}

function shortName(name: string, kind: RefKind): string {
  const prefix = kind === 'local' ? 'refs/heads/' : kind === 'remote' ? 'refs/remotes/' : 'refs/tags/';
  return name.slice(prefix.length);
}
