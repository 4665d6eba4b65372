import { lstat } from 'node:fs/promises';
import path from 'node:path';

/** Files a command names that are configs or lists (copied with the run). */
const CONFIG_FILE = /\.(ya?ml|json|toml|cfg|ini|conf|txt|csv|lst|list)$/i;
/** An environment's lock files, at the project root. */
const LOCK_FILES = [/^Pipfile\.lock$/, /^requirements.*\.txt$/, /^environment\.ya?ml$/, /^poetry\.lock$/, /^uv\.lock$/, /^conda-lock\.ya?ml$/];
/** Copies are for configs, not datasets. */
const MAX_COPY_BYTES = 1024 * 1024;

/**
 * The config and list files a command names (`--config configs/a.yaml`, `cfg=exp.toml`), as
 * project-relative paths of regular files inside the project that are at most 1 MB.
 */
export async function configFilesNamed(root: string, command: string): Promise<string[]> {
  const words = command.split(/\s+/).flatMap((word) => word.replace(/^['"]|['"]$/g, '').split(/=|,/));
  const found = new Set<string>();
  for (const word of words) {
    if (!CONFIG_FILE.test(word) || word.startsWith('/') || word.split('/').includes('..')) continue;
    const relative = path.posix.normalize(word.replace(/^\.\//, ''));
    const info = await lstat(path.join(root, ...relative.split('/'))).catch(() => null);
    if (info?.isFile() && info.size <= MAX_COPY_BYTES) found.add(relative);
  }
  return [...found].sort();
}

/** The lock files present at the project root. */
export async function environmentFiles(root: string, names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    if (!LOCK_FILES.some((pattern) => pattern.test(name))) continue;
    const info = await lstat(path.join(root, name)).catch(() => null);
    if (info?.isFile() && info.size <= 16 * MAX_COPY_BYTES) found.push(name);
  }
  return found.sort();
}
