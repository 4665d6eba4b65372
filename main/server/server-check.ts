import type { ServerCheck, ServerCheckItem } from '../../preload/api';
import type { RemoteExec } from '../runs';
import { shellQuote } from '../ssh';
import { dfSection, parseDfOne } from '../monitor';

/**
 * "Check server", in one exec: whether the remote root is there and writable, which of tmux,
 * Slurm, nvidia-smi and python the server has (with versions), and the free disk of the remote
 * root and of the data disk folder. Each fact is a `key=value` line or a `@@df` section; a
 * missing tool prints nothing, and the report says what that means.
 */
export function checkCommand(remoteRoot: string, dataRoot: string | undefined): string {
  const root = shellQuote(remoteRoot);
  return [
    `printf 'who=%s@%s\\n' "$(id -un)" "$(hostname)"`,
    `if [ -d ${root} ]; then if [ -w ${root} ]; then echo root=writable; else echo root=read-only; fi; else echo root=missing; fi`,
    `command -v tmux >/dev/null 2>&1 && printf 'tmux=%s\\n' "$(tmux -V)"`,
    `command -v sbatch >/dev/null 2>&1 && printf 'slurm=%s\\n' "$(sbatch --version 2>&1 | head -n 1)"`,
    `command -v nvidia-smi >/dev/null 2>&1 && printf 'gpus=%s\\n' "$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1 | head -n 8 | tr '\\n' ';')"`,
    `for p in python3 python; do command -v $p >/dev/null 2>&1 && printf 'python=%s (%s)\\n' "$($p --version 2>&1)" "$(command -v $p)" && break; done`,
    `command -v conda >/dev/null 2>&1 && printf 'conda=%s\\n' "$(conda --version 2>&1)"`,
    dfSection(remoteRoot),
    ...(dataRoot ? [dfSection(dataRoot)] : []),
    'true',
  ].join('\n');
}

export async function checkServer(exec: RemoteExec, target: string, host: string, remoteRoot: string, dataRoot: string | undefined): Promise<ServerCheck> {
  const started = Date.now();
  const result = await exec(checkCommand(remoteRoot, dataRoot));
  const text = result.stdout.toString('utf8');
  const [facts = '', ...dfSections] = text.split('@@df ');
  const values = new Map(
    facts
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
  const items: ServerCheckItem[] = [{ name: 'ssh', ok: true, detail: `logged in as ${values.get('who') ?? '?'} (${host})` }];
  const root = values.get('root');
  items.push({
    name: 'remote root',
    ok: root === 'writable' || root === 'missing' ? true : false,
    detail: root === 'writable' ? `${remoteRoot} is writable` : root === 'missing' ? `${remoteRoot} does not exist yet; the first sync makes it` : `${remoteRoot} is not writable for you: sync cannot write there`,
  });
  items.push(tool('tmux', values.get('tmux'), false, 'not installed: runs cannot start in tmux, and terminals end when the connection drops'));
  items.push(tool('slurm', values.get('slurm'), null, 'not installed (only needed on a cluster)'));
  const gpus = values.get('gpus');
  items.push(
    gpus === undefined
      ? { name: 'nvidia-smi', ok: null, detail: 'not installed: no NVIDIA GPU to monitor' }
      : /failed|error|mismatch/i.test(gpus)
        ? { name: 'nvidia-smi', ok: false, detail: gpus.replace(/;$/, '') }
        : { name: 'nvidia-smi', ok: true, detail: gpus.replace(/;$/, '').split(';').join('; ') },
  );
  items.push(tool('python', values.get('python'), false, 'neither python3 nor python is on the PATH of a non-interactive shell'));
  if (values.has('conda')) items.push({ name: 'conda', ok: true, detail: values.get('conda') as string });
  for (const section of dfSections) {
    const newline = section.indexOf('\n');
    const dir = section.slice(0, newline);
    const disk = parseDfOne(section.slice(newline + 1), dir);
    if (!disk) items.push({ name: `disk ${dir}`, ok: false, detail: 'df could not read it' });
    else {
      const free = `${(disk.availableBytes / 1024 ** 3).toFixed(1)} GiB free of ${(disk.totalBytes / 1024 ** 3).toFixed(1)} GiB (${disk.usedPercent}% used) on ${disk.mount ?? '?'}`;
      items.push({ name: `disk ${dir}`, ok: disk.usedPercent < 95, detail: free });
    }
  }
  return { target, items, tookMs: Date.now() - started };
}

function tool(name: string, version: string | undefined, missing: false | null, why: string): ServerCheckItem {
  return version === undefined ? { name, ok: missing, detail: why } : { name, ok: true, detail: version };
}
