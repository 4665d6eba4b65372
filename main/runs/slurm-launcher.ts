import type { SlurmOptions } from '../../preload/api';
import { ApiError } from '../common';
import { shellQuote } from '../ssh';
import { wrapperScript, type WrapperSpec } from './run-wrapper';
import type { RemoteExec } from './tmux-launcher';

/** A target's Slurm options (`slurm` in .labdesk/project.json); `gpus` becomes `--gres=gpu:N`. */
export type { SlurmOptions } from '../../preload/api';

/**
 * Submits a run as a batch job, in one exec: the run folder is made, the same wrapper as for
 * tmux written from stdin, and `sbatch --parsable` given it, so the job records pid, times,
 * output.log and exit_code in the run folder like a tmux run does (that file outlives Slurm's
 * own memory of the job: MinJobAge purges it, and sacct needs accounting). Returns the job id.
 */
export async function launchInSlurm(exec: RemoteExec, spec: WrapperSpec, host: string, options: SlurmOptions = {}): Promise<string> {
  const script = `${spec.runDir}/run.sh`;
  const sbatch = [
    'sbatch',
    '--parsable',
    `--job-name=${shellQuote(`labdesk-${spec.runId}`)}`,
    `--chdir=${shellQuote(spec.workDir)}`,
    `--output=${shellQuote(`${spec.runDir}/slurm.out`)}`,
    ...(options.partition ? [`--partition=${shellQuote(options.partition)}`] : []),
    ...(options.gpus ? [`--gres=gpu:${Math.floor(options.gpus)}`] : []),
    ...(options.time ? [`--time=${shellQuote(options.time)}`] : []),
    shellQuote(script),
  ].join(' ');
  const command = [
    `command -v sbatch >/dev/null 2>&1 || { echo 'labdesk: sbatch is not installed' >&2; exit 127; }`,
    `mkdir -p ${shellQuote(spec.runDir)}`,
    `cat > ${shellQuote(script)}`,
    `chmod +x ${shellQuote(script)}`,
    sbatch,
  ].join(' && ');
  const result = await exec(command, { stdin: wrapperScript(spec) });
  if (result.code === 127 && /sbatch is not installed/.test(result.stderr)) throw new ApiError({ code: 'not-supported', message: `Slurm's sbatch is not on the PATH on ${host}; use the tmux launcher there.` });
  if (result.code !== 0) throw new ApiError({ code: 'internal', message: `Slurm refused the job on ${host}: ${result.stderr.trim() || `exit ${result.code}`}` });
  // "<job id>" or, on a multi-cluster setup, "<job id>;<cluster>".
  const job = /^(\d+)(?:;\S+)?\s*$/m.exec(result.stdout.toString('utf8'))?.[1];
  if (!job) throw new ApiError({ code: 'internal', message: `sbatch on ${host} answered without a job id: ${result.stdout.toString('utf8').trim()}` });
  return job;
}

export async function stopSlurmRun(exec: RemoteExec, job: string): Promise<void> {
  await exec(`scancel ${shellQuote(job)} 2>/dev/null; true`);
}

/**
 * The shell that prints `slurm=<STATE>` for a job: squeue first (with -t all, finished jobs
 * too), then scontrol, then sacct, which answers only where accounting is set up (elsewhere it
 * prints nothing here) but remembers jobs long after the controller forgot them.
 */
export function slurmStateCommand(job: string): string {
  const id = shellQuote(job);
  return `{ s=$(squeue -h -j ${id} -t all -o '%T' 2>/dev/null | head -n 1); [ -n "$s" ] || s=$(scontrol -o show job ${id} 2>/dev/null | sed -n 's/.*JobState=\\([A-Z_]*\\).*/\\1/p'); [ -n "$s" ] || s=$(sacct -n -X -P -j ${id} -o State 2>/dev/null | head -n 1 | cut -d ' ' -f 1); [ -n "$s" ] && printf 'slurm=%s\\n' "$s"; true; }`;
}
