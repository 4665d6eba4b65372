const SETTLE_MS = 200;

export interface RepositoryWatcher {
  close(): Promise<void>;
}

/**
 * Calls `onChange` (at most once per 200 ms) when HEAD, a ref, the index or a merge/rebase marker
 * changes in the .git folder, by anyone but Labdesk itself: a commit in a terminal, a fetch, an editor's git.
 * Objects and logs are not watched (a fetch or gc writes thousands of them).
 */
export async function watchRepository(gitDir: string, onChange: () => void, isOwnChange: () => boolean = () => false): Promise<RepositoryWatcher> {
  const watcher = await import('@parcel/watcher');
  let timer: NodeJS.Timeout | null = null;
  const subscription = await watcher.subscribe(
    gitDir,
    (error, events) => {
      // Labdesk's own actions report themselves; their echo here would refresh the window twice.
      if (error || events.length === 0 || isOwnChange()) return;
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
