/**
 * Server paths (absolute POSIX strings) as both the remote explorer in main and its tree in the
 * renderer handle them. Common code: pure functions, no Node, no DOM.
 *
 * `..` is collapsed lexically (`/a/link/..` is `/a`), the way a path bar shows it: the explorer
 * names what the person sees, not where a link on the way happens to lead.
 */

/** Collapses `//`, `.` and `..` in an absolute path; never climbs above `/`. */
export function collapseRemotePath(absolute: string): string {
  const segments: string[] = [];
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

export function remoteChild(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The folder that holds a (normalised) server path; `/` for top-level entries and for `/`. */
export function remoteParent(remotePath: string): string {
  const slash = remotePath.lastIndexOf('/');
  return slash <= 0 ? '/' : remotePath.slice(0, slash);
}

/** True when `candidate` is `dir` itself or lies below it (both normalised). */
export function isRemoteInside(dir: string, candidate: string): boolean {
  if (dir === '/') return true;
  return candidate === dir || candidate.startsWith(`${dir}/`);
}

/**
 * Where a server path lies relative to a folder (both may be unnormalised): `''` for the folder
 * itself, `configs/a.yaml` below it, null outside. `/srv/proj2` is outside `/srv/proj`.
 */
export function remoteRelative(root: string, remotePath: string): string | null {
  const dir = collapseRemotePath(root);
  const target = collapseRemotePath(remotePath);
  if (!isRemoteInside(dir, target)) return null;
  if (target === dir) return '';
  return dir === '/' ? target.slice(1) : target.slice(dir.length + 1);
}
