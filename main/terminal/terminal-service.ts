import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { TerminalInfo, TerminalState } from '../../preload/api';
import { type EventBus, fail } from '../common';
import type { RemoteContextSource } from '../explorer';
import { listRuns, tmuxSessionName } from '../runs';
import { execCommand } from '../ssh';
import { loadProjectSettings } from '../workspace';
import { FlowControl } from './flow-control';
import { noShellToReattach, serverHasTmux, shellPlan } from './shell-plan';
import { attachRunCommand, captureCommand, killShellCommand, listShellsCommand, terminalSessionName, TERMINAL_SESSION_PREFIX, type ShellSpec } from './terminal-commands';

/**
 * Output that arrives together (one read of the socket) goes as one message, sent right after
 * (setImmediate: a typed key's echo waits for no timer), or at once past BATCH_CHARS.
 */
const BATCH_CHARS = 64 * 1024;
/** How long a dropped tmux terminal waits between reattach attempts. */
const REATTACH_MS = 1_000;

interface Terminal {
  readonly info: TerminalInfo;
  /** What the exec channel runs: the same command reattaches a tmux shell. */
  readonly command: string;
  channel: ClientChannel | null;
  cols: number;
  rows: number;
  state: TerminalState;
  closed: boolean;
  readonly flow: FlowControl;
  decoder: StringDecoder;
  pending: string;
  flushTimer: NodeJS.Immediate | null;
}

/**
 * Terminals on the active server, each an exec channel with a pty on the target's connection
 * (no local pty, so no native module). A shell is a tmux session on Labdesk's socket where tmux
 * exists: when the connection drops, the terminal says so and attaches again as soon as the link
 * is back, with the same shell and its scrollback. Where tmux is missing it is a plain shell,
 * with a notice that it ends with the connection.
 *
 * Output goes to the window as `terminal.data` in batches; flow control (flow-control.ts) pauses
 * the channel while the window is more than a high watermark behind, so `cat` of a 100 MB file
 * neither floods the window nor grows memory here.
 */
export class TerminalService {
  private readonly terminals = new Map<string, Terminal>();
  /** Whether tmux is on a server, asked once per connection. */
  private readonly tmuxOn = new WeakMap<Client, Promise<boolean>>();
  private root: string | null = null;

  constructor(
    private readonly events: EventBus,
    private readonly remote: RemoteContextSource,
    /** Which server is active and whether it is meant to be connected (sync's status). */
    private readonly active: () => { readonly target: string | null; readonly connection: string },
  ) {}

  setRoot(root: string | null): void {
    this.root = root;
    this.closeAll();
  }

  async open(request: { cols: number; rows: number; session?: string; run?: { id: string; readOnly: boolean } }): Promise<TerminalInfo> {
    const root = this.root ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
    const context = await this.remote.remoteContext();
    const client = context.live.client;
    const id = `t${randomBytes(4).toString('hex')}`;
    const size = { cols: request.cols, rows: request.rows };
    let info: TerminalInfo;
    let command: string;
    let replay = '';
    /** A plain shell gets the environment line typed once it runs (tmux gets it through send-keys). */
    let typeAfterOpen: string | null = null;
    if (request.run) {
      const run = (await listRuns(root)).find((candidate) => candidate.id === request.run?.id) ?? fail('not-found', `There is no run ${request.run.id} in this project.`, 'run.id');
      if (run.target !== context.target) fail('bad-argument', `${run.id} is on ${run.target}; activate that target to attach to it.`, 'run.id');
      if (run.launcher !== 'tmux') fail('bad-argument', `${run.id} runs under Slurm; its output is in the run log.`, 'run.id');
      const session = run.session ?? tmuxSessionName(run.id);
      info = { id, title: `${context.target}: ${run.id}`, target: context.target, tmuxSession: session, readOnly: request.run.readOnly, notice: null };
      command = attachRunCommand(session, request.run.readOnly);
    } else {
      const settings = (await loadProjectSettings(root)).targets[context.target];
      const spec: ShellSpec = { remoteRoot: context.remoteRoot, ...(settings?.environment && { environment: settings.environment }), ...size };
      const tmux = await this.hasTmux(client);
      if (request.session !== undefined) {
        if (!request.session.startsWith(TERMINAL_SESSION_PREFIX)) fail('bad-argument', `${request.session} is not a Labdesk shell.`, 'session');
        if (!tmux) fail('not-found', noShellToReattach(context.hostLabel), 'session');
        // What the shell showed before, so the new tab does not start blank.
        replay = (await execCommand(client, captureCommand(request.session))).stdout.toString('utf8').replace(/\n+$/, '').replaceAll('\n', '\r\n');
      }
      const plan = shellPlan(tmux, request.session ?? terminalSessionName(context.remoteRoot, id), spec, context.hostLabel);
      info = { id, title: context.target, target: context.target, tmuxSession: plan.tmuxSession, readOnly: false, notice: plan.notice };
      command = plan.command;
      typeAfterOpen = plan.typeAfterOpen;
    }
    const terminal: Terminal = {
      info,
      command,
      channel: null,
      ...size,
      state: 'connected',
      closed: false,
      flow: new FlowControl(),
      decoder: new StringDecoder('utf8'),
      pending: '',
      flushTimer: null,
    };
    this.terminals.set(id, terminal);
    if (replay !== '') this.output(terminal, `${replay}\r\n`);
    await this.attach(terminal, client);
    if (typeAfterOpen !== null) terminal.channel?.write(`${typeAfterOpen}\n`);
    return info;
  }

  input(id: string, data: string): void {
    const terminal = this.find(id);
    if (terminal.info.readOnly) return;
    terminal.channel?.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    const terminal = this.find(id);
    terminal.cols = cols;
    terminal.rows = rows;
    terminal.channel?.setWindow(rows, cols, 0, 0);
  }

  ack(id: string, chars: number): void {
    const terminal = this.terminals.get(id);
    if (terminal && terminal.flow.drawn(chars)) terminal.channel?.resume();
  }

  /** Ends a shell (its tmux session too); leaves a run's session running. */
  async close(id: string): Promise<void> {
    const terminal = this.terminals.get(id);
    if (!terminal) return;
    this.terminals.delete(id);
    terminal.closed = true;
    terminal.channel?.close();
    const session = terminal.info.tmuxSession;
    if (session !== null && session.startsWith(TERMINAL_SESSION_PREFIX)) {
      const context = await this.remote.remoteContext().catch(() => null);
      if (context) await execCommand(context.live.client, killShellCommand(session)).catch(() => undefined);
    }
  }

  /** This project's shells on the active server that no terminal here shows. */
  async sessions(): Promise<string[]> {
    const context = await this.remote.remoteContext();
    const shown = new Set([...this.terminals.values()].map((terminal) => terminal.info.tmuxSession));
    const listed = (await execCommand(context.live.client, listShellsCommand(context.remoteRoot))).stdout.toString('utf8');
    return listed.split('\n').filter((name) => name.startsWith(TERMINAL_SESSION_PREFIX) && !shown.has(name));
  }

  /** The window closes or the project changes: the channels go, tmux sessions stay on the server. */
  closeAll(): void {
    for (const terminal of this.terminals.values()) {
      terminal.closed = true;
      terminal.channel?.close();
    }
    this.terminals.clear();
  }

  private find(id: string): Terminal {
    return this.terminals.get(id) ?? fail('not-found', `There is no terminal ${id}; it was closed.`, 'id');
  }

  private hasTmux(client: Client): Promise<boolean> {
    let known = this.tmuxOn.get(client);
    if (!known) this.tmuxOn.set(client, (known = serverHasTmux(client)));
    return known;
  }

  /** Opens the channel and wires it: output batched to the window, the end or a drop handled. */
  private attach(terminal: Terminal, client: Client): Promise<void> {
    return new Promise((resolve, reject) => {
      client.exec(terminal.command, { pty: { term: 'xterm-256color', cols: terminal.cols, rows: terminal.rows, width: 0, height: 0 } }, (error, channel) => {
        if (error) return reject(new Error(`The terminal could not be opened on ${terminal.info.target}: ${error.message}`));
        terminal.channel = channel;
        terminal.decoder = new StringDecoder('utf8');
        terminal.flow.reset();
        let ended = false;
        channel.on('exit', () => {
          ended = true; // the shell (or tmux attach) exited: not a dropped link
        });
        const onData = (chunk: Buffer) => {
          this.output(terminal, terminal.decoder.write(chunk));
          if (terminal.flow.isBehind()) channel.pause();
        };
        channel.on('data', onData);
        channel.stderr.on('data', onData);
        channel.on('close', () => {
          if (terminal.channel === channel) terminal.channel = null;
          if (terminal.closed) return;
          if (!ended && terminal.info.tmuxSession !== null) void this.reattach(terminal);
          else this.end(terminal, ended ? null : 'The connection was lost; without tmux on the server the shell ended with it.');
        });
        this.setState(terminal, 'connected');
        resolve();
      });
    });
  }

  /** The link dropped under a tmux terminal: try again until it is back (or the tab is closed). */
  private async reattach(terminal: Terminal): Promise<void> {
    this.setState(terminal, 'reconnecting');
    while (!terminal.closed) {
      await new Promise((resolve) => setTimeout(resolve, REATTACH_MS));
      if (terminal.closed) return;
      const active = this.active();
      if (active.target !== terminal.info.target || active.connection === 'off') return this.end(terminal, `${terminal.info.target} is no longer the active server; the shell is still there in tmux.`);
      const context = await this.remote.remoteContext().catch(() => null);
      if (context === null) continue;
      try {
        await this.attach(terminal, context.live.client);
        return;
      } catch {
        // Not yet: the connection came back but is not usable; the next round tries again.
      }
    }
  }

  private end(terminal: Terminal, message: string | null): void {
    this.flush(terminal);
    this.terminals.delete(terminal.info.id);
    terminal.closed = true;
    this.setState(terminal, 'ended', message);
  }

  private setState(terminal: Terminal, state: TerminalState, message: string | null = null): void {
    if (terminal.state === state && message === null) return;
    terminal.state = state;
    this.flush(terminal);
    this.events.emit('terminal.state', { id: terminal.info.id, state, message });
  }

  private output(terminal: Terminal, text: string): void {
    if (text === '') return;
    terminal.pending += text;
    terminal.flow.sent(text.length);
    if (terminal.pending.length >= BATCH_CHARS) this.flush(terminal);
    else terminal.flushTimer ??= setImmediate(() => this.flush(terminal));
  }

  private flush(terminal: Terminal): void {
    if (terminal.flushTimer) clearImmediate(terminal.flushTimer);
    terminal.flushTimer = null;
    if (terminal.pending === '') return;
    const data = terminal.pending;
    terminal.pending = '';
    this.events.emit('terminal.data', { id: terminal.info.id, data });
  }
}
