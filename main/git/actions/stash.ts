import type { StashInfo } from '../../../preload/api';
import { ApiError } from '../../common';
import type { Repository } from '../repository';

export async function listStashes(repo: Repository): Promise<StashInfo[]> {
  const result = await repo.run(['stash', 'list', '--format=%H%x00%gs%x00%P']);
  if (result.code !== 0) return [];
  return result.stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line, index) => {
      const [oid = '', message = '', parents = ''] = line.split('\0');
      // A stash's parents: the commit it was made on, the index, and (with -u) the untracked files.
      const [base = '', , untracked] = parents.split(' ');
      return { index, oid, message, base, ...(untracked && { untracked }) };
    });
}

export async function stashChanges(repo: Repository, message: string | undefined, includeUntracked: boolean): Promise<void> {
  const args = ['stash', 'push', ...(includeUntracked ? ['--include-untracked'] : []), ...(message ? ['-m', message] : [])];
  const output = (await repo.must(args, { action: 'Stashing' })).toString('utf8');
  // git exits 0 and prints this when there is nothing to stash.
  if (/No local changes to save/.test(output)) throw new ApiError({ code: 'git-refused', message: 'Stashing failed: there are no local changes to save.' });
}

/** Applies a stash and drops it; a conflict leaves it in the list and says so (git's words). */
export async function popStash(repo: Repository, index: number): Promise<void> {
  await repo.must(['stash', 'pop', '-q', `stash@{${Math.floor(index)}}`], { action: `Applying stash@{${index}}` });
}
