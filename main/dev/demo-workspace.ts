import { mkdir, mkdtemp, realpath, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { shellCommand } from '../ssh';
import { rememberActiveTarget } from '../sync';
import { writeSampleMlProject } from './sample-ml-project';

/**
 * The folder `labdesk demo` works in: a fresh `labdesk-demo-XXXXXX` under the OS temp dir every
 * run (so two demos never share a port, key or project, and the OS cleans up what a person
 * forgets). It is kept when the demo stops, except the server's own files (ssh/), which go with
 * the server.
 *
 *   <demo>/vision-lab/            the sample project the window opens
 *   <demo>/server/vision-lab/     the "GPU server"'s copy: a plain folder the person can look at
 *   <demo>/ssh/                   throwaway sshd: host key, client key (no passphrase), known_hosts
 *   <demo>/ssh_config             handed to the app as LABDESK_SSH_CONFIG
 *   <demo>/config/                Labdesk's settings for the demo (LABDESK_CONFIG_DIR), so the
 *                                 person's own settings, recent projects and trusted keys stay untouched
 */
export interface DemoLayout {
  readonly dir: string;
  readonly project: string;
  readonly serverRoot: string;
  readonly sshDir: string;
  readonly sshConfig: string;
  readonly configDir: string;
}

export const DEMO_TARGET = 'demo';
export const DEMO_HOST_ALIAS = 'labdesk-demo';

export async function createDemoFolder(parent = os.tmpdir()): Promise<DemoLayout> {
  // realpath: macOS's /var/folders is a symlink to /private/var; the window shows real paths.
  const dir = await realpath(await mkdtemp(path.join(parent, 'labdesk-demo-')));
  return {
    dir,
    project: path.join(dir, 'vision-lab'),
    serverRoot: path.join(dir, 'server', 'vision-lab'),
    sshDir: path.join(dir, 'ssh'),
    sshConfig: path.join(dir, 'ssh_config'),
    configDir: path.join(dir, 'config'),
  };
}

/** What the demo's server looks like from the client. */
export interface DemoServer {
  readonly port: number;
  readonly username: string;
  readonly clientKeyPath: string;
  readonly knownHostsPath: string;
}

/**
 * Writes the sample project. With a server: its target `demo` in project.json (no secret: the
 * key is named by path) and the memory that `demo` was the active target, so the window
 * connects as it opens. Without one: the project alone, and a README that says why.
 */
export async function writeDemoProject(layout: DemoLayout, server: DemoServer | null): Promise<void> {
  await writeSampleMlProject(layout.project, {
    'README.md': demoReadme(layout, server),
    'models/__init__.py': 'from .resnet import build_model\n',
    'models/resnet.py':
      'def build_model(name: str = "resnet50", pretrained: bool = True):\n    """The torchvision model called `name`."""\n    import torchvision\n\n    return getattr(torchvision.models, name)(weights="DEFAULT" if pretrained else None)\n',
    // A run to launch without PyTorch: a falling loss, one line per step (the metrics plot reads it).
    'toy_train.py': TOY_TRAIN,
    'configs/toy.yaml': 'lr: 0.05\nsteps: 60\n',
    // Sync state is per machine: never committed (the README's advice for every project).
    '.gitignore': '__pycache__/\noutput/\n.labdesk/state/\n',
  });
  await mkdir(path.join(layout.project, '.labdesk'), { recursive: true });
  const targets = server === null ? {} : { [DEMO_TARGET]: demoTarget(layout, server) };
  await writeFile(path.join(layout.project, '.labdesk', 'project.json'), JSON.stringify({ targets, ignore: [] }, null, 2) + '\n');
  if (server !== null) {
    await mkdir(layout.serverRoot, { recursive: true });
    await rememberActiveTarget(layout.project, DEMO_TARGET);
  }
}

/** Needs only Python 3: reads its two settings from the YAML by hand, so no package is missing. */
export const TOY_TRAIN = `"""A toy training loop for the Labdesk demo: the loss falls as exp(-lr * step), with noise."""
import math
import random
import sys
import time

config = dict(line.split(":", 1) for line in open(sys.argv[1] if len(sys.argv) > 1 else "configs/toy.yaml") if ":" in line)
lr, steps = float(config["lr"]), int(config["steps"])
for step in range(1, steps + 1):
    loss = 2.0 * math.exp(-lr * step) + random.uniform(0, 0.05)
    print(f"step={step} loss={loss:.4f} acc: {1 - loss / 2.05:.3f}", flush=True)
    time.sleep(0.5)
print("done")
`;

function demoTarget(layout: DemoLayout, server: DemoServer) {
  return { host: '127.0.0.1', port: server.port, user: server.username, identityFile: server.clientKeyPath, remoteRoot: remotePath(layout.serverRoot) };
}

/** A local folder as the server sees it: sftp paths are POSIX, also for Windows' OpenSSH (`/C:/…`). */
export function remotePath(local: string): string {
  return process.platform === 'win32' ? `/${local.replaceAll('\\', '/')}` : local;
}

/**
 * The ssh config the app reads instead of ~/.ssh/config: only this key, only this known_hosts,
 * and an alias so a person can log in by hand with `ssh -F <file> labdesk-demo`.
 */
export async function writeDemoSshConfig(layout: DemoLayout, server: DemoServer): Promise<void> {
  const quoted = (file: string) => `"${file}"`;
  const lines = [
    '# Written by `labdesk demo` for its throwaway server (gone when the demo stops).',
    `# Log in by hand: ${shellCommand(['ssh', '-F', layout.sshConfig, DEMO_HOST_ALIAS])}`,
    `Host ${DEMO_HOST_ALIAS}`,
    '  HostName 127.0.0.1',
    `  Port ${server.port}`,
    `  User ${server.username}`,
    `Host ${DEMO_HOST_ALIAS} 127.0.0.1`,
    `  IdentityFile ${quoted(server.clientKeyPath)}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${quoted(server.knownHostsPath)}`,
    '  StrictHostKeyChecking yes',
    '',
  ];
  await writeFile(layout.sshConfig, lines.join('\n'));
}

/** The environment the app runs with during the demo (see the layout above). */
export function demoEnvironment(layout: DemoLayout, server: DemoServer | null): Record<string, string> {
  return {
    LABDESK_CONFIG_DIR: layout.configDir,
    ...(server !== null && { LABDESK_SSH_CONFIG: layout.sshConfig, LABDESK_KNOWN_HOSTS: server.knownHostsPath }),
  };
}

function demoReadme(layout: DemoLayout, server: DemoServer | null): string {
  const save = process.platform === 'darwin' ? 'Cmd+S' : 'Ctrl+S';
  const intro = [
    '# Vision lab (Labdesk demo)',
    '',
    'A small training project to try Labdesk with. Train with `bash scripts/launch.sh`',
    '(needs PyTorch; nothing here runs by itself).',
    '',
  ];
  if (server === null) {
    return [
      ...intro,
      'This demo runs **without a server**: no OpenSSH server (`sshd`) was found on this machine.',
      'Install it (`sudo apt install openssh-server` on Debian/Ubuntu) and run `npm run demo` again',
      'to see upload on save. Meanwhile: open files, edit, save, search (Ctrl+P, Ctrl+Shift+P).',
      '',
    ].join('\n');
  }
  return [
    ...intro,
    '## What to try',
    '',
    `The server view's target **${DEMO_TARGET}** is a real OpenSSH server on 127.0.0.1:${server.port},`,
    'started by `labdesk demo` for you. Its "remote" folder is a plain folder on this machine:',
    '',
    `    ${layout.serverRoot}`,
    '',
    `1. Open \`train.py\`, change a line, press ${save}. The status bar says \`${DEMO_TARGET} ● connected · sync: up to date\`.`,
    `2. Look at \`${path.join(layout.serverRoot, 'train.py')}\`: your change is already there.`,
    '3. Edit that server copy with another editor, then change and save `train.py` here again:',
    '   Labdesk does not overwrite the server\'s edit. It reports a conflict; click it to compare',
    '   both versions and choose.',
    '4. Add a file in `configs/`: it is uploaded when you save it.',
    '5. Launch a run on the server, recorded with its exact code: open **Runs** in the activity bar,',
    '   choose *New entry…* as its journal entry, type `python3 toy_train.py configs/toy.yaml` and',
    '   press Launch. Its log follows as it runs and the falling loss is plotted above it; the run\'s',
    '   record (commit, patch, the copied config) is in `journal/runs/<id>/`, and the entry lists it.',
    `   From a terminal: \`npx labdesk run ${layout.project} ${DEMO_TARGET} -- python3 toy_train.py configs/toy.yaml\``,
    `   then \`npx labdesk runs ${layout.project}\`.`,
    '',
    'Stop the demo with Ctrl+C in its terminal. This folder stays; the server and its key go.',
    '',
  ].join('\n');
}
