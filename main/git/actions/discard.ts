import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, rm, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { DiscardResult } from '../../../preload/api';
import { ApiError, atomicWriteFile, fromFsError } from '../../common';
import { resolveInWorkspace } from '../../workspace';
import type { Repository } from '../repository';

/**
 * Discarding puts each file back as the index has it (an untracked file is removed), after a copy
 * of what is thrown away is kept in `.labdesk/state/discarded/<id>/` (ignored by git, never
 * uploaded), so "Undo" can bring it back: a click should never lose a day's work.
 */

interface BackedUp {
  readonly path: string;
  readonly state: 'file' | 'link' | 'missing';
  readonly mode?: number;
  readonly link?: string;
}

const BACKUP_ID = /^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$/;

function backupFolder(root: string, id: string): string {
  return path.join(root, '.labdesk', 'state', 'discarded', id);
}

export async function discardChanges(repo: Repository, root: string, paths: readonly string[]): Promise<DiscardResult> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const id = `${stamp}-${randomBytes(4).toString('hex')}`;
  const folder = backupFolder(root, id);
  const saved: BackedUp[] = [];
  for (const file of paths) {
    const absolute = await resolveInWorkspace(root, file, { followFinal: false });
    const info = await lstat(absolute).catch(() => null);
    if (info === null) saved.push({ path: file, state: 'missing' });
    else if (info.isSymbolicLink()) saved.push({ path: file, state: 'link', link: await readlink(absolute) });
    else if (info.isFile()) {
      const copy = path.join(folder, 'files', ...file.split('/'));
      try {
        await mkdir(path.dirname(copy), { recursive: true });
        await atomicWriteFile(copy, await readFile(absolute), info.mode & 0o7777);
      } catch (error) {
        throw fromFsError(error, 'keep a copy before discarding', file);
      }
      saved.push({ path: file, state: 'file', mode: info.mode & 0o7777 });
    } else throw new ApiError({ code: 'is-a-directory', message: `${file} is a folder; discard the files in it instead.` });
  }
  await mkdir(folder, { recursive: true });
  await atomicWriteFile(path.join(folder, 'manifest.json'), JSON.stringify({ version: 1, files: saved }, null, 2));

  const tracked = new Set(
    (await repo.must(['ls-files', '-z', '--', ...paths.map((file) => repo.pathspec(file))]))
      .toString('utf8')
      .split('\0')
      .filter(Boolean),
  );
  const restore = paths.filter((file) => tracked.has(repo.repoPath(file)));
  if (restore.length > 0) await repo.must(['checkout', '-q', '--', ...restore.map((file) => repo.pathspec(file))], { action: 'Discarding' });
  for (const file of paths.filter((candidate) => !tracked.has(repo.repoPath(candidate)))) {
    await unlink(await resolveInWorkspace(root, file, { followFinal: false })).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw fromFsError(error, 'discard', file);
    });
  }
  return { backup: id, files: saved.length };
}

/** Puts every file of a backup back as it was when it was discarded, then forgets the backup. */
export async function undoDiscard(root: string, id: string): Promise<void> {
  if (!BACKUP_ID.test(id)) throw new ApiError({ code: 'bad-argument', message: `"${id}" is not a discard backup.`, argument: 'backup' });
  const folder = backupFolder(root, id);
  let files: BackedUp[];
  try {
    files = (JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as { files: BackedUp[] }).files;
  } catch {
    throw new ApiError({ code: 'not-found', message: 'That discard can no longer be undone: its copy is gone.' });
  }
  for (const file of files) {
    const absolute = await resolveInWorkspace(root, file.path, { followFinal: false });
    await mkdir(path.dirname(absolute), { recursive: true });
    if (file.state === 'file') await atomicWriteFile(absolute, await readFile(path.join(folder, 'files', ...file.path.split('/'))), file.mode);
    else {
      await rm(absolute, { force: true });
      if (file.state === 'link' && file.link !== undefined) await symlink(file.link, absolute);
    }
  }
  await rm(folder, { recursive: true, force: true });
}
