import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Suffix of every temp file Labdesk writes, so watchers and scans can ignore them. */
export const TEMP_MARKER = '.labdesk-tmp-';

export function isLabdeskTempName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

/**
 * Writes `data` to `target` so that readers see the old file or the new one, never a mix:
 * a unique temp file in the same folder, flushed to disk, then renamed over the target.
 * The existing file's mode is kept (an executable script stays executable).
 * On any failure the temp file is removed and the original is untouched.
 */
export async function atomicWriteFile(target: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
  const existingMode = mode ?? (await stat(target).then((s) => s.mode & 0o7777, () => undefined));
  const handle = await open(temp, 'wx', existingMode ?? 0o666);
  try {
    try {
      await handle.writeFile(data);
      if (existingMode !== undefined) await handle.chmod(existingMode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
