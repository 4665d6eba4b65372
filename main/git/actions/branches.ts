import type { BranchInfo } from '../../../preload/api';
import { ApiError } from '../../common';
import type { Repository } from '../repository';

export async function listBranches(repo: Repository): Promise<BranchInfo[]> {
  const format = '%(refname)%00%(objectname)%00%(HEAD)%00%(upstream:short)%00%(contents:subject)';
  const text = await repo.text(['for-each-ref', `--format=${format}`, 'refs/heads', 'refs/remotes'], { action: 'Listing branches' });
  const branches: BranchInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [ref = '', oid = '', head = '', upstream = '', subject = ''] = line.split('\0');
    if (ref.startsWith('refs/remotes/') && ref.endsWith('/HEAD')) continue;
    const local = ref.startsWith('refs/heads/');
    branches.push({
      name: ref.slice(local ? 'refs/heads/'.length : 'refs/remotes/'.length),
      kind: local ? 'local' : 'remote',
      oid,
      current: head === '*',
      upstream: upstream === '' ? null : upstream,
      subject,
    });
  }
  return branches;
}

/** git's own rules for a branch name (no spaces, no `..`, not starting with `-`, …), in its words. */
export async function checkBranchName(repo: Repository, name: string): Promise<void> {
  const result = await repo.run(['check-ref-format', '--branch', name]);
  if (result.code !== 0 || name.startsWith('-')) throw new ApiError({ code: 'bad-argument', message: `"${name}" is not a valid branch name.`, argument: 'name' });
}

/** A ref the user picked (branch, tag, commit); never something git would read as an option. */
function checkRef(ref: string): void {
  if (ref === '' || ref.startsWith('-')) throw new ApiError({ code: 'bad-argument', message: `"${ref}" is not a branch, tag or commit.`, argument: 'ref' });
}

export async function createBranch(repo: Repository, name: string, from: string | undefined, checkout: boolean): Promise<void> {
  await checkBranchName(repo, name);
  if (from !== undefined) checkRef(from);
  const start = from === undefined ? [] : [from];
  if (checkout) await repo.must(['checkout', '-q', '-b', name, ...start, '--'], { action: `Creating branch ${name}` });
  else await repo.must(['branch', name, ...start], { action: `Creating branch ${name}` });
}

/** Checks out a branch, tag or commit; git refuses when local changes would be overwritten, and says which. */
export async function checkoutRef(repo: Repository, ref: string): Promise<void> {
  checkRef(ref);
  await repo.must(['checkout', '-q', ref, '--'], { action: `Checking out ${ref}` });
}

export async function renameBranch(repo: Repository, from: string, to: string): Promise<void> {
  checkRef(from);
  await checkBranchName(repo, to);
  await repo.must(['branch', '-m', from, to], { action: `Renaming ${from}` });
}

/** Deletes a local branch; without force git refuses one that is not merged, and says so. */
export async function deleteBranch(repo: Repository, name: string, force: boolean): Promise<void> {
  checkRef(name);
  await repo.must(['branch', force ? '-D' : '-d', name], { action: `Deleting branch ${name}` });
}
