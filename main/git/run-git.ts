import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ApiError } from '../common';

/**
 * The system git, run without a shell (arguments are passed as they are, never parsed) and
 * without prompts: a git that would ask for a password or a passphrase fails instead of hanging
 * (the commands that may need credentials, fetch/pull/push, set their own environment).
 */
export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  // Messages git prints are parsed (and shown) in English, whatever the user's locale.
  LC_ALL: 'C',
  LANGUAGE: 'C',
  // A pager or an editor must never start from here.
  GIT_PAGER: 'cat',
  GIT_EDITOR: 'false',
  // git log output must not depend on the user's config (log.showSignature adds lines); what
  // the caller's environment already sets stays.
  GIT_CONFIG_PARAMETERS: [process.env.GIT_CONFIG_PARAMETERS, "'log.showsignature=false' 'core.quotepath=false'"].filter(Boolean).join(' '),
};

export interface GitResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

/** No `git` on PATH: the caller falls back to isomorphic-git. */
export class GitNotInstalled extends Error {
  constructor() {
    super('git is not installed (no `git` on PATH).');
  }
}

export function spawnGit(cwd: string, args: readonly string[], signal?: AbortSignal, env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn('git', args, { cwd, env: { ...GIT_ENV, ...env }, stdio: ['pipe', 'pipe', 'pipe'], ...(signal && { signal }) });
}

/** Runs git to the end; rejects only when git cannot be started (GitNotInstalled) or is cancelled. */
export function runGit(cwd: string, args: readonly string[], options: { signal?: AbortSignal; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(cwd, args, options.signal, options.env);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new GitNotInstalled());
      else if (error.name === 'AbortError') reject(new ApiError({ code: 'cancelled', message: `git ${args[0] ?? ''} was cancelled.` }));
      else reject(error);
    });
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code: code ?? 1 }));
    child.stdin.end(options.input);
  });
}

/** Runs git and returns its stdout; a non-zero exit becomes an error with git's own words. */
export async function gitOutput(cwd: string, args: readonly string[], options: { signal?: AbortSignal } = {}): Promise<string> {
  const result = await runGit(cwd, args, options);
  if (result.code !== 0) throw new ApiError({ code: 'internal', message: `git ${args[0] ?? ''} failed: ${firstLines(result.stderr) || `exit ${result.code}`}` });
  return result.stdout.toString('utf8');
}

/** git's message, without the noise of hints: its first lines. */
export function firstLines(text: string, lines = 3): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('hint:'))
    .slice(0, lines)
    .join(' ')
    .trim();
}
