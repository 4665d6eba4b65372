import type { PatchResult } from '../../../preload/api';
import type { Repository } from '../repository';
import { spawnGit } from '../run-git';
import { changedFiles } from './commit-details';

/**
 * At most this much patch text goes to the window: diff2html renders a few megabytes smoothly,
 * and a 50 MB patch (a notebook with outputs, a generated file) must not freeze it. The file list
 * is always complete; each file's own diff opens in the diff editor.
 */
export const PATCH_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * The patch from `from` to `to` (from null: everything in the root commit `to`), whole files
 * only, up to the limit. `untracked`: a stash's untracked-files commit (a root commit), whose
 * files follow as new ones, so a stash's patch shows everything it saved.
 */
export async function readPatch(repo: Repository, from: string | null, to: string, untracked?: string, limit = PATCH_LIMIT_BYTES): Promise<PatchResult> {
  const files = [...(await changedFiles(repo, from, to)), ...(untracked ? await changedFiles(repo, null, untracked) : [])];
  const main = await diffTree(repo, from === null ? ['--root', to] : [from, to], limit);
  if (main.truncated || !untracked) return { files, patch: main.patch, truncated: main.truncated };
  const added = await diffTree(repo, ['--root', untracked], limit - Buffer.byteLength(main.patch));
  return { files, patch: main.patch + added.patch, truncated: added.truncated };
}

async function diffTree(repo: Repository, commits: readonly string[], limit: number): Promise<{ patch: string; truncated: boolean }> {
  const args = ['diff-tree', '-p', '-r', '-M', '--no-color', '--no-ext-diff', '--no-commit-id', '--src-prefix=a/', '--dst-prefix=b/', ...commits, '--', ...(repo.prefix ? [`:(literal)${repo.prefix}`] : [])];
  const child = spawnGit(repo.top, args);
  child.stdin.end();
  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > limit) {
        truncated = true;
        child.kill();
      }
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  let patch = Buffer.concat(chunks).toString('utf8');
  if (truncated) {
    // Whole files only: cut before the file that went over the limit.
    const lastFile = patch.lastIndexOf('\ndiff --git ', limit);
    patch = lastFile > 0 ? patch.slice(0, lastFile + 1) : '';
  }
  return { patch, truncated };
}
