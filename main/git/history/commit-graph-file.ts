import { access } from 'node:fs/promises';
import path from 'node:path';
import { runGit } from '../run-git';

/**
 * git's commit-graph file (`.git/objects/info/commit-graph`, or the split chain in
 * `.git/objects/info/commit-graphs/`) lets `git log --date-order` stream its first commits at
 * once instead of reading the whole history first. `git gc`, `git maintenance` and
 * `fetch.writeCommitGraph` write the same file; Labdesk writes it once, after the first graph of a
 * repository that has none, so the next graph opens at once. A repository whose config says
 * `core.commitGraph=false` is left alone.
 */
export async function writeCommitGraphIfMissing(top: string, gitDir: string): Promise<'written' | 'present' | 'disabled' | 'failed'> {
  const info = path.join(gitDir, 'objects', 'info');
  const exists = (name: string) => access(path.join(info, name)).then(() => true, () => false);
  if ((await exists('commit-graph')) || (await exists('commit-graphs'))) return 'present';
  const setting = await runGit(top, ['config', '--type=bool', '--get', 'core.commitGraph']);
  if (setting.stdout.toString('utf8').trim() === 'false') return 'disabled';
  const result = await runGit(top, ['commit-graph', 'write', '--reachable', '--split', '--no-progress']);
  return result.code === 0 ? 'written' : 'failed';
}
