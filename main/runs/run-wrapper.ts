import { shellQuote } from '../ssh';

export interface WrapperSpec {
  readonly runId: string;
  /** The folder the command runs in (the target's remote root). */
  readonly workDir: string;
  /** `<remote root>/.labdesk/runs/<id>`: where the wrapper records the run. */
  readonly runDir: string;
  /** The user's command, as a shell command line (their own command, on their own server). */
  readonly command: string;
  /**
   * The target's environment: a line run first (`source .venv/bin/activate`,
   * `conda activate x`), or a prefix (`pipenv run`, `poetry run`, `conda run -n x`).
   */
  readonly environment?: string;
}

/** Environment "lines" that are really prefixes of the command. */
const PREFIX = /(^|\s)(pipenv|poetry|uv|pdm|hatch)\s+run\s*$|(^|\s)conda\s+run(\s+\S+)*\s*$/;

/** `pipenv run`, `conda run -n x`: goes in front of a command rather than before it (runs and terminals). */
export function isEnvironmentPrefix(environment: string): boolean {
  return PREFIX.test(environment.trim());
}

/**
 * The bash script a run executes in its tmux session (or its Slurm job). It records the run in
 * its own folder whatever happens to tmux, the ssh connection or the laptop: `pid`, `started_at`,
 * the output in `output.log` (also shown in the session, through tee), `ended_at` and
 * `exit_code` (the command's own status, or 129/143/130 when the session was killed or the run
 * stopped: the whole command is ended then, not left running). Each file is written to a temp name and renamed, so a reader never sees half of
 * one. A hang-up or termination (tmux kill-session, scancel) still records an exit code (129,
 * 143). Paths are quoted; the command is the user's shell command line.
 */
export function wrapperScript(spec: WrapperSpec): string {
  const environment = spec.environment?.trim() ?? '';
  const prefix = environment !== '' && isEnvironmentPrefix(environment);
  const body = environment === '' ? spec.command : prefix ? `${environment} ${spec.command}` : `${environment} || { echo "labdesk: the environment line failed: "${shellQuote(environment)} >&2; exit 126; }\n${spec.command}`;
  return `#!/usr/bin/env bash
# Written by Labdesk for run ${spec.runId}: it records the run in this folder, so the record
# survives the tmux session ending, a logout and the ssh connection dropping.
RUN=${shellQuote(spec.runDir)}
record() { printf '%s\\n' "$2" > "$RUN/$1.tmp" && mv -f "$RUN/$1.tmp" "$RUN/$1"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
finish() { record ended_at "$(now)"; record exit_code "$1"; exit "$1"; }
trap 'finish 129' HUP
trap 'finish 143' TERM
trap 'finish 130' INT
record pid "$$"
record started_at "$(now)"
cd ${shellQuote(spec.workDir)} || finish 127
# The command runs as its own process group (job control), so a hang-up or a stop ends all of
# it at once instead of waiting for it, and wait returns to run the trap.
set -m
{ (
${body}
); printf '%s\n' "$?" > "$RUN/.status"; } 2>&1 | tee -a "$RUN/output.log" &
group=$(jobs -p | head -n 1)
stop() { kill -TERM -- "-$group" 2>/dev/null; finish "$1"; }
trap 'stop 129' HUP
trap 'stop 143' TERM
trap 'stop 130' INT
wait "$!"
finish "$(cat "$RUN/.status" 2>/dev/null || echo 1)"
`;
}

/** tmux session names allow letters, digits, - and _; the run id already is one. */
export function tmuxSessionName(runId: string): string {
  return `labdesk-${runId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
