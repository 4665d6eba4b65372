import { Command, InvalidArgumentError } from 'commander';
import { PACKAGE_VERSION } from './package-version';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535).');
  return port;
}

/** The ssh options of every command that talks to a server, as commander parsed them. */
interface SshFlags {
  identity?: string;
  knownHosts?: string;
  acceptNew?: boolean;
}

/** Adds -i/--identity, --known-hosts and --accept-new to a command that talks to a server. */
function withSshOptions(command: Command): Command {
  return command
    .option('-i, --identity <file>', 'private key to use (instead of ssh config / the target)')
    .option('--known-hosts <file>', 'known_hosts file to check the host key against (instead of ssh config)')
    .option('--accept-new', 'trust and remember the host key of a server seen for the first time');
}

/** The ssh options as the commands take them. */
function sshOptions(options: SshFlags): { identity?: string; knownHosts?: string; acceptNew: boolean } {
  return {
    ...(options.identity !== undefined && { identity: options.identity }),
    ...(options.knownHosts !== undefined && { knownHosts: options.knownHosts }),
    acceptNew: options.acceptNew === true,
  };
}

export function buildProgram(): Command {
  const program = new Command('labdesk')
    .description('Labdesk: edit locally, sync to your GPU server, track runs. Command-line entry points.')
    .version(PACKAGE_VERSION)
    .showHelpAfterError();

  program
    .command('web')
    .description('serve the Labdesk window to a browser on 127.0.0.1 (prints the URL with its access token)')
    .option('-p, --port <port>', 'port to listen on (default: a free one)', parsePort)
    .argument('[dir]', 'project folder to open')
    .action(async (dir: string | undefined, options: { port?: number }) => {
      // Commands load their modules when run, so `labdesk --help` stays instant.
      const { runWebCommand } = await import('./web-command');
      await runWebCommand({ ...(options.port !== undefined && { port: options.port }), ...(dir !== undefined && { folder: dir }) });
    });

  program
    .command('demo')
    .description('try Labdesk in a minute: a throwaway OpenSSH server on 127.0.0.1 and a sample ML project that uploads on every save')
    .option('--web', 'serve the window to a browser even where the desktop app could open')
    .option('-p, --port <port>', 'port for the browser (default: a free one)', parsePort)
    .option('--no-server', 'open the sample project without starting a server')
    .addHelpText('after', '\nNeeds sshd (apt install openssh-server; built into macOS). Ctrl+C stops the server and the app; the demo folder is kept.')
    .action(async (options: { web?: boolean; port?: number; server: boolean }) => {
      const { runDemoCommand } = await import('./demo-command');
      const code = await runDemoCommand({ web: options.web === true, noServer: !options.server, ...(options.port !== undefined && { port: options.port }) });
      // Everything was stopped and reported by now; Ctrl+C must end the demo even if a handle
      // (seen once in CI: a connection to the server that was just stopped) is still open.
      process.exit(code);
    });

  withSshOptions(
    program
      .command('sync')
      .description('push LOCAL_DIR to TARGET once; never overwrites a file changed on the server')
      .argument('<local_dir>', 'project folder on this machine')
      .argument('<target>', 'a target name from .labdesk/project.json, or ssh://[user@]host[:port]/absolute/remote/dir'),
  )
    .option('-n, --dry-run', 'show the plan; write nothing')
    .option('--delete', 'also delete on the server what was deleted here (only files Labdesk synced, only if unchanged there)')
    .option('--json', 'end with one JSON line: {"uploaded","deleted","conflicts","bytes","seconds"}')
    .addHelpText('after', '\nExit status: 0 in sync, 3 conflicts remain (listed), 1 error (message on stderr).')
    .action(async (localDir: string, target: string, options: SshFlags & { dryRun?: boolean; delete?: boolean; json?: boolean }) => {
      const { runSyncCommand } = await import('./sync-command');
      process.exitCode = await runSyncCommand(localDir, target, {
        ...sshOptions(options),
        dryRun: options.dryRun === true,
        delete: options.delete === true,
        json: options.json === true,
      });
    });

  withSshOptions(
    program
      .command('watch')
      .description('push LOCAL_DIR to TARGET, then every change, until Ctrl-C / SIGTERM; never overwrites a file changed on the server')
      .argument('<local_dir>', 'project folder on this machine')
      .argument('<target>', 'a target name from .labdesk/project.json, or ssh://[user@]host[:port]/absolute/remote/dir'),
  )
    .option('--delete', 'also delete on the server what is deleted here (never after a burst of changes such as a branch switch)')
    .option('--json', 'one JSON line per event: {"event":"push","uploaded","deleted","conflicts","bytes","seconds",…}, {"event":"state","state"}, …')
    .addHelpText('after', '\nExit status after SIGINT/SIGTERM: 0 in sync, 3 conflicts remain (listed), 1 error (message on stderr).')
    .action(async (localDir: string, target: string, options: SshFlags & { delete?: boolean; json?: boolean }) => {
      const { runWatchCommand } = await import('./watch-command');
      process.exitCode = await runWatchCommand(localDir, target, {
        ...sshOptions(options),
        delete: options.delete === true,
        json: options.json === true,
      });
    });

  program
    .command('graph')
    .description('print the commit graph of the repository REPO_DIR is in, as the Source control view lays it out')
    .argument('<repo_dir>', 'a folder inside a git repository')
    .option('-n, --limit <count>', 'at most this many commits, newest first', parseCount)
    .option('--json', 'one JSON object per row, top to bottom: {"oid","parents","lane","refs"}')
    .addHelpText('after', '\nUses the system git; without one, isomorphic-git (slower on big histories).')
    .action(async (repoDir: string, options: { limit?: number; json?: boolean }) => {
      const { runGraphCommand } = await import('./graph-command');
      const engine = process.env.LABDESK_GIT_ENGINE;
      process.exitCode = await runGraphCommand(repoDir, {
        json: options.json === true,
        ...(options.limit !== undefined && { limit: options.limit }),
        ...((engine === 'git' || engine === 'isomorphic-git') && { engine }),
      });
    });

  withSshOptions(
    program
      .command('run')
      .description('push LOCAL_DIR to TARGET, record the exact code, and start COMMAND there in tmux; prints the run id')
      .argument('<local_dir>', 'the project folder')
      .argument('<target>', 'a target name from .labdesk/project.json, or ssh://[user@]host[:port]/absolute/remote/dir')
      .argument('<command...>', 'after --: one shell command line as it is, or words quoted one by one')
      .option('--launcher <launcher>', "tmux or slurm (default: the target's launcher, else tmux)")
      .option('--entry <id>', 'the journal entry the run belongs to (journal/….md)'),
  )
    .option('--json', 'print {"id","status"}')
    .addHelpText('after', '\nReturns once the run is launched. Exit status: 0 launched, 3 sync conflicts remain (nothing launched), 1 error.')
    .action(async (localDir: string, target: string, command: string[], options: SshFlags & { launcher?: string; entry?: string; json?: boolean }) => {
      if (options.launcher !== undefined && options.launcher !== 'tmux' && options.launcher !== 'slurm') throw new InvalidArgumentError('--launcher must be tmux or slurm.');
      const { runRunCommand } = await import('./run-command');
      process.exitCode = await runRunCommand(localDir, target, command, {
        ...(options.launcher !== undefined && { launcher: options.launcher as 'tmux' | 'slurm' }),
        json: options.json === true,
        ...(options.entry !== undefined && { entry: options.entry }),
        ...sshOptions(options),
      });
    });

  withSshOptions(
    program
      .command('runs')
      .description("LOCAL_DIR's recorded runs, each refreshed from its server")
      .argument('<local_dir>', 'the project folder'),
  )
    .option('--json', 'one object per run: {"id","status","exitCode","command","commit","dirty","target","startedAt","endedAt"}')
    .action(async (localDir: string, options: SshFlags & { json?: boolean }) => {
      const { runRunsCommand } = await import('./run-command');
      process.exitCode = await runRunsCommand(localDir, {
        json: options.json === true,
        ...sshOptions(options),
      });
    });

  program
    .command('journal')
    .description("the project's journal (Markdown entries in LOCAL_DIR/journal/): `labdesk journal LOCAL_DIR search QUERY`")
    .argument('<local_dir>', 'the project folder')
    .argument('<action>', 'search: full-text search over titles, tags, bodies, run ids and commit hashes')
    .argument('<query...>', 'words to find (prefix and typo tolerant; all must match)')
    .option('--tag <tag>', 'only entries with this tag')
    .option('--json', 'one JSON object per hit: {"path","title","score","created","tags","runs","snippet"}')
    .addHelpText('after', '\nExit status: 0 when something matched, 1 when nothing did, 2 on a bad folder or action.')
    .action(async (localDir: string, action: string, query: string[], options: { tag?: string; json?: boolean }) => {
      if (action !== 'search') {
        process.stderr.write(`labdesk: journal knows one action, search (not "${action}"): labdesk journal ${localDir} search QUERY\n`);
        process.exitCode = 2;
        return;
      }
      const { runJournalSearch } = await import('./journal-command');
      process.exitCode = await runJournalSearch(localDir, query.join(' '), { json: options.json === true, ...(options.tag !== undefined && { tag: options.tag }) });
    });

  withSshOptions(
    program
      .command('monitor')
      .description("TARGET's GPUs, CPU, memory and disks, one sample per interval (one round trip each), until Ctrl-C")
      .argument('<local_dir>', 'the project folder')
      .argument('<target>', 'a target name from .labdesk/project.json, or ssh://[user@]host[:port]/absolute/remote/dir'),
  )
    .option('--once', 'print one sample and exit (read twice, a second apart: CPU use is a change)')
    .option('--interval <seconds>', 'seconds between samples (default 2)', parseSeconds)
    .option('--json', 'one object per sample: {"target","at","gpus":[…],"gpuState","cpu","memory","disks":[…],"alerts":[…]}')
    .addHelpText('after', '\nGPUs come from nvidia-smi (gpustat --json where only that is installed); a server without them says so.')
    .action(async (localDir: string, target: string, options: SshFlags & { once?: boolean; interval?: number; json?: boolean }) => {
      const { runMonitorCommand } = await import('./monitor-command');
      process.exitCode = await runMonitorCommand(localDir, target, {
        json: options.json === true,
        once: options.once === true,
        ...(options.interval !== undefined && { intervalMs: options.interval * 1000 }),
        ...sshOptions(options),
      });
    });

  withSshOptions(
    program
      .command('shell')
      .description("a shell on TARGET in its remote root, backed by tmux there so it survives a dropped connection (the window's terminal, here)")
      .argument('<local_dir>', 'the project folder')
      .argument('<target>', 'a target name from .labdesk/project.json, or ssh://[user@]host[:port]/absolute/remote/dir'),
  )
    .option('--attach <session>', 'reattach a Labdesk shell (labdesk-term-…) that is still running there')
    .addHelpText('after', '\nExit status: 0 when the shell ended, 1 when the connection dropped (the shell is still there: reattach with --attach).')
    .action(async (localDir: string, target: string, options: SshFlags & { attach?: string }) => {
      const { runShellCommand } = await import('./shell-command');
      process.exitCode = await runShellCommand(localDir, target, { ...(options.attach !== undefined && { attach: options.attach }), ...sshOptions(options) });
    });

  return program;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.2 || seconds > 3600) throw new InvalidArgumentError('must be a number of seconds from 0.2 to 3600.');
  return seconds;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('must be a whole number, 0 or more.');
  return count;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`labdesk: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
