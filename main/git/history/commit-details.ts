import type { ChangeKind, CommitDetails, CommitFile } from '../../../preload/api';
import type { Repository } from '../repository';

const STATUS_KIND: Record<string, ChangeKind> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'type-changed', U: 'conflicted' };

const DETAILS_FORMAT = ['%H', '%P', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B'].join('%x00');

/** A commit's message, people and dates, and its files against its first parent. */
export async function commitDetails(repo: Repository, oid: string): Promise<CommitDetails> {
  const raw = await repo.text(['log', '-1', `--format=${DETAILS_FORMAT}`, oid, '--'], { action: `Reading commit ${oid.slice(0, 10)}` });
  const [hash = oid, parents = '', an = '', ae = '', at = '0', cn = '', ce = '', ct = '0', ...message] = raw.split('\0');
  const parentList = parents.split(' ').filter(Boolean);
  const files = await changedFiles(repo, parentList[0] ?? null, hash);
  return {
    oid: hash,
    parents: parentList,
    author: { name: an, email: ae, time: Number(at) },
    committer: { name: cn, email: ce, time: Number(ct) },
    message: message.join('\0').replace(/\n+$/, ''),
    files,
  };
}

/**
 * Files changed from `from` to `to` (from null: everything in `to`, a root commit), with renames
 * found as git log finds them and line counts (null for binary files). Files outside the open
 * folder are left out.
 */
export async function changedFiles(repo: Repository, from: string | null, to: string): Promise<CommitFile[]> {
  const range = from === null ? ['--root', to] : [from, to];
  const base = ['diff-tree', '-r', '-z', '-M', '--no-commit-id'];
  const [names, counts] = await Promise.all([
    repo.text([...base, '--name-status', ...range, '--'], { action: 'Listing changed files' }),
    repo.text([...base, '--numstat', ...range, '--'], { action: 'Counting changed lines' }),
  ]);
  const lines = new Map<string, { additions: number | null; deletions: number | null }>();
  const numbers = counts.split('\0');
  for (let at = 0; at < numbers.length; at++) {
    const field = numbers[at] as string;
    if (field === '') continue;
    const [added = '-', deleted = '-', file = ''] = field.split('\t');
    // A rename's numstat is "added\tdeleted\t" then the old and new paths as their own fields.
    const newPath = file === '' ? (at += 2, numbers[at] ?? '') : file;
    lines.set(newPath, { additions: added === '-' ? null : Number(added), deletions: deleted === '-' ? null : Number(deleted) });
  }
  const files: CommitFile[] = [];
  const fields = names.split('\0');
  for (let at = 0; at < fields.length; at++) {
    const status = fields[at] as string;
    if (status === '') continue;
    const letter = status[0] as string;
    const twoPaths = letter === 'R' || letter === 'C';
    const oldRepoPath = twoPaths ? (fields[++at] ?? '') : undefined;
    const repoPath = fields[++at] ?? '';
    const path = repo.workspacePath(repoPath);
    if (path === null) continue;
    const oldPath = oldRepoPath === undefined ? undefined : (repo.workspacePath(oldRepoPath) ?? oldRepoPath);
    const counted = lines.get(repoPath) ?? { additions: null, deletions: null };
    files.push({ path, kind: STATUS_KIND[letter] ?? 'modified', ...(oldPath !== undefined && { oldPath }), ...counted });
  }
  return files;
}
