import type { LineSelection } from '../../../preload/api';
import { ApiError } from '../../common';
import type { Repository } from '../repository';
import { selectLines } from '../work-tree/line-patch';

/** Adds the files as they are now (a deleted file's deletion too). */
export async function stagePaths(repo: Repository, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await repo.must(['add', '-A', '--', ...paths.map((file) => repo.pathspec(file))], { action: 'Staging' });
}

/** Puts the index back to HEAD for these files (or out of the index, before the first commit). */
export async function unstagePaths(repo: Repository, paths: readonly string[], hasHead: boolean): Promise<void> {
  if (paths.length === 0) return;
  const repoPaths = paths.map((file) => repo.pathspec(file));
  if (hasHead) await repo.must(['reset', '-q', 'HEAD', '--', ...repoPaths], { action: 'Unstaging' });
  else await repo.must(['rm', '--cached', '-r', '-q', '--', ...repoPaths], { action: 'Unstaging' });
}

/**
 * Stages (or unstages) the chosen lines of one file: the diff git shows now is cut down to those
 * lines (line-patch.ts) and applied to the index only, so the working tree is never touched.
 */
export async function stageSelectedLines(repo: Repository, file: string, selection: LineSelection, unstage: boolean): Promise<void> {
  const target = repo.pathspec(file);
  const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', '-U3', ...(unstage ? ['--cached'] : []), '--', target];
  const diff = (await repo.must(diffArgs, { action: 'Reading the diff' })).toString('utf8');
  if (diff === '') {
    const untracked = !unstage && (await repo.run(['ls-files', '--error-unmatch', '--', target])).code !== 0;
    if (untracked) throw new ApiError({ code: 'git-refused', message: `${file} is not tracked yet: stage the whole file first.` });
    throw new ApiError({ code: 'git-refused', message: `${file} has no ${unstage ? 'staged' : 'unstaged'} changes.` });
  }
  const patch = selectLines(diff, selection, unstage ? 'unstage' : 'stage');
  if (patch === null) throw new ApiError({ code: 'bad-argument', message: 'None of the chosen lines is a change; choose added or removed lines.', argument: 'selection' });
  await repo.must(['apply', '--cached', '--whitespace=nowarn', ...(unstage ? ['--reverse'] : []), '-'], {
    input: patch,
    action: unstage ? 'Unstaging the lines' : 'Staging the lines',
  });
}
