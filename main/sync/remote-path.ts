import path from 'node:path';
import { fail } from '../api/api-error';

/**
 * Server paths as the remote explorer takes them: absolute POSIX strings. Pure functions only.
 *
 * `..` is collapsed lexically (`/a/link/..` is `/a`), the way a path bar shows it: the explorer
 * names what the person sees, not where a link on the way happens to lead.
 */

/** The canonical form of an absolute server path (no `//`, `.` or `..`; `/` stays `/`). */
export function normaliseRemotePath(raw: string, argument = 'path'): string {
  if (raw.includes('\0')) fail('bad-argument', `The server path "${raw.replace(/\0/g, '\\0')}" contains a NUL byte.`, argument);
  if (!raw.startsWith('/')) fail('bad-argument', `"${raw}" is not an absolute path on the server (it must start with /).`, argument);
  const segments: string[] = [];
  for (const segment of raw.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

export function remoteChild(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function remoteBaseName(remotePath: string): string {
  return path.posix.basename(remotePath) || '/';
}

export function remoteParent(remotePath: string): string {
  return path.posix.dirname(remotePath);
}

/** True when `candidate` is `dir` itself or lies below it (both normalised). */
export function isRemoteInside(dir: string, candidate: string): boolean {
  if (dir === '/') return true;
  return candidate === dir || candidate.startsWith(`${dir}/`);
}

/**
 * The sync-relative path of `remotePath` when it lies strictly inside the target's remote root
 * (`<root>/configs/a.yaml` → `configs/a.yaml`), else null. `remoteRoot` may be unnormalised.
 */
export function relativeToRemoteRoot(remoteRoot: string, remotePath: string): string | null {
  const root = normaliseRemotePath(remoteRoot, 'remoteRoot');
  if (remotePath === root || !isRemoteInside(root, remotePath)) return null;
  return root === '/' ? remotePath.slice(1) : remotePath.slice(root.length + 1);
}
