import { collapseRemotePath, remoteRelative } from '../../preload/remote-path';
import { fail } from '../common';

/**
 * Server paths as the remote explorer takes them from the renderer: checked, then normalised by
 * the common helpers in preload/remote-path.ts (shared with the renderer's tree).
 */
export { isRemoteInside, remoteChild, remoteParent } from '../../preload/remote-path';

/** The canonical form of an absolute server path (no `//`, `.` or `..`; `/` stays `/`). */
export function normaliseRemotePath(raw: string, argument = 'path'): string {
  if (raw.includes('\0')) fail('bad-argument', `The server path "${raw.replace(/\0/g, '\\0')}" contains a NUL byte.`, argument);
  if (!raw.startsWith('/')) fail('bad-argument', `"${raw}" is not an absolute path on the server (it must start with /).`, argument);
  return collapseRemotePath(raw);
}

export function remoteBaseName(remotePath: string): string {
  return remotePath.slice(remotePath.lastIndexOf('/') + 1) || '/';
}

/**
 * The sync-relative path of `remotePath` when it lies strictly inside the target's remote root
 * (`<root>/configs/a.yaml` → `configs/a.yaml`), else null. `remoteRoot` may be unnormalised.
 */
export function relativeToRemoteRoot(remoteRoot: string, remotePath: string): string | null {
  normaliseRemotePath(remoteRoot, 'remoteRoot');
  const relative = remoteRelative(remoteRoot, remotePath);
  return relative === '' ? null : relative;
}
