import type { BlameResult, FileHistoryEntry } from '../../../preload/api';
import type { Repository } from '../repository';

/** At most this many commits of one file's history are listed. */
const HISTORY_LIMIT = 5000;

/** The commits that touched one file, newest first, following renames (`git log --follow`). */
export async function fileHistory(repo: Repository, file: string): Promise<FileHistoryEntry[]> {
  const output = await repo.text(['log', '--follow', `--max-count=${HISTORY_LIMIT}`, '--format=%x1e%H%x00%P%x00%an%x00%at%x00%s', '--name-only', '-z', 'HEAD', '--', repo.pathspec(file)], { action: `Reading the history of ${file}` });
  const entries: FileHistoryEntry[] = [];
  for (const record of output.split('\x1e')) {
    if (record === '') continue;
    // "oid\0parents\0author\0time\0subject\0\npath\0"
    const [oid = '', parents = '', author = '', time = '0', subject = '', names = ''] = record.split('\0');
    const repoPath = names.replace(/^\n/, '');
    entries.push({ oid, parents: parents.split(' ').filter(Boolean), author, time: Number(time), subject, path: repo.workspacePath(repoPath) ?? repoPath });
  }
  return entries;
}

/**
 * Who last changed each line of the file as it is in the working tree (uncommitted lines have
 * the all-zero commit), from `git blame --porcelain`: a table of commits and, per line, an index
 * into it, so a 10k-line file does not repeat the same commit 10k times.
 */
export async function blameFile(repo: Repository, file: string): Promise<BlameResult> {
  const output = await repo.text(['blame', '--porcelain', '--', repo.repoPath(file)], { action: `Blaming ${file}` });
  const commits: BlameResult['commits'][number][] = [];
  const indexOf = new Map<string, number>();
  const lines: number[] = [];
  let current: { oid: string; author: string; time: number; subject: string } | null = null;
  for (const line of output.split('\n')) {
    const header = /^([0-9a-f]{40,64}) \d+ (\d+)/.exec(line);
    if (header) {
      const oid = header[1] as string;
      if (!indexOf.has(oid)) {
        current = { oid, author: '', time: 0, subject: '' };
        indexOf.set(oid, commits.length);
        commits.push(current);
      } else current = null;
      lines.push(indexOf.get(oid) as number);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('author ')) current.author = line.slice(7);
    else if (line.startsWith('author-time ')) current.time = Number(line.slice(12));
    else if (line.startsWith('summary ')) current.subject = line.slice(8);
  }
  return { commits, lines };
}
