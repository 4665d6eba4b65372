import type { Repository } from '../repository';

/** Commits what is staged (or amends the last commit) with the message given, never opening an editor. */
export async function commitStaged(repo: Repository, message: string, amend: boolean): Promise<string> {
  await repo.must(['commit', '-q', '--cleanup=strip', '-F', '-', ...(amend ? ['--amend'] : [])], { input: message, action: amend ? 'Amending' : 'Committing' });
  return (await repo.text(['rev-parse', 'HEAD'])).trim();
}

export async function lastMessage(repo: Repository): Promise<string> {
  const result = await repo.run(['log', '-1', '--format=%B', 'HEAD', '--']);
  return result.code === 0 ? result.stdout.toString('utf8').replace(/\n+$/, '') : '';
}
