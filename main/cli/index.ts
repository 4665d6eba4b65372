import { Command, InvalidArgumentError } from 'commander';
import { PACKAGE_VERSION } from './package-version';
import { runWebCommand } from './web-command';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535).');
  return port;
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
      await runWebCommand({ ...(options.port !== undefined && { port: options.port }), ...(dir !== undefined && { folder: dir }) });
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    process.stderr.write(`labdesk: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
