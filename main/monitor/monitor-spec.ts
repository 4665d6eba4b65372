import { listRuns } from '../runs';
import { DATA_FOLDERS } from '../workspace';
import type { MonitorCommandSpec } from './monitor-command';

/**
 * What a sample of one server asks about: the free disk of its remote root, of the data folders
 * in it (links to other disks, followed by the trailing slash) and of its data disk folder, and
 * the wrapper pids of the tmux runs started there that may hold a GPU. Shared by the window's
 * Monitor and `labdesk monitor`.
 */
export async function monitorSpec(root: string, target: string, remoteRoot: string, dataRoot: string | undefined): Promise<MonitorCommandSpec> {
  const runs = (await listRuns(root)).filter((run) => run.target === target && run.launcher === 'tmux' && (run.status === 'running' || run.status === 'launching'));
  return { disks: [remoteRoot, ...DATA_FOLDERS.map((name) => `${remoteRoot}/${name}/`), ...(dataRoot ? [dataRoot] : [])], runs };
}
