import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { noShellToReattach, serverHasTmux, shellPlan, terminalSessionName, TERMINAL_SESSION_PREFIX } from '../terminal';
import { connectToTarget, type SyncCommandOptions } from './sync-command';

export interface ShellCommandOptions extends Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'> {
  /** A Labdesk shell to reattach (`labdesk-term-…`, as `labdesk shell` printed or the window lists). */
  readonly attach?: string;
}

/**
 * `labdesk shell LOCAL_DIR TARGET`: the window's terminal in this one. A tmux-backed shell on
 * Labdesk's socket in the target's remote root with its environment line (a plain shell where
 * tmux is missing), over one exec channel with a pty the size of this terminal; keys go through
 * raw, resizes follow. If the connection drops, the shell stays in tmux and the command says
 * how to reattach. Exits 0 when the shell ended (tmux does not pass its status on), 1 when the
 * connection dropped.
 */
export async function runShellCommand(localDir: string, targetSpec: string, options: ShellCommandOptions): Promise<number> {
  if (options.attach !== undefined && !options.attach.startsWith(TERMINAL_SESSION_PREFIX)) {
    process.stderr.write(`labdesk: ${options.attach} is not a Labdesk shell (their names start with ${TERMINAL_SESSION_PREFIX}).\n`);
    return 2;
  }
  const opened = await connectToTarget(localDir, targetSpec, options);
  const ssh = await opened.connecting;
  try {
    const tmux = await serverHasTmux(ssh.client);
    const cols = process.stdout.columns || 80;
    const rows = process.stdout.rows || 24;
    const spec = { remoteRoot: opened.target.remoteRoot, ...(opened.target.environment && { environment: opened.target.environment }), cols, rows };
    const session = options.attach ?? terminalSessionName(opened.target.remoteRoot, `t${randomBytes(4).toString('hex')}`);
    if (!tmux && options.attach !== undefined) {
      process.stderr.write(`labdesk: ${noShellToReattach(opened.hostLabel)}\n`);
      return 1;
    }
    const plan = shellPlan(tmux, session, spec, opened.hostLabel);
    if (plan.notice !== null) process.stderr.write(`labdesk: ${plan.notice}\n`);
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      ssh.client.exec(plan.command, { pty: { term: process.env.TERM || 'xterm-256color', cols, rows, width: 0, height: 0 } }, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    if (plan.typeAfterOpen !== null) channel.write(`${plan.typeAfterOpen}\n`);
    const { code, dropped } = await pipeTerminal(channel);
    if (tmux && dropped) process.stderr.write(`\nlabdesk: the connection to ${opened.hostLabel} dropped; the shell is still there. Reattach with: labdesk shell ${localDir} ${targetSpec} --attach ${session}\n`);
    return code ?? (dropped ? 1 : 0);
  } finally {
    ssh.close();
  }
}

/** This terminal ↔ the channel until it closes: raw keys in, output out, resizes passed on. */
function pipeTerminal(channel: ClientChannel): Promise<{ code: number | null; dropped: boolean }> {
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const onResize = () => channel.setWindow(process.stdout.rows || 24, process.stdout.columns || 80, 0, 0);
  process.stdout.on('resize', onResize);
  stdin.pipe(channel);
  channel.pipe(process.stdout, { end: false });
  channel.stderr.pipe(process.stderr, { end: false });
  return new Promise((resolve) => {
    let code: number | null = null;
    let exited = false;
    channel.on('exit', (exitCode: number | null) => {
      exited = true;
      code = exitCode;
    });
    channel.on('close', () => {
      stdin.unpipe(channel);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      process.stdout.removeListener('resize', onResize);
      resolve({ code, dropped: !exited });
    });
  });
}
