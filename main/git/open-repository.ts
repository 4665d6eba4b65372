import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../common';
import type { CommitSource } from './commit-source';
import { GitCliSource } from './git-cli-source';
import { firstLines, GitNotInstalled, runGit } from './run-git';

export interface OpenRepositoryOptions {
  /** Use isomorphic-git even where git is installed (tests, and the contract they check). */
  readonly engine?: 'git' | 'isomorphic-git';
}

/**
 * The history source for the repository `folder` is in: the system git where it is installed,
 * isomorphic-git where it is not. A folder outside any repository is a 'not-a-repository' error
 * (the UI then offers to initialize one).
 */
export async function openRepository(folder: string, options: OpenRepositoryOptions = {}): Promise<CommitSource> {
  const absolute = path.resolve(folder);
  const info = await stat(absolute).catch(() => null);
  if (!info) throw new ApiError({ code: 'not-found', message: `${absolute} does not exist.` });
  if (!info.isDirectory()) throw new ApiError({ code: 'not-a-directory', message: `${absolute} is not a folder.` });
  if (options.engine !== 'isomorphic-git') {
    try {
      const result = await runGit(absolute, ['rev-parse', '--show-toplevel']);
      if (result.code === 0) return new GitCliSource(result.stdout.toString('utf8').trim());
      if (/not a git repository/i.test(result.stderr)) throw notARepository(absolute);
      throw new ApiError({ code: 'internal', message: `git could not read ${absolute}: ${firstLines(result.stderr)}` });
    } catch (error) {
      if (!(error instanceof GitNotInstalled) || options.engine === 'git') throw error;
    }
  }
  const { IsomorphicSource, findRepositoryRoot } = await import('./isomorphic-source');
  const root = await findRepositoryRoot(absolute);
  if (root === null) throw notARepository(absolute);
  return new IsomorphicSource(root);
}

function notARepository(folder: string): ApiError {
  return new ApiError({ code: 'not-a-repository', message: `${folder} is not in a git repository. Initialize one to see its history here.` });
}
