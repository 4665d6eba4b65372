// Terminals on the active server: a shell backed by tmux (or a plain shell where tmux is missing).

export interface TerminalInfo {
  readonly id: string;
  /** The tab's title: `gpu1`, `gpu1: r-20261207-…` for a run's session. */
  readonly title: string;
  readonly target: string;
  /** Labdesk's tmux session behind it; null for a plain shell (tmux missing on the server). */
  readonly tmuxSession: string | null;
  /** Attached to a run's session without the right to type. */
  readonly readOnly: boolean;
  /** Something to tell the person once, in the terminal's own area (no tmux: no reattach). */
  readonly notice: string | null;
}

export type TerminalState = 'connected' | 'reconnecting' | 'ended';

export interface TerminalApi {
  /**
   * A new terminal on the active server, `cols` × `rows` to start with: a new tmux-backed shell in
   * the remote root with the target's environment line, the shell `session` left by an earlier
   * window (reattached, its scrollback replayed), or a run's tmux session (`run`).
   */
  open(arg: { readonly cols: number; readonly rows: number; readonly session?: string; readonly run?: { readonly id: string; readonly readOnly: boolean } }): Promise<TerminalInfo>;
  /** Keys typed or text pasted. */
  input(arg: { readonly id: string; readonly data: string }): Promise<void>;
  resize(arg: { readonly id: string; readonly cols: number; readonly rows: number }): Promise<void>;
  /** The window has drawn this much of the output (string length): flow control's low watermark. */
  ack(arg: { readonly id: string; readonly chars: number }): Promise<void>;
  /** Closes the tab: a shell's tmux session ends with it; a run's session is only left. */
  close(arg: { readonly id: string }): Promise<void>;
  /** Labdesk's shells still alive on the active server that no tab shows (after a reload). */
  sessions(arg: Record<string, never>): Promise<readonly string[]>;
}
