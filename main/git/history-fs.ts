import fs from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** One error for every "not a loose object" answer: isomorphic-git only looks at its code, and a stack trace per commit is most of the cost. */
const NOT_LOOSE = Object.freeze(Object.assign(new Error('not a loose object'), { code: 'ENOENT' }));
const LOOSE_OBJECT = /[\\/]objects[\\/]([0-9a-f]{2})[\\/]([0-9a-f]{38})$/;

/**
 * The file system isomorphic-git reads one history through. For every object it first tries
 * `.git/objects/xx/yyyy…` (a file open that fails for each packed commit: 1,591 failed opens and
 * ~0.5 s on detectron2's history) before the packs. The loose objects are listed once when the
 * read starts, and an object not among them is answered "missing" without a system call. An
 * object written after the listing belongs to a commit made after the refs were read, which
 * this read does not reach. Likewise the stat of .git and the list of packs, asked again for
 * every object, are read once. Everything else goes to the real file system.
 */
export async function historyFs(gitDir: string): Promise<typeof fs> {
  const loose = new Set<string>();
  const objects = path.join(gitDir, 'objects');
  const folders = await readdir(objects).catch(() => null);
  // Not a plain .git folder (a worktree's .git file): the real file system, no shortcut.
  if (folders === null) return fs;
  await Promise.all(
    folders
      .filter((name) => /^[0-9a-f]{2}$/.test(name))
      .map(async (prefix) => {
        for (const rest of await readdir(path.join(objects, prefix)).catch(() => [] as string[])) loose.add(prefix + rest);
      }),
  );
  const promises = { ...fs.promises } as typeof fs.promises;
  const readFile = fs.promises.readFile.bind(fs.promises);
  promises.readFile = ((file: fs.PathLike, options?: unknown) => {
    const match = typeof file === 'string' ? LOOSE_OBJECT.exec(file) : null;
    if (match && !loose.has(`${match[1]}${match[2]}`)) return Promise.reject(NOT_LOOSE);
    return readFile(file, options as never);
  }) as typeof fs.promises.readFile;
  // Asked again for every object: whether .git is a folder (a stat), and the packs (a readdir).
  // Both are read once per history read.
  const stat = fs.promises.stat.bind(fs.promises);
  const gitDirStat = stat(gitDir);
  gitDirStat.catch(() => undefined);
  promises.stat = ((file: fs.PathLike, options?: unknown) => (file === gitDir ? gitDirStat : stat(file, options as never))) as typeof fs.promises.stat;
  const packsFolder = path.join(objects, 'pack');
  const packs = fs.promises.readdir(packsFolder);
  packs.catch(() => undefined);
  const readFolder = fs.promises.readdir.bind(fs.promises);
  promises.readdir = ((folder: fs.PathLike, options?: unknown) => (typeof folder === 'string' && path.normalize(folder) === packsFolder && options === undefined ? packs : readFolder(folder, options as never))) as typeof fs.promises.readdir;
  return { promises } as unknown as typeof fs;
}
