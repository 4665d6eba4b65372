import path from 'node:path';
import { ApiError } from '../common';
import { firstLines, runGit, type GitResult } from './run-git';

/**
 * A git repository as seen from the open folder, driven through the system git. The folder may
 * be the repository's top or a folder inside it: git speaks in paths from the top, the window in
 * paths from the folder, and `prefix` maps one to the other.
 */
export class Repository {
  private constructor(
    /** The repository's top folder (absolute). */
    readonly top: string,
    /** Its .git folder (absolute; a worktree's own git dir for linked worktrees). */
    readonly gitDir: string,
    /** The open folder's path from the top, with a trailing slash ('' when they are the same). */
    readonly prefix: string,
  ) {}

  /** The repository `folder` is in, or null when it is in none. Throws GitNotInstalled without git. */
  static async find(folder: string): Promise<Repository | null> {
    const result = await runGit(folder, ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--show-prefix']);
    if (result.code !== 0) {
      if (/not a git repository/i.test(result.stderr)) return null;
      throw new ApiError({ code: 'internal', message: `git could not read ${folder}: ${firstLines(result.stderr)}` });
    }
    const [top = folder, gitDir = path.join(folder, '.git'), prefix = ''] = result.stdout.toString('utf8').split('\n');
    return new Repository(top, gitDir, prefix);
  }

  /** A workspace path as git names it. */
  repoPath(workspacePath: string): string {
    return this.prefix + workspacePath;
  }

  /** A path git printed as the window names it; null when it is outside the open folder. */
  workspacePath(repoPath: string): string | null {
    return repoPath.startsWith(this.prefix) ? repoPath.slice(this.prefix.length) : null;
  }

  /**
   * A workspace path as a pathspec after `--`: literal, so a file named `*.py` or `:x` means that
   * file, never a pattern (per path, because `--literal-pathspecs` for the whole command breaks
   * `git stash -u`).
   */
  pathspec(workspacePath: string): string {
    return `:(literal)${this.repoPath(workspacePath)}`;
  }

  run(args: readonly string[], options: { signal?: AbortSignal; input?: string | Buffer } = {}): Promise<GitResult> {
    return runGit(this.top, args, options);
  }

  /** Runs git; a refusal (non-zero exit) becomes a 'git-refused' error carrying git's reason. */
  async must(args: readonly string[], options: { signal?: AbortSignal; input?: string | Buffer; action?: string } = {}): Promise<Buffer> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      const reason = firstLines(result.stderr, 6) || firstLines(result.stdout.toString('utf8'), 6) || `git exited with ${result.code}`;
      throw new ApiError({ code: 'git-refused', message: `${options.action ?? `git ${args[0] ?? ''}`} failed: ${reason}` });
    }
    return result.stdout;
  }

  async text(args: readonly string[], options: { signal?: AbortSignal; action?: string } = {}): Promise<string> {
    return (await this.must(args, options)).toString('utf8');
  }
}
