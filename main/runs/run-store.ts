import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunRecord } from '../../preload/api';
import { atomicWriteFile } from '../common';

/** journal/runs/<id>/ in the project: the run's record, its code.patch, configs/ and env/. */
export const RUNS_DIR = 'journal/runs';

export const runFolder = (root: string, id: string) => path.join(root, ...RUNS_DIR.split('/'), id);

/** `r-20261207-1405-a3f2`: sortable by time, unique without asking the server. */
export function newRunId(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `r-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}-${randomBytes(2).toString('hex')}`;
}

export interface RunFiles {
  readonly patch: string;
  /** Project-relative files to copy: configs into configs/, lock files into env/. */
  readonly configs: readonly string[];
  readonly environmentFiles: readonly string[];
  readonly manifest: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
}

/** Writes a new run's folder: the files first, run.json last (atomically), so a record always has what it names. */
export async function writeNewRun(root: string, record: RunRecord, files: RunFiles): Promise<void> {
  const folder = runFolder(root, record.id);
  await mkdir(folder, { recursive: true });
  if (files.patch !== '') await atomicWriteFile(path.join(folder, 'code.patch'), files.patch);
  for (const [sub, list] of [['configs', files.configs], ['env', files.environmentFiles]] as const) {
    for (const file of list) {
      const to = path.join(folder, sub, ...file.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(path.join(root, ...file.split('/')), to);
    }
  }
  await atomicWriteFile(path.join(folder, 'manifest.json'), `${JSON.stringify(files.manifest, null, 1)}\n`);
  await saveRun(root, record);
}

export async function saveRun(root: string, record: RunRecord): Promise<void> {
  await atomicWriteFile(path.join(runFolder(root, record.id), 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Every run recorded in the project, newest first; a run.json that does not parse is skipped. */
export async function listRuns(root: string): Promise<RunRecord[]> {
  const ids = await readdir(path.join(root, ...RUNS_DIR.split('/'))).catch(() => [] as string[]);
  const records = await Promise.all(
    ids.map(async (id) => {
      const text = await readFile(path.join(runFolder(root, id), 'run.json'), 'utf8').catch(() => null);
      if (text === null) return null;
      try {
        return JSON.parse(text) as RunRecord;
      } catch {
        return null;
      }
    }),
  );
  return records.filter((record): record is RunRecord => record !== null).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** manifest.json's content from sync's base: every synced file with the hash of what was sent. */
export function syncedManifest(entries: Iterable<{ readonly path: string; readonly kind: string; readonly local: { readonly hash: string } | null }>): Array<{ path: string; sha256: string }> {
  return [...entries].flatMap((entry) => (entry.kind === 'file' && entry.local?.hash ? [{ path: entry.path, sha256: entry.local.hash }] : [])).sort((a, b) => (a.path < b.path ? -1 : 1));
}
