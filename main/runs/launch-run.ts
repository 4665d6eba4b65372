import { readdir } from 'node:fs/promises';
import type { RunRecord } from '../../preload/api';
import { fail } from '../common';
import { runGit } from '../git';
import type { JournalService } from '../journal';
import { type CodeSnapshot, snapshotCode } from './code-snapshot';
import { configFilesNamed, environmentFiles } from './run-inputs';
import { newRunId, saveRun, writeNewRun } from './run-store';
import { launchInSlurm, type SlurmOptions } from './slurm-launcher';
import { launchInTmux, type RemoteExec } from './tmux-launcher';

/** Where a run goes, once the code is pushed (the CLI and the window each bring their own connection). */
export interface LaunchTarget {
  readonly root: string;
  /** As the user names it: a target name, or an ssh:// address (`labdesk runs` reconnects with it). */
  readonly target: string;
  readonly host: string;
  readonly remoteRoot: string;
  readonly exec: RemoteExec;
  /** The synced files with their hashes, as the server has them now. */
  readonly manifest: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  readonly environment?: string;
  readonly launcher?: 'tmux' | 'slurm';
  readonly slurm?: SlurmOptions;
}

export interface LaunchRequest {
  readonly command: string;
  readonly launcher?: 'tmux' | 'slurm';
  /** A journal entry to file the run in (its id added to `runs`). */
  readonly entry?: string;
  /** This run's environment line instead of the target's (empty: none). */
  readonly environment?: string;
}

/**
 * Records and starts one run, after the caller pushed the code: the entry is checked first (a run
 * must not start and then fail to be filed), then the code is snapshotted and the run's folder
 * written with status `launching`, then the wrapper starts in tmux or is submitted to Slurm.
 * A launch that fails leaves the record as `lost` and throws.
 */
export async function launchRun(target: LaunchTarget, request: LaunchRequest, journal: JournalService | null): Promise<RunRecord> {
  const { root } = target;
  const entry = request.entry === undefined || journal === null ? null : await journal.findEntry(request.entry);
  const launcher = request.launcher ?? target.launcher ?? 'tmux';
  const environment = (request.environment ?? target.environment ?? '').trim() || null;
  if (environment !== null && /[\r\n]/.test(environment)) fail('bad-argument', 'The environment is one line, e.g. conda activate x (no line breaks).', 'environment');
  const code = await snapshotOrNone(root);
  const id = newRunId(new Date());
  const runDir = `${target.remoteRoot}/.labdesk/runs/${id}`;
  const configs = await configFilesNamed(root, request.command);
  const lockFiles = await environmentFiles(root, await readdir(root));
  let record: RunRecord = {
    id,
    status: 'launching',
    exitCode: null,
    command: request.command,
    target: target.target,
    host: target.host,
    remoteRoot: target.remoteRoot,
    runDir,
    launcher,
    session: null,
    environment,
    entry: entry?.path ?? null,
    code: { commit: code.commit, branch: code.branch, dirty: code.dirty, patch: code.patch === '' ? null : 'code.patch', untracked: code.untracked, largeFiles: code.largeFiles },
    configs,
    environmentFiles: lockFiles,
    manifest: 'manifest.json',
    createdAt: new Date().toISOString(),
    startedAt: null,
    endedAt: null,
  };
  await writeNewRun(root, record, { patch: code.patch, configs, environmentFiles: lockFiles, manifest: target.manifest });
  try {
    const spec = { runId: id, workDir: target.remoteRoot, runDir, command: request.command, ...(environment && { environment }) };
    const started = launcher === 'slurm' ? await launchInSlurm(target.exec, spec, target.host, target.slurm ?? {}) : await launchInTmux(target.exec, spec, target.host);
    record = { ...record, session: started, ...(launcher === 'slurm' && { status: 'queued' as const }) };
  } catch (error) {
    await saveRun(root, { ...record, status: 'lost' });
    throw error;
  }
  await saveRun(root, record);
  if (entry && journal) await journal.addRun(entry.path, id);
  return record;
}

/** A folder that is not in a git repository still runs; its record says so (no commit, no patch). */
async function snapshotOrNone(root: string): Promise<CodeSnapshot> {
  const top = await runGit(root, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) return { commit: null, branch: null, dirty: false, patch: '', untracked: [], largeFiles: [] };
  return snapshotCode(top.stdout.toString('utf8').trim());
}
