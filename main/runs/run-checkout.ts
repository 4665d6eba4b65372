import path from 'node:path';
import type { RunRecord } from '../../preload/api';
import { ApiError, fail } from '../common';
import { runGit } from '../git';
import { runFolder } from './run-store';

/**
 * "Check out this run's code": a new branch `run/<id>` at the run's commit, with its code.patch
 * applied to the working tree (tracked changes, deletions, and its untracked files restored).
 * Refused, with git's words, when the working tree has changes (they would mix with the run's)
 * or the commit is not in this repository. Returns the branch name.
 */
export async function checkoutRunCode(root: string, record: RunRecord): Promise<string> {
  if (!record.code.commit) fail('not-supported', `${record.id} was not started from a git commit, so there is no code to check out.`, 'id');
  const top = await runGit(root, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) fail('not-a-repository', `${path.basename(root)} is not a git repository.`);
  const repo = top.stdout.toString('utf8').trim();
  const status = await runGit(repo, ['status', '--porcelain', '--untracked-files=normal', '--', '.', ':(exclude)journal', ':(exclude).labdesk']);
  if (status.stdout.toString('utf8').trim() !== '') {
    fail('git-refused', `The working tree has changes; commit or stash them first, so they do not mix with ${record.id}'s code.`);
  }
  const branch = `run/${record.id}`;
  const checkout = await runGit(repo, ['checkout', '-q', '-b', branch, record.code.commit]);
  if (checkout.code !== 0) throw new ApiError({ code: 'git-refused', message: `Could not check out ${record.id}'s commit ${record.code.commit.slice(0, 8)}: ${checkout.stderr.trim()}` });
  if (record.code.patch) {
    const patchFile = path.join(runFolder(root, record.id), record.code.patch);
    const applied = await runGit(repo, ['apply', '--binary', '--whitespace=nowarn', patchFile]);
    if (applied.code !== 0) throw new ApiError({ code: 'git-refused', message: `${branch} is checked out, but ${record.id}'s changes did not apply: ${applied.stderr.trim()}` });
  }
  return branch;
}
