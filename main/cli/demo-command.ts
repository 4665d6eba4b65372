import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { createDemoFolder, DEMO_TARGET, demoEnvironment, type DemoLayout, findElectronBinary, findSshd, hasDisplay, sshdMissingMessage, startThrowawaySshd, type ThrowawaySshd, writeDemoProject, writeDemoSshConfig } from '../dev';
import { BUILT_RENDERER_DIR, rendererIsBuilt } from '../host';
import { shellCommand } from '../ssh';
import { runSyncCommand } from './sync-command';
import { runWebCommand } from './web-command';

export interface DemoCommandOptions {
  /** Serve the window to a browser even where the desktop app could open. */
  readonly web: boolean;
  /** Port for the browser mode (0: a free one). */
  readonly port?: number;
  /** Open the sample project without starting a server. */
  readonly noServer: boolean;
}

/** The repository (or installed package) root: Electron's app folder. */
const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ELECTRON_MAIN = path.join(APP_ROOT, 'out', 'main', 'index.js');

/**
 * `labdesk demo`: a throwaway OpenSSH server on 127.0.0.1, a sample ML project whose target
 * `demo` points at it (already active, so every save is pushed), and the app on top: Electron
 * when its binary is installed and there is a display, else `labdesk web`. Ctrl+C stops the app
 * and the server; the demo folder is kept (see demo-workspace.ts). Returns the exit status.
 */
export async function runDemoCommand(options: DemoCommandOptions): Promise<number> {
  const sshdPath = options.noServer ? null : findSshd();
  if (!options.noServer && sshdPath === null) {
    process.stderr.write(`labdesk demo needs an OpenSSH server to play the GPU server.\n${sshdMissingMessage()}\n`);
    if (!(await askToContinueWithoutServer())) {
      process.stderr.write('To open the sample project without a server instead, run: labdesk demo --no-server\n');
      return 1;
    }
  }
  if (!rendererIsBuilt()) {
    process.stderr.write(`labdesk demo: the app is not built yet (${BUILT_RENDERER_DIR} is missing). Run \`npm run build\` and try again.\n`);
    return 1;
  }
  const interrupt = watchForInterrupt();
  const layout = await createDemoFolder();
  let server: ThrowawaySshd | null = null;
  try {
    if (sshdPath !== null) {
      server = await startThrowawaySshd({ dir: layout.sshDir, sshdPath, keyLabel: 'labdesk-demo' });
      await writeDemoSshConfig(layout, server);
    }
    await writeDemoProject(layout, server);
    useDemoEnvironment(layout, server);
    printSetup(layout, server);
    if (server !== null && !interrupt.fired) await firstPush(layout, server);
    if (interrupt.fired) return 0;
    const electron = options.web ? null : findElectronBinary();
    const desktop = electron !== null && existsSync(ELECTRON_MAIN) && hasDisplay();
    printWhatToTry(layout, server, desktop ? 'desktop' : 'web', whyWeb(options, electron));
    if (desktop && electron !== null) await runElectron(electron, layout, interrupt.signal);
    else await runWebCommand({ folder: layout.project, ...(options.port !== undefined && { port: options.port }) });
    return 0;
  } finally {
    interrupt.dispose();
    await server?.stop();
    process.stdout.write(
      `\nStopped${server !== null ? ' the demo server (its keys are deleted) and' : ''} the app.\n` +
        `The demo folder stays at ${layout.dir}; remove it when you are done: ${shellCommand(['rm', '-rf', layout.dir])}\n`,
    );
  }
}

/** On a terminal, offers to open the sample project anyway; elsewhere (scripts, tests) the answer is no. */
async function askToContinueWithoutServer(): Promise<boolean> {
  if (process.stdin.isTTY !== true || process.stderr.isTTY !== true) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Open the sample project without a server (no upload on save)? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * The app reads its ssh config, known_hosts and config dir from the environment; this process
 * exists only for the demo, so setting them here covers `labdesk web` (in this process) and the
 * first push, and Electron inherits them. The agent is left out: its keys would be offered first
 * and could use up the server's MaxAuthTries before the demo key.
 */
function useDemoEnvironment(layout: DemoLayout, server: ThrowawaySshd | null): void {
  Object.assign(process.env, demoEnvironment(layout, server));
  delete process.env.SSH_AUTH_SOCK;
}

/** The server folder starts as a copy of the project, as after a first "Sync now", so the status bar says "up to date". */
async function firstPush(layout: DemoLayout, server: ThrowawaySshd): Promise<void> {
  const status = await runSyncCommand(layout.project, DEMO_TARGET, { knownHosts: server.knownHostsPath, acceptNew: false, dryRun: false, delete: false, json: false }).catch((error: unknown) => {
    process.stderr.write(`The first push to the demo server failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
  if (status !== 0) process.stderr.write('Continuing: the window shows what is pending; use "Sync now…" there.\n');
}

function whyWeb(options: DemoCommandOptions, electron: string | null): string | null {
  if (options.web) return null;
  if (electron === null) return 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?)';
  if (!existsSync(ELECTRON_MAIN)) return `${ELECTRON_MAIN} is missing (run \`npm run build\`)`;
  if (!hasDisplay()) return 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)';
  return null;
}

function printSetup(layout: DemoLayout, server: ThrowawaySshd | null): void {
  const lines = [
    'Labdesk demo',
    `  demo folder:   ${layout.dir}  (a new temp folder each run; kept when the demo stops)`,
    `  project:       ${layout.project}`,
  ];
  if (server !== null) {
    lines.push(
      `  server:        OpenSSH on 127.0.0.1:${server.port} as ${server.username}, key ${server.clientKeyPath} (no passphrase; deleted when the demo stops)`,
      `  server folder: ${layout.serverRoot}`,
      `  target:        ${DEMO_TARGET} → ssh://${server.username}@127.0.0.1:${server.port}${layout.serverRoot}  (active when the window opens)`,
      `  by hand:       ${shellCommand(['ssh', '-F', layout.sshConfig, 'labdesk-demo'])}`,
      '',
      'First push of the project to the server folder:',
    );
  } else {
    lines.push('  server:        none (sync is off; install the OpenSSH server to see upload on save)');
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function printWhatToTry(layout: DemoLayout, server: ThrowawaySshd | null, mode: 'desktop' | 'web', webReason: string | null): void {
  const save = process.platform === 'darwin' ? 'Cmd+S' : 'Ctrl+S';
  const lines = [''];
  if (server !== null) {
    lines.push(
      'Try this:',
      `  1. Open train.py, change something, press ${save}.`,
      `  2. Look at ${path.join(layout.serverRoot, 'train.py')}: the change is there.`,
      '  3. Edit that server copy, then save train.py again: Labdesk shows a conflict instead of overwriting it.',
      '',
    );
  }
  lines.push(mode === 'desktop' ? 'Opening the Labdesk window.' : `Opening Labdesk in the browser${webReason ? ` (${webReason})` : ''}.`, 'Press Ctrl+C here to stop the server and the app.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

/** `electron . <project>` (launch-args.ts reads the folder after the app path) until it exits or Ctrl+C. */
async function runElectron(electron: string, layout: DemoLayout, interrupted: Promise<void>): Promise<void> {
  // Chromium refuses to run as root with its sandbox on (containers, CI); only then is it turned off.
  const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const child = spawn(electron, [APP_ROOT, ...rootArgs, layout.project], { cwd: APP_ROOT, env: process.env, stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      process.stderr.write(`Could not start Electron (${electron}): ${error.message}\n`);
      resolve();
    });
  });
  await Promise.race([exited, interrupted]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(force);
  }
}

/**
 * Ctrl+C / SIGTERM at any moment: a listener from the start, so the default handler never kills
 * this process with sshd still running. `labdesk web` adds its own listeners for the same signal.
 */
function watchForInterrupt(): { readonly fired: boolean; readonly signal: Promise<void>; dispose(): void } {
  let fired = false;
  let resolve: () => void = () => undefined;
  const signal = new Promise<void>((done) => (resolve = done));
  const onSignal = () => {
    fired = true;
    resolve();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get fired() {
      return fired;
    },
    signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
