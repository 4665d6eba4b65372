import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { fail } from '../common';

/**
 * Paths from the renderer are workspace-relative POSIX strings. This file is the only place that
 * turns one into an absolute path, and it refuses anything that could reach outside the root:
 * absolute paths, drive letters, `..` segments, NUL bytes, and symlinks that lead elsewhere.
 */

/** Lexical check only (pure): returns the path's segments, or throws `outside-workspace`. */
export function parseWorkspacePath(relative: string, argument = 'path'): string[] {
  if (relative.includes('\0')) fail('bad-argument', `The path "${printable(relative)}" contains a NUL byte.`, argument);
  if (relative.startsWith('/') || relative.startsWith('\\') || /^[a-zA-Z]:/.test(relative)) {
    fail('outside-workspace', `"${relative}" is an absolute path; only paths inside the workspace are allowed.`, argument);
  }
  // A backslash is a separator on Windows; everywhere the renderer sends POSIX paths only.
  const segments = relative.split(/[/\\]/).filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) {
    fail('outside-workspace', `"${relative}" goes above the workspace folder ("..") and was refused.`, argument);
  }
  return segments;
}

/** Joins segments back into the canonical workspace-relative form ('' is the root). */
export function toWorkspaceRelative(segments: readonly string[]): string {
  return segments.join('/');
}

/** Workspace-relative POSIX path of an absolute path known to be under `root`. */
export function relativeFromRoot(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  // `..` as a whole segment only: an entry named `..notes` is inside.
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

export interface ResolveOptions {
  /**
   * Whether the last segment may be a symlink that is followed (reading or writing a file through
   * a link). When false (rename, delete, lstat) the link itself is the subject and its target does
   * not matter, but every folder above it must still resolve inside the root.
   */
  readonly followFinal: boolean;
  readonly argument?: string;
}

/**
 * Resolves a workspace-relative path against `root` (which must already be a realpath).
 * Returns the absolute path to operate on.
 */
export async function resolveInWorkspace(root: string, relative: string, options: ResolveOptions): Promise<string> {
  const argument = options.argument ?? 'path';
  const segments = parseWorkspacePath(relative, argument);
  const absolute = path.join(root, ...segments);
  if (segments.length === 0) return root;

  // Every existing folder above the entry must really be inside the root (a symlinked folder
  // pointing elsewhere would otherwise let `link/../../etc` style tricks through).
  const parentReal = await realpathOfDeepestExisting(path.dirname(absolute), argument);
  if (!isInside(root, parentReal)) {
    fail('outside-workspace', `"${relative}" is reached through a symbolic link that leads outside the workspace.`, argument);
  }
  if (options.followFinal) {
    const finalReal = await realpathIfExists(absolute, argument);
    if (finalReal !== null && !isInside(root, finalReal)) {
      fail('outside-workspace', `"${relative}" is a symbolic link to a place outside the workspace and was not opened.`, argument);
    }
    return finalReal ?? absolute;
  }
  return absolute;
}

/** Missing entries, and entries "below" a file (ENOTDIR), do not exist: the operation reports it. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function realpathIfExists(absolute: string, argument: string): Promise<string | null> {
  try {
    return await realpath(absolute);
  } catch (error) {
    if (isMissing(error)) {
      // A dangling link is still a link: refuse to write through it to wherever it points.
      const isLink = await lstat(absolute).then((s) => s.isSymbolicLink(), () => false);
      if (isLink) fail('outside-workspace', `"${path.basename(absolute)}" is a symbolic link whose target does not exist.`, argument);
      return null;
    }
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      fail('bad-argument', `"${path.basename(absolute)}" is a symbolic link that points back to itself (a link loop).`, argument);
    }
    throw error;
  }
}

async function realpathOfDeepestExisting(absolute: string, argument: string): Promise<string> {
  let current = absolute;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(current);
      return path.join(real, ...missing.reverse());
    } catch (error) {
      if (!isMissing(error)) throw error;
      // A missing component that is a dangling link would be created wherever the link points.
      if (await lstat(current).then((s) => s.isSymbolicLink(), () => false)) {
        fail('outside-workspace', `"${path.basename(current)}" is a symbolic link whose target does not exist.`, argument);
      }
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function printable(text: string): string {
  return text.replace(/\0/g, '\\0');
}
