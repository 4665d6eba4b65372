import { spawn } from 'node:child_process';
import type { PullMode } from '../../../preload/api';
import { ApiError, type TaskHandle } from '../../common';
import type { Repository } from '../repository';
import { firstLines, GIT_ENV } from '../run-git';

/**
 * fetch, pull and push through the system git, so the user's own credentials work: credential
 * helpers, ssh-agent, ~/.ssh/config, insteadOf rules. git runs in its own session without a
 * terminal, so nothing can stop to ask for a password in a window nobody sees (it fails instead,
 * and the failure is explained). Progress lines ("Receiving objects: 45% (450/1000)") feed the
 * task's counts; cancel kills git.
 */
export async function runRemoteCommand(repo: Repository, args: readonly string[], task: TaskHandle): Promise<string> {
  const child = spawn('git', [...args], { cwd: repo.top, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const abort = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  };
  task.signal.addEventListener('abort', abort, { once: true });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderr += text;
    const progress = lastProgress(text);
    if (progress) task.report(progress.done, progress.total);
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exit) => resolve(exit ?? 1));
  }).finally(() => task.signal.removeEventListener('abort', abort));
  if (task.signal.aborted) throw new ApiError({ code: 'cancelled', message: `git ${args[0]} was cancelled.` });
  if (code !== 0) throw new ApiError({ code: 'git-refused', message: explainRemoteFailure(args[0] ?? 'git', stderr, stdout) });
  return `${stdout}\n${stderr}`;
}

const PROGRESS = /([A-Za-z ]+):\s+\d+% \((\d+)\/(\d+)\)/g;

/** The last "Phase: NN% (done/total)" in a chunk of git's progress output. */
export function lastProgress(text: string): { done: number; total: number } | null {
  let last: { done: number; total: number } | null = null;
  for (const match of text.matchAll(PROGRESS)) last = { done: Number(match[2]), total: Number(match[3]) };
  return last;
}

/** git's failure in words a researcher can act on, with git's own line kept at the end. */
export function explainRemoteFailure(command: string, stderr: string, stdout = ''): string {
  const text = `${stderr}\n${stdout}`;
  const said = firstLines(stderr.replace(/\r/g, '\n').split('\n').filter((line) => !/%\s*\(\d+\/\d+\)/.test(line)).join('\n'), 4);
  const because = (words: string) => `${words}${said ? ` (git: ${said})` : ''}`;
  if (/\[rejected\].*\((fetch first|non-fast-forward)\)/.test(text) || /Updates were rejected/.test(text)) {
    return because('The push was rejected: the remote has commits that this branch does not have. Pull first (merge or rebase), then push again.');
  }
  if (/\[remote rejected\]/.test(text)) return because('The remote refused the push (a protected branch or a server-side hook).');
  if (/has no upstream branch|no tracking information/.test(text)) return because(`This branch has no upstream yet: push it once with "set upstream" to choose where it goes.`);
  if (/Not possible to fast-forward|divergent branches|Need to specify how to reconcile/.test(text)) {
    return because('The pull needs a merge: this branch and its upstream have both moved on. Pull again with "merge" or "rebase".');
  }
  if (/CONFLICT|Automatic merge failed|could not apply/.test(text)) {
    const files = [...text.matchAll(/CONFLICT \([^)]*\): (?:Merge conflict in )?(.+)/g)].map((match) => match[1]?.trim()).filter(Boolean);
    return because(`The ${command} stopped with conflicts${files.length > 0 ? ` in ${files.join(', ')}` : ''}. Resolve them (they are listed under Conflicts), stage them, then commit.`);
  }
  if (/would be overwritten by merge|Please commit your changes or stash them/.test(text)) {
    return because('Your uncommitted changes would be overwritten. Commit or stash them first, then pull again.');
  }
  if (/Authentication failed|Permission denied \(publickey|could not read Username|terminal prompts disabled|Host key verification failed/.test(text)) {
    return because('The remote refused the credentials. Labdesk uses your own git setup (credential helper, ssh-agent, ~/.ssh/config): check that the same command works in a terminal.');
  }
  if (/Could not resolve host|Connection refused|Connection timed out|unable to access/.test(text)) return because('The remote could not be reached. Check the network and the remote\'s address.');
  if (/does not appear to be a git repository|repository .* not found/i.test(text)) return because('The remote is not a repository git can reach at that address.');
  return said ? `git ${command} failed: ${said}` : `git ${command} failed.`;
}

export function pullArgs(mode: PullMode): string[] {
  return ['pull', '--progress', mode === 'rebase' ? '--rebase' : mode === 'merge' ? '--no-rebase' : '--ff-only'];
}

/** `git push`; with setUpstream the branch goes to the only (or `origin`) remote under its own name. */
export async function pushArgs(repo: Repository, setUpstream: boolean): Promise<string[]> {
  if (!setUpstream) return ['push', '--progress'];
  const remotes = (await repo.text(['remote'])).split('\n').filter(Boolean);
  const remote = remotes.includes('origin') ? 'origin' : remotes[0];
  if (remote === undefined) throw new ApiError({ code: 'git-refused', message: 'This repository has no remote to push to. Add one with `git remote add origin <url>`.' });
  return ['push', '--progress', '--set-upstream', remote, 'HEAD'];
}
