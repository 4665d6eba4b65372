import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SyncTargetInfo, SyncTargetInput } from '../../../preload/api';
import { atomicWriteFile, fail } from '../../common';
import { loadProjectSettings, projectSettingsPath } from '../../workspace';

/**
 * Reads and edits the targets in `.labdesk/project.json` for the Server view. The rules are
 * project-settings.ts's (the file is loaded through it before any edit, so a broken file is
 * reported, never overwritten); edits change only `targets.<name>` and keep every other field
 * of the file as written, including fields of the edited target that this form does not know
 * (a later launcher or environment line). Writes are atomic (temp file + rename).
 *
 * Errors are `bad-argument` ApiErrors whose `argument` is the form field (`name`, `host`,
 * `remoteRoot`, `port`, `user`, `identityFile`, `environment`, `dataRoot`, `slurmPartition`,
 * `slurmGpus`, `slurmTime`), so the UI can show them next to the field.
 */
export type TargetInput = SyncTargetInput;

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
const CONNECTION_FIELDS = ['host', 'remoteRoot', 'port', 'user', 'identityFile'] as const;
/** Replaced only when the input names them (the form does; older callers leave them as written). */
const RUN_FIELDS = ['environment', 'dataRoot', 'launcher', 'slurm'] as const;
const SLURM_TIME = /^\d+(-\d+)?(:\d+){0,2}$/;

export async function listTargets(root: string): Promise<SyncTargetInfo[]> {
  const settings = await loadProjectSettings(root);
  return Object.entries(settings.targets)
    .map(([name, target]) => ({ name, ...target }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Checks one target the way project.json is checked, naming the field; returns it trimmed. */
export function validateTarget(input: TargetInput): SyncTargetInfo {
  const name = input.name.trim();
  const host = input.host.trim();
  const remoteRoot = input.remoteRoot.trim();
  const user = input.user?.trim() || undefined;
  const identityFile = input.identityFile?.trim() || undefined;
  if (name === '') fail('bad-argument', 'Give the server a name, e.g. gpu1.', 'name');
  if (!NAME_PATTERN.test(name)) fail('bad-argument', `"${name}" is not a valid name: use letters, digits, . _ - (no spaces).`, 'name');
  if (name.length > 64) fail('bad-argument', 'The name is too long (64 characters at most).', 'name');
  if (host === '') fail('bad-argument', 'Enter the host: an ssh config alias (gpu1) or a host name.', 'host');
  if (/\s/.test(host) || host.startsWith('-')) fail('bad-argument', `"${host}" is not a host name or ssh alias.`, 'host');
  if (remoteRoot === '') fail('bad-argument', 'Enter the folder on the server that mirrors this project, e.g. /home/ada/project.', 'remoteRoot');
  if (!remoteRoot.startsWith('/')) fail('bad-argument', `"${remoteRoot}" must be an absolute path on the server (starting with /).`, 'remoteRoot');
  if (remoteRoot.replace(/\/+$/, '') === '') fail('bad-argument', 'The server folder cannot be / itself; choose a project folder.', 'remoteRoot');
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    fail('bad-argument', `The port must be a whole number from 1 to 65535 (got ${input.port}).`, 'port');
  }
  if (user !== undefined && /[\s@]/.test(user)) fail('bad-argument', `"${user}" is not a user name (no spaces or @).`, 'user');
  return {
    name,
    host,
    remoteRoot: remoteRoot.length > 1 ? remoteRoot.replace(/\/+$/, '') : remoteRoot,
    ...(input.port !== undefined && { port: input.port }),
    ...(user !== undefined && { user }),
    ...(identityFile !== undefined && { identityFile }),
    ...validateRunFields(input),
  };
}

/** The run fields the input names, checked; empty ones come back as undefined (cleared on save). */
function validateRunFields(input: TargetInput): { -readonly [K in (typeof RUN_FIELDS)[number]]?: SyncTargetInfo[K] } {
  const fields: { -readonly [K in (typeof RUN_FIELDS)[number]]?: SyncTargetInfo[K] } = {};
  if (input.environment !== undefined) {
    const environment = input.environment.trim();
    if (/[\r\n]/.test(environment)) fail('bad-argument', 'The environment is one line, e.g. conda activate x (no line breaks).', 'environment');
    if (environment.length > 1000) fail('bad-argument', 'The environment line is too long (1,000 characters at most).', 'environment');
    fields.environment = environment || undefined;
  }
  if (input.dataRoot !== undefined) {
    const dataRoot = input.dataRoot.trim().replace(/(.)\/+$/, '$1');
    if (dataRoot !== '' && !dataRoot.startsWith('/')) fail('bad-argument', `"${dataRoot}" must be an absolute folder on the server (starting with /), e.g. /data/ada.`, 'dataRoot');
    if (dataRoot === '/') fail('bad-argument', 'The data folder cannot be / itself; choose a folder on the data disk, e.g. /data/ada.', 'dataRoot');
    fields.dataRoot = dataRoot || undefined;
  }
  if (input.launcher !== undefined) fields.launcher = input.launcher || undefined;
  if (input.slurm !== undefined) {
    const partition = input.slurm.partition?.trim() || undefined;
    const time = input.slurm.time?.trim() || undefined;
    const gpus = input.slurm.gpus;
    if (partition !== undefined && !/^[A-Za-z0-9._,-]+$/.test(partition)) fail('bad-argument', `"${partition}" is not a partition name (letters, digits, . _ - and commas).`, 'slurmPartition');
    if (gpus !== undefined && (!Number.isInteger(gpus) || gpus < 0 || gpus > 1024)) fail('bad-argument', `GPUs per job must be a whole number from 0 to 1024 (got ${gpus}).`, 'slurmGpus');
    if (time !== undefined && !SLURM_TIME.test(time)) fail('bad-argument', `"${time}" is not a time limit as sbatch takes it, e.g. 4:00:00 or 2-00:00:00.`, 'slurmTime');
    const slurm = { ...(partition && { partition }), ...(gpus !== undefined && { gpus }), ...(time && { time }) };
    fields.slurm = Object.keys(slurm).length > 0 ? slurm : undefined;
  }
  return fields;
}

/** Adds or replaces a target; returns the targets after the edit. */
export async function saveTarget(root: string, input: TargetInput): Promise<SyncTargetInfo[]> {
  const target = validateTarget(input);
  const document = await readDocument(root);
  const targets = isRecord(document.targets) ? { ...document.targets } : {};
  const previous = isRecord(targets[target.name]) ? (targets[target.name] as Record<string, unknown>) : {};
  const replaced = new Set<string>([...CONNECTION_FIELDS, ...RUN_FIELDS.filter((field) => input[field] !== undefined)]);
  const kept = Object.fromEntries(Object.entries(previous).filter(([key]) => !replaced.has(key)));
  const { name, ...fields } = target;
  // JSON.stringify drops the undefined ones: a cleared field leaves the file.
  targets[name] = { ...fields, ...kept };
  await writeDocument(root, { ...document, targets });
  return listTargets(root);
}

export async function removeTarget(root: string, name: string): Promise<SyncTargetInfo[]> {
  const document = await readDocument(root);
  const targets = isRecord(document.targets) ? { ...document.targets } : {};
  if (!(name in targets)) fail('not-found', `There is no server named "${name}" in this project.`, 'name');
  delete targets[name];
  await writeDocument(root, { ...document, targets });
  return listTargets(root);
}

/** The file as JSON, after checking it with project-settings.ts (a broken file is an error, not overwritten). */
async function readDocument(root: string): Promise<Record<string, unknown>> {
  await loadProjectSettings(root);
  const text = await readFile(projectSettingsPath(root), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return { targets: {} };
  const parsed: unknown = JSON.parse(text);
  return isRecord(parsed) ? parsed : { targets: {} };
}

async function writeDocument(root: string, document: Record<string, unknown>): Promise<void> {
  const file = projectSettingsPath(root);
  await mkdir(path.dirname(file), { recursive: true });
  await atomicWriteFile(file, `${JSON.stringify(document, null, 2)}\n`);
  // Read back through the real loader so what was written is what every other tool accepts.
  await loadProjectSettings(root);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
