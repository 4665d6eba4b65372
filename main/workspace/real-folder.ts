import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fail, fromFsError } from '../common';

/**
 * Makes `relative` (under `root`) a real folder, creating what is missing, and refuses a path
 * that goes through a symbolic link or a file: what Labdesk writes into a project folder is
 * never written through a link (a `data/` link to another disk stays as it is).
 */
export async function ensureRealFolder(root: string, relative: string, argument = 'path'): Promise<void> {
  let current = root;
  for (const segment of relative === '' ? [] : relative.split('/')) {
    current = path.join(current, segment);
    const stats = await lstat(current).catch(() => null);
    if (stats === null) {
      await mkdir(current).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fromFsError(error, 'create the folder', relative);
      });
    } else if (stats.isSymbolicLink()) {
      fail('bad-argument', `${relative} is reached through the symbolic link ${path.relative(root, current)}; Labdesk never writes through a link. Choose the folder it points at instead.`, argument);
    } else if (!stats.isDirectory()) {
      fail('not-a-directory', `${relative} is reached through ${path.relative(root, current)}, which is a file here, not a folder.`, argument);
    }
  }
}
