import { createHash } from 'node:crypto';
import { isEnvironmentPrefix, TMUX } from '../runs';
import { shellQuote } from '../ssh';

/**
 * The remote commands behind a terminal. Each runs on an exec channel with a pty (ssh2's
 * `exec(…, { pty })`): a `shell` channel cannot be given a command, and typing one into it races
 * the prompt (research/journal.md §4.1). Every word from the user or the project is quoted.
 */

/**
 * Labdesk's shells are tmux sessions on Labdesk's own socket named
 * `labdesk-term-<project>-<id>`: `<project>` is a short hash of the remote root, so a window
 * lists for reattaching only its own project's shells, and `labdesk shell` on the same project
 * makes shells the window can reattach.
 */
export const TERMINAL_SESSION_PREFIX = 'labdesk-term-';

export function projectSessionPrefix(remoteRoot: string): string {
  return `${TERMINAL_SESSION_PREFIX}${createHash('sha256').update(remoteRoot).digest('hex').slice(0, 6)}-`;
}

export function terminalSessionName(remoteRoot: string, id: string): string {
  return `${projectSessionPrefix(remoteRoot)}${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export interface ShellSpec {
  readonly remoteRoot: string;
  /** The target's environment line: typed into the new shell, or a prefix the shell runs under. */
  readonly environment?: string;
  readonly cols: number;
  readonly rows: number;
}

/**
 * The shell script a terminal starts: into the remote root (saying so when the first sync has
 * not made it yet), then the login shell, under an environment prefix (`pipenv run`) when the
 * target has one.
 */
function shellScript(spec: ShellSpec): string {
  const environment = spec.environment?.trim() ?? '';
  const shell = '"${SHELL:-/bin/sh}"';
  const program = environment !== '' && isEnvironmentPrefix(environment) ? `${environment} ${shell}` : `${shell} -l`;
  const missing = `labdesk: ${spec.remoteRoot} does not exist yet (the first sync makes it); starting in your home folder`;
  return `cd ${shellQuote(spec.remoteRoot)} 2>/dev/null || echo ${shellQuote(missing)}; exec ${program}`;
}

/** An environment line to type into the new shell once (prefixes are not typed). */
export function typedEnvironment(environment: string | undefined): string | null {
  const line = environment?.trim() ?? '';
  return line === '' || isEnvironmentPrefix(line) ? null : line;
}

/**
 * Creates the tmux session when it does not exist yet (its shell in the remote root, the size
 * of the window, a long history, no status line), types the environment line into its shell, then
 * attaches: the same command reattaches after a drop. The history limit is set in the same tmux
 * call that makes the pane (a running server only gives it to panes made later), and tmux is
 * told once to draw on the outer terminal's main screen, so the window's own scrollback and
 * selection work.
 */
export function tmuxShellCommand(session: string, spec: ShellSpec): string {
  const name = shellQuote(session);
  const target = shellQuote(`=${session}`);
  // Commands that take a pane or window need the colon: `=name` alone is looked up as a window.
  const pane = shellQuote(`=${session}:`);
  const environment = spec.environment?.trim() ?? '';
  const typed = typedEnvironment(environment);
  const create = [
    `${TMUX} start-server \\; set-option -g history-limit 50000`,
    `\\; new-session -d -s ${name} -x ${spec.cols} -y ${spec.rows} ${shellQuote(shellScript(spec))}`,
    `\\; set-option -t ${pane} status off`,
    ...(typed !== null ? [`\\; send-keys -t ${pane} -l ${shellQuote(typed)} \\; send-keys -t ${pane} Enter`] : []),
  ].join(' ');
  const mainScreen = `{ ${TMUX} show-options -s terminal-overrides | grep -q 'smcup@' || ${TMUX} set-option -sa terminal-overrides ',xterm*:smcup@:rmcup@'; }`;
  return `{ ${TMUX} has-session -t ${target} 2>/dev/null || ${create}; } || exit 1; ${mainScreen}; exec ${TMUX} attach-session -t ${target}`;
}

/** A plain login shell in the remote root, for servers without tmux (it ends with the connection). */
export function plainShellCommand(spec: ShellSpec): string {
  return shellScript(spec);
}

/** Attaches to a run's tmux session, read-only (`-r`: keys are not passed on) or not. */
export function attachRunCommand(session: string, readOnly: boolean): string {
  const target = shellQuote(`=${session}`);
  return `${TMUX} has-session -t ${target} 2>/dev/null || { echo 'labdesk: the session of this run has ended; its output is in the run log.'; exit 3; }; exec ${TMUX} attach-session${readOnly ? ' -r' : ''} -t ${target}`;
}

/** What tmux still holds of a session's pane (with colours), to show before reattaching. */
export function captureCommand(session: string): string {
  return `${TMUX} capture-pane -p -e -J -S -10000 -t ${shellQuote(`=${session}:`)} 2>/dev/null`;
}

/** Labdesk's shells of one project on this server (not its runs' sessions). */
export function listShellsCommand(remoteRoot: string): string {
  return `${TMUX} list-sessions -F '#{session_name}' 2>/dev/null | grep '^${projectSessionPrefix(remoteRoot)}' || true`;
}

export function killShellCommand(session: string): string {
  return `${TMUX} kill-session -t ${shellQuote(`=${session}`)} 2>/dev/null; true`;
}

/** Prints `tmux` when tmux is on the server's PATH. */
export const HAS_TMUX_COMMAND = 'command -v tmux >/dev/null 2>&1 && echo tmux; true';
