import { ApiError, EventBus } from '../common';
import { JournalService } from '../journal';
import { execCommand, shellCommand } from '../ssh';
import { isRunFinished } from '../../preload/api';
import { launchRun, listRuns, refreshRuns, type RemoteExec, syncedManifest } from '../runs';
import { EXIT_CONFLICTS, EXIT_ERROR, openTarget, type SyncCommandOptions } from './sync-command';

export interface RunCommandOptions extends Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'> {
  /** Unset: the target's `launcher`, else tmux. */
  readonly launcher?: 'tmux' | 'slurm';
  readonly entry?: string;
  readonly json: boolean;
}

/**
 * `labdesk run LOCAL_DIR TARGET -- COMMAND...`: pushes the code (stops if conflicts remain),
 * records the run with its exact code in journal/runs/<id>/, starts it on the target, and
 * returns as soon as it is launched, printing its id. One argument after `--` is a shell command
 * line as it is (`-- "python train.py && python eval.py"`); several are quoted word by word.
 */
export async function runRunCommand(localDir: string, targetSpec: string, argv: readonly string[], options: RunCommandOptions): Promise<number> {
  if (argv.length === 0) throw new ApiError({ code: 'bad-argument', message: 'Give the command to run after --: labdesk run DIR TARGET -- python train.py' });
  const command = argv.length === 1 ? (argv[0] as string) : shellCommand(argv);
  const opened = await openTarget(localDir, targetSpec, { ...options, scanWhileConnecting: true, prestartTarShell: false });
  const { session, target } = opened;
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    // The server must have exactly this code before it runs.
    const { prepareSync, executeSync } = await import('../sync/sync-engine');
    const prepared = await prepareSync(session, { deleteRemote: false, ...(opened.firstLocalScan && { localScan: opened.firstLocalScan }) });
    if (prepared.plan.halted) throw new ApiError({ code: 'internal', message: prepared.plan.halted });
    const report = await executeSync(session, prepared, {});
    if (report.errors.length > 0) {
      for (const error of report.errors) err(`labdesk: ${error.message}`);
      err('labdesk: the code could not be pushed; nothing was launched.');
      return EXIT_ERROR;
    }
    if (report.conflicts.length > 0) {
      for (const conflict of report.conflicts) err(`labdesk: conflict: ${conflict.path}: ${conflict.reason}`);
      err(`labdesk: ${report.conflicts.length} file(s) differ on ${session.hostLabel} from what was last synced; resolve them first. Nothing was launched.`);
      return EXIT_CONFLICTS;
    }

    const root = session.localRoot;
    const journal = options.entry === undefined ? null : new JournalService(new EventBus());
    await journal?.setRoot(root);
    const exec: RemoteExec = (line, execOptions) => execCommand(opened.ssh.client, line, execOptions);
    const record = await launchRun(
      {
        root,
        target: targetSpec,
        host: session.hostLabel,
        remoteRoot: session.remoteRoot,
        exec,
        manifest: syncedManifest(session.state.entries.values()),
        ...(target.environment && { environment: target.environment }),
        ...(target.launcher && { launcher: target.launcher }),
        ...(target.slurm && { slurm: target.slurm }),
      },
      { command, ...(options.launcher && { launcher: options.launcher }), ...(options.entry !== undefined && { entry: options.entry }) },
      journal,
    );
    const id = record.id;
    process.stdout.write(options.json ? `${JSON.stringify({ id, status: record.status })}\n` : `${id}\n`);
    return 0;
  } finally {
    opened.ssh.close();
  }
}

/**
 * `labdesk runs LOCAL_DIR`: every recorded run, its status refreshed from its server (one exec per
 * target for all its runs) and saved. A target that cannot be reached keeps its runs as they were
 * (said on stderr). One line per run, or with --json one object per line.
 */
export async function runRunsCommand(localDir: string, options: Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'> & { json: boolean }): Promise<number> {
  const { realpath } = await import('node:fs/promises');
  const root = await realpath(localDir).catch(() => {
    throw new ApiError({ code: 'not-found', message: `${localDir} does not exist.` });
  });
  let runs = await listRuns(root);
  const open = [...new Set(runs.filter((run) => !isRunFinished(run.status)).map((run) => run.target))];
  for (const targetName of open) {
    try {
      const opened = await openTarget(root, targetName, options);
      try {
        const exec: RemoteExec = (line, execOptions) => execCommand(opened.ssh.client, line, execOptions);
        const refreshed = await refreshRuns(root, exec, runs.filter((run) => run.target === targetName));
        const byId = new Map(refreshed.runs.map((run) => [run.id, run]));
        runs = runs.map((run) => byId.get(run.id) ?? run);
      } finally {
        opened.ssh.close();
      }
    } catch (error) {
      process.stderr.write(`labdesk: ${targetName}: ${error instanceof Error ? error.message : String(error)} (its runs are shown as last seen)\n`);
    }
  }
  for (const run of runs) {
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ id: run.id, status: run.status, exitCode: run.exitCode, command: run.command, commit: run.code.commit, dirty: run.code.dirty, target: run.target, startedAt: run.startedAt, endedAt: run.endedAt })}\n`);
    } else {
      const code = run.code.commit ? `${run.code.commit.slice(0, 8)}${run.code.dirty ? '+patch' : ''}` : 'no commit';
      process.stdout.write(`${run.id}  ${run.status.padEnd(9)} ${run.exitCode === null ? '   ' : String(run.exitCode).padStart(3)}  ${run.target}  ${code}  ${run.command}\n`);
    }
  }
  return 0;
}
