import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError, isLabdeskTempName } from '../common';
import { parseWorkspacePath, resolveInWorkspace, toWorkspaceRelative } from '../workspace';
import { caseCollisions, symlinkProblem } from '../sync';

export interface LocalPicked {
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly localPath: string;
  /** Workspace-relative POSIX path. */
  readonly workspacePath: string;
  /** Where it goes, relative to the destination folder (POSIX). */
  readonly relative: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mode: number;
  readonly linkTarget?: string;
}

/**
 * The local files and folders the person picked for an upload, folders with all they hold,
 * read with lstat. Links follow the sync rules: kept (as links) only when relative and inside
 * the project. Ignore rules do not apply to what was picked; Labdesk temp files never go.
 * Folders come before what they hold.
 */
export async function walkLocalSelection(root: string, picked: readonly string[]): Promise<{ entries: LocalPicked[]; skipped: { path: string; message: string }[] }> {
  const entries: LocalPicked[] = [];
  const skipped: { path: string; message: string }[] = [];
  const canonical = picked.map((item) => toWorkspaceRelative(parseWorkspacePath(item, 'paths')));
  const clashes = caseCollisions(canonical.map((item) => path.posix.basename(item)));

  const visit = async (workspacePath: string, relative: string): Promise<void> => {
    const localPath = path.join(root, ...workspacePath.split('/'));
    const stats = await lstat(localPath).catch(() => null);
    if (stats === null) {
      skipped.push({ path: workspacePath, message: `${workspacePath} does not exist here; it was skipped.` });
      return;
    }
    const common = { localPath, workspacePath, relative, size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode & 0o7777 };
    if (stats.isFile()) {
      entries.push({ ...common, kind: 'file' });
    } else if (stats.isSymbolicLink()) {
      const linkTarget = await readlink(localPath);
      const problem = symlinkProblem(workspacePath, linkTarget);
      if (problem) skipped.push({ path: workspacePath, message: problem.detail });
      else entries.push({ ...common, kind: 'symlink', linkTarget });
    } else if (stats.isDirectory()) {
      entries.push({ ...common, kind: 'dir' });
      const names = (await readdir(localPath).catch((error: unknown) => {
        throw fromFsError(error, 'list', workspacePath);
      })).filter((name) => !isLabdeskTempName(name));
      const collisions = caseCollisions(names);
      for (const name of names) {
        const others = collisions.get(name);
        if (others) skipped.push({ path: `${workspacePath}/${name}`, message: `${workspacePath}/${name} differs from ${others.join(', ')} only in upper/lower case; it was skipped.` });
      }
      await Promise.all(names.filter((name) => !collisions.has(name)).map((name) => visit(`${workspacePath}/${name}`, `${relative}/${name}`)));
    } else {
      skipped.push({ path: workspacePath, message: `${workspacePath} is a special file (device, pipe or socket); it was skipped.` });
    }
  };

  for (const workspacePath of canonical) {
    const name = path.posix.basename(workspacePath);
    const others = clashes.get(name);
    if (workspacePath === '') {
      skipped.push({ path: workspacePath, message: 'The project folder itself cannot be uploaded this way; use Sync now.' });
      continue;
    }
    if (others) {
      skipped.push({ path: workspacePath, message: `${workspacePath}: another chosen entry has the same name, apart from upper/lower case (${others.join(', ')}); it was skipped.` });
      continue;
    }
    // Confines the path (refuses `..` and folders above it that are links leading outside).
    await resolveInWorkspace(root, workspacePath, { followFinal: false, argument: 'paths' });
    await visit(workspacePath, name);
  }
  const depth = (entry: LocalPicked) => entry.relative.split('/').length;
  return { entries: entries.sort((a, b) => depth(a) - depth(b)), skipped };
}
