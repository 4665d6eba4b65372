import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../common';
import { runGit } from '../git';

/** Changed or untracked files up to this size go into code.patch (binary ones as git binary patches). */
export const PATCH_FILE_LIMIT_BYTES = 1024 * 1024;
/** Never part of a run's code: the journal (runs are recorded there) and Labdesk's own state. */
export const NOT_CODE = ['journal', '.labdesk'] as const;
/** git's empty tree: what an unborn branch is compared with. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface CodeSnapshot {
  /** HEAD's commit; null on a branch with no commits yet. */
  readonly commit: string | null;
  /** The branch HEAD is on (without refs/heads/), or null when detached. */
  readonly branch: string | null;
  /** Anything differs from the commit (outside journal/ and .labdesk/). */
  readonly dirty: boolean;
  /**
   * `git apply --binary` on a checkout of `commit` reproduces the code: tracked changes, staged
   * or not, deletions, and untracked files that are not ignored, binary ones included.
   */
  readonly patch: string;
  /** Untracked files that are in the patch. */
  readonly untracked: readonly string[];
  /** Changed or untracked files too large for the patch: recorded by size and hash instead. */
  readonly largeFiles: ReadonlyArray<{ readonly path: string; readonly size: number; readonly sha256: string }>;
}

/**
 * The exact code a run starts from: the commit, and one patch with everything on top of it.
 * Plain `git diff` misses untracked files (DVC#4594), so the patch is the diff between HEAD and
 * a throwaway index that holds the whole working tree: `read-tree HEAD`, then `git add -A` of
 * the changed and untracked paths git reports (ignored files are never among them). The user's
 * own index is never touched. Paths are repository-relative.
 */
export async function snapshotCode(top: string, options: { limitBytes?: number } = {}): Promise<CodeSnapshot> {
  const limit = options.limitBytes ?? PATCH_FILE_LIMIT_BYTES;
  const git = async (args: readonly string[], extra: { env?: NodeJS.ProcessEnv; input?: string } = {}) => {
    const result = await runGit(top, args, extra);
    if (result.code !== 0) throw new ApiError({ code: 'git-refused', message: `Recording the code failed (git ${args[0]}): ${result.stderr.trim() || `exit ${result.code}`}` });
    return result.stdout;
  };
  const head = await runGit(top, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  const commit = head.code === 0 ? head.stdout.toString('utf8').trim() : null;
  const branchResult = await runGit(top, ['symbolic-ref', '-q', '--short', 'HEAD']);
  const branch = branchResult.code === 0 ? branchResult.stdout.toString('utf8').trim() : null;

  const changed = parseStatusPaths((await git(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'])).toString('utf8')).filter((entry) => !isNotCode(entry.path));
  const untracked: string[] = [];
  const largeFiles: Array<{ path: string; size: number; sha256: string }> = [];
  const toAdd: string[] = [];
  for (const entry of changed) {
    const info = await lstat(path.join(top, ...entry.path.split('/'))).catch(() => null);
    if (info?.isFile() && info.size > limit) {
      largeFiles.push({ path: entry.path, size: info.size, sha256: await sha256(path.join(top, ...entry.path.split('/'))) });
      continue;
    }
    toAdd.push(entry.path);
    if (entry.untracked) untracked.push(entry.path);
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'labdesk-snapshot-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(scratch, 'index'), GIT_LITERAL_PATHSPECS: '1' };
    await git(commit ? ['read-tree', commit] : ['read-tree', '--empty'], { env });
    if (toAdd.length > 0) await git(['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { env, input: `${toAdd.join('\0')}\0` });
    const patch = (await git(['diff', '--cached', '--binary', '--no-color', '--no-ext-diff', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', commit ?? EMPTY_TREE], { env })).toString('utf8');
    return { commit, branch, dirty: changed.length > 0, patch, untracked: untracked.sort(), largeFiles: largeFiles.sort((a, b) => (a.path < b.path ? -1 : 1)) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function isNotCode(file: string): boolean {
  return NOT_CODE.some((folder) => file === folder || file.startsWith(`${folder}/`));
}

/** `git status --porcelain=v1 -z --no-renames`: `XY path` records. */
function parseStatusPaths(output: string): Array<{ path: string; untracked: boolean }> {
  return output
    .split('\0')
    .filter((record) => record.length > 3)
    .map((record) => ({ path: record.slice(3), untracked: record.startsWith('??') }));
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

