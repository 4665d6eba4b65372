import { isRunFinished, type RunRecord } from '../../preload/api';
import { settleStatus } from './run-status';
import { saveRun } from './run-store';
import { readRunFacts, type RemoteExec } from './tmux-launcher';

/**
 * Asks one server about its unfinished runs in one exec, settles each run's status from the
 * answer and saves the runs whose record changed. Finished runs are not asked about. Returns the
 * runs given, updated, and the ids that changed. Shared by `labdesk runs` and the window's poll.
 */
export async function refreshRuns(root: string, exec: RemoteExec, runs: readonly RunRecord[]): Promise<{ runs: RunRecord[]; changed: string[] }> {
  const open = runs.filter((run) => !isRunFinished(run.status));
  if (open.length === 0) return { runs: [...runs], changed: [] };
  const facts = await readRunFacts(
    exec,
    open.map((run) => ({ id: run.id, runDir: run.runDir, ...(run.session && (run.launcher === 'slurm' ? { job: run.session } : { session: run.session })) })),
  );
  const now = Date.now();
  const changed: string[] = [];
  const updated = await Promise.all(
    runs.map(async (run) => {
      if (isRunFinished(run.status)) return run;
      const next = settleStatus(run, facts.get(run.id), now);
      if (JSON.stringify(next) === JSON.stringify(run)) return run;
      await saveRun(root, next);
      changed.push(run.id);
      return next;
    }),
  );
  return { runs: updated, changed };
}
