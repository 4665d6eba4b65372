import { ApiError } from '../common';
import { type ExecResult, shellQuote } from '../ssh';
import { tmuxSessionName, wrapperScript, type WrapperSpec } from './run-wrapper';
import { slurmStateCommand } from './slurm-launcher';

/** Runs a command on the target and returns what it printed (one exec channel). */
export type RemoteExec = (command: string, options?: { stdin?: string }) => Promise<ExecResult>;

/** Labdesk's own tmux server (`tmux -L labdesk`), so the user's sessions and config are never touched. */
export const TMUX = 'tmux -L labdesk';

/**
 * Starts a run in its own detached tmux session on Labdesk's socket, in one exec: the run folder
 * is made, the wrapper written from stdin, and `new-session` given the wrapper as its command
 * (not typed into a shell with send-keys, which races the prompt and loses the exit code).
 * Returns the session name; targets always use `=name`, since tmux prefix-matches otherwise.
 */
export async function launchInTmux(exec: RemoteExec, spec: WrapperSpec, host: string): Promise<string> {
  const session = tmuxSessionName(spec.runId);
  const script = `${spec.runDir}/run.sh`;
  const command = [
    `command -v tmux >/dev/null 2>&1 || { echo 'labdesk: tmux is not installed' >&2; exit 127; }`,
    `mkdir -p ${shellQuote(spec.runDir)}`,
    `cat > ${shellQuote(script)}`,
    `chmod +x ${shellQuote(script)}`,
    `${TMUX} new-session -d -s ${shellQuote(session)} -c ${shellQuote(spec.workDir)} bash ${shellQuote(script)}`,
  ].join(' && ');
  const result = await exec(command, { stdin: wrapperScript(spec) });
  if (result.code === 127 && /tmux is not installed/.test(result.stderr)) {
    throw new ApiError({ code: 'not-supported', message: `tmux is not installed on ${host}; install it (apt install tmux) or use the Slurm launcher.` });
  }
  if (result.code !== 0) throw new ApiError({ code: 'internal', message: `The run could not be started on ${host}: ${result.stderr.trim() || `exit ${result.code}`}` });
  return session;
}

/** Ends a run's session (the wrapper records exit code 129). */
export async function stopTmuxRun(exec: RemoteExec, session: string): Promise<void> {
  await exec(`${TMUX} kill-session -t ${shellQuote(`=${session}`)} 2>/dev/null; true`);
}

export interface RemoteRunFacts {
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly exitCode?: number;
  /** Its tmux session still exists. */
  readonly alive: boolean;
  /** A Slurm job's state (PENDING, RUNNING, COMPLETED, CANCELLED, TIMEOUT, …), when Slurm still knows it. */
  readonly scheduler?: string;
}

const SEPARATOR = '\u001e';

/**
 * What the server says about several runs, in one exec: each run's files and whether its tmux
 * session is alive. The files decide (they survive tmux); the session only tells running from lost.
 */
export async function readRunFacts(exec: RemoteExec, runs: ReadonlyArray<{ readonly id: string; readonly runDir: string; readonly session?: string; readonly job?: string }>): Promise<Map<string, RemoteRunFacts>> {
  if (runs.length === 0) return new Map();
  const parts = runs.map((run) => {
    const dir = shellQuote(run.runDir);
    const alive = run.job ? slurmStateCommand(run.job) : run.session ? `${TMUX} has-session -t ${shellQuote(`=${run.session}`)} 2>/dev/null && echo alive=1` : 'true';
    return `printf '${SEPARATOR}%s\\n' ${shellQuote(run.id)}; for f in started_at ended_at exit_code; do [ -f ${dir}/$f ] && printf '%s=%s\\n' "$f" "$(cat ${dir}/$f)"; done; ${alive}`;
  });
  const result = await exec(parts.join('; '));
  const facts = new Map<string, RemoteRunFacts>();
  for (const block of result.stdout.toString('utf8').split(SEPARATOR).slice(1)) {
    const [id = '', ...lines] = block.split('\n');
    const values = new Map(lines.filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]));
    const code = values.get('exit_code');
    facts.set(id, {
      ...(values.get('started_at') && { startedAt: values.get('started_at') as string }),
      ...(values.get('ended_at') && { endedAt: values.get('ended_at') as string }),
      ...(code !== undefined && code !== '' && Number.isFinite(Number(code)) && { exitCode: Number(code) }),
      alive: values.get('alive') === '1',
      ...(values.get('slurm') && { scheduler: values.get('slurm') as string }),
    });
  }
  return facts;
}
