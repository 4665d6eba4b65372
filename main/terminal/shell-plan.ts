import type { Client } from 'ssh2';
import { execCommand } from '../ssh';
import { HAS_TMUX_COMMAND, plainShellCommand, type ShellSpec, tmuxShellCommand, typedEnvironment } from './terminal-commands';

/** How a shell starts on a server: the window's terminals and `labdesk shell` follow the same plan. */
export interface ShellPlan {
  /** What the exec channel (with a pty) runs. */
  readonly command: string;
  /** The tmux session behind it; null for a plain shell. */
  readonly tmuxSession: string | null;
  /** The environment line to type once a plain shell runs (tmux gets it through send-keys). */
  readonly typeAfterOpen: string | null;
  /** What to tell the person once (no tmux: the shell ends with the connection). */
  readonly notice: string | null;
}

/** Whether tmux is on the server's PATH (one exec). */
export async function serverHasTmux(client: Client): Promise<boolean> {
  return (await execCommand(client, HAS_TMUX_COMMAND)).stdout.toString('utf8').includes('tmux');
}

/** A tmux-backed shell named `session` where tmux exists, else a plain shell with a notice. */
export function shellPlan(tmux: boolean, session: string, spec: ShellSpec, host: string): ShellPlan {
  if (tmux) return { command: tmuxShellCommand(session, spec), tmuxSession: session, typeAfterOpen: null, notice: null };
  return { command: plainShellCommand(spec), tmuxSession: null, typeAfterOpen: typedEnvironment(spec.environment), notice: `tmux is not installed on ${host}: this is a plain shell, and it ends if the connection drops.` };
}

/** Why a shell cannot be reattached on a server without tmux. */
export function noShellToReattach(host: string): string {
  return `tmux is not installed on ${host}, so there is no shell to reattach.`;
}
