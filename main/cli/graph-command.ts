import { GraphLayout, graphLines, LOOKAHEAD, OidIds, openRepository, SettledOrder, type Commit, type CommitShape, type Ref } from '../git';
import { ApiError } from '../common';

export interface GraphCommandOptions {
  readonly limit?: number;
  readonly json: boolean;
  /** Read with isomorphic-git even where git is installed (LABDESK_GIT_ENGINE=isomorphic-git). */
  readonly engine?: 'git' | 'isomorphic-git';
}

/**
 * `labdesk graph REPO_DIR`: the commit graph, top to bottom, as the Source control view lays it
 * out. Text like `git log --graph --oneline`, or with --json one object per row:
 * {"oid","parents","lane","refs"}. Rows are printed as they settle while the history streams in
 * (graph/settled-order.ts); in the rare case that a commit dated before its parent comes after
 * its parent was printed, the rows from there on are printed again in the right order, after a
 * note on stderr.
 */
export async function runGraphCommand(repoDir: string, options: GraphCommandOptions): Promise<number> {
  // Piped into `head` or a pager that quit: stop quietly, as git does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  let source;
  try {
    source = await openRepository(repoDir, options.engine ? { engine: options.engine } : {});
  } catch (error) {
    process.stderr.write(`labdesk: ${error instanceof ApiError || error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const refs = await source.refs();
  const labels = new Map<string, Ref[]>();
  for (const ref of refs.refs) labels.set(ref.oid, [...(labels.get(ref.oid) ?? []), ref]);
  // One id per hash, given as git's output is parsed, shared by the order and the layout.
  const ids = new OidIds();
  let layout = new GraphLayout(ids);
  const limit = options.limit ?? Infinity;
  const out: string[] = [];
  const flush = () => {
    if (out.length === 0) return;
    process.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  };
  const print = (commits: readonly (Commit | CommitShape)[]) => {
    const wanted = commits.slice(0, Math.max(0, limit - layout.rows));
    const first = layout.rows;
    layout.add(wanted);
    wanted.forEach((commit, offset) => {
      const names = refNames(commit, labels.get(commit.oid) ?? [], refs.head, refs.headBranch);
      if (options.json) {
        // Hashes need no escaping, so only ref names go through JSON.stringify (a third of the time for 85k rows).
        const parents = commit.parents.length === 0 ? '' : `"${commit.parents.join('","')}"`;
        out.push(`{"oid":"${commit.oid}","parents":[${parents}],"lane":${layout.laneAt(first + offset)},"refs":${names.length === 0 ? '[]' : JSON.stringify(names)}}`);
        return;
      }
      const lines = graphLines(layout.row(first + offset));
      if (lines.above) out.push(lines.above);
      const decoration = names.length > 0 ? ` (${names.join(', ')})` : '';
      out.push(`${lines.node} ${commit.oid.slice(0, 7)}${decoration} ${'subject' in commit ? commit.subject : ''}`);
      if (lines.below) out.push(lines.below);
    });
    flush();
  };
  // The top N rows of the whole graph need the walk's first N plus the look-ahead.
  const readOptions = { ids, ...(Number.isFinite(limit) && { limit: limit + LOOKAHEAD }) };
  // JSON rows need only the shape (no subjects), which git reads from its commit-graph alone.
  const batches: AsyncIterable<readonly (Commit | CommitShape)[]> = options.json ? source.shapes(refs, readOptions) : source.commits(refs, readOptions);
  const order = new SettledOrder<Commit | CommitShape>(undefined, ids);
  for await (const batch of batches) {
    print(order.push(batch));
    if (layout.rows >= limit) return 0;
  }
  const end = order.end();
  if ('rest' in end) print(end.rest);
  else {
    process.stderr.write(`labdesk: a commit dated before its parent came late in git's walk; rows from ${end.changedFrom + 1} on are printed again below, in the right order\n`);
    layout = new GraphLayout(ids);
    const kept = end.all.slice(0, end.changedFrom);
    layout.add(kept);
    print(end.all.slice(end.changedFrom));
  }
  return 0;
}

/** The ref names shown on a row, git's way: `HEAD -> main`, then branches, remotes, tags, stashes. */
function refNames(commit: CommitShape, refs: readonly Ref[], head: string | null, headBranch: string | null): string[] {
  const names: string[] = [];
  const onHead = head === commit.oid;
  if (onHead && headBranch === null) names.push('HEAD');
  for (const ref of refs) {
    if (onHead && ref.name === headBranch) names.push(`HEAD -> ${ref.short}`);
    else names.push(ref.kind === 'tag' ? `tag: ${ref.short}` : ref.short);
  }
  return names;
}
