import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { fail } from '../common';

/**
 * `.labdesk/project.json`: the project's servers ("targets") and extra ignore rules. It is
 * meant to be committed with the project, so it never holds a secret: hosts are ssh config
 * aliases or names, keys are paths.
 */
/** The data-disk folders of the researcher's habit (weights, datasets, results), under `dataRoot`, linked into the remote root. */
export const DATA_FOLDERS = ['model', 'data', 'output'] as const;

const targetSchema = z.strictObject({
  /** An ssh config alias (`gpu1`) or a host name. */
  host: z.string().min(1),
  /** Absolute POSIX folder on the server that mirrors the project root. */
  remoteRoot: z.string().regex(/^\//, 'must be an absolute path on the server (starting with /)'),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().min(1).optional(),
  identityFile: z.string().min(1).optional(),
  /**
   * A folder on the server's data disk whose model/, data/ and output/ folders "Set up server"
   * links into the remote root (the links are left alone by sync).
   */
  dataRoot: z.string().regex(/^\/./, 'must be an absolute folder on the server (starting with /), not / itself').optional(),
  /** Run before (or in front of) every run's command: `conda activate x`, `source .venv/bin/activate`, `pipenv run`. */
  environment: z.string().min(1).max(1000).optional(),
  /** How runs start there by default (tmux, or Slurm's sbatch on a cluster) and the job's options. */
  launcher: z.enum(['tmux', 'slurm']).optional(),
  slurm: z
    .strictObject({
      partition: z.string().min(1).max(200).optional(),
      gpus: z.number().int().min(0).max(1024).optional(),
      time: z.string().regex(/^[\d:-]+$/, 'a time limit as sbatch takes it, e.g. 4:00:00 or 2-00:00:00').optional(),
    })
    .optional(),
});

/** A regex with `name` and `value` groups (and optionally `step`) that finds metrics in run logs. */
const metricsPattern = z
  .string()
  .min(1)
  .max(1000)
  .refine((pattern) => {
    try {
      new RegExp(pattern, 'g');
    } catch {
      return false;
    }
    return pattern.includes('(?<name>') && pattern.includes('(?<value>');
  }, 'must be a regular expression with (?<name>…) and (?<value>…) groups, e.g. (?<name>loss|acc) (?<value>[\\d.]+)');

const projectSchema = z.strictObject({
  /** Replaces the default `name=value` / `name: value` reading of run logs for the metrics plot. */
  metricsPattern: metricsPattern.optional(),
  targets: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'target names use letters, digits, . _ -'), targetSchema).default({}),
  ignore: z.array(z.string()).default([]),
});

export type TargetSettings = z.infer<typeof targetSchema>;
export type ProjectSettings = z.infer<typeof projectSchema>;

export function projectSettingsPath(root: string): string {
  return path.join(root, '.labdesk', 'project.json');
}

/** Reads the project's settings; a missing file means no targets yet, a broken one is an error naming the field. */
export async function loadProjectSettings(root: string): Promise<ProjectSettings> {
  const file = projectSettingsPath(root);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return { targets: {}, ignore: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail('bad-argument', `${file} is not valid JSON: ${(error as Error).message}`, 'project.json');
  }
  const parsed = projectSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    // zod reports a bad record key without its own message; say what a target name may be.
    const detail = issue?.code === 'invalid_key' ? 'is not a valid name: target names use letters, digits, . _ -' : (issue?.message ?? 'is invalid');
    fail('bad-argument', `${file}: "${where}" ${detail}.`, 'project.json');
  }
  return parsed.data;
}
