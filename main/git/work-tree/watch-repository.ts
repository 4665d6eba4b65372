const SETTLE_MS = 200;

export interface RepositoryWatcher {
  close(): Promise<void>;
}

/**
 * Calls `onChange` (at most once per 200 ms) when HEAD, a ref, the index or a merge/rebase marker
 * changes in the .git folder, whoever changed it: a commit in a terminal, a fetch, an editor's git.
 * Objects and logs are not watched (a fetch or gc writes thousands of them).
 */
export async function watchRepository(gitDir: string, onChange: () => void): Promise<RepositoryWatcher> {
  const watcher = await import('@parcel/watcher');
  let timer: NodeJS.Timeout | null = null;
  const subscription = await watcher.subscribe(
    gitDir,
    (error, events) => {
      if (error || events.length === 0) return;
      timer ??= setTimeout(() => {
        timer = null;
        onChange();
      }, SETTLE_MS);
    },
    { ignore: ['objects', 'logs', 'lfs', 'hooks', 'info', '**/*.lock'] },
  );
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await subscription.unsubscribe();
    },
  };
}
