/**
 * The file-type bits of a POSIX mode (st_mode & S_IFMT), as SFTP attributes and lstat carry
 * them, and the kinds sync and the explorer tell apart.
 */
export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;

export type ModeKind = 'file' | 'dir' | 'symlink' | 'other';

export function kindOfMode(mode: number): ModeKind {
  const type = mode & S_IFMT;
  return type === S_IFREG ? 'file' : type === S_IFDIR ? 'dir' : type === S_IFLNK ? 'symlink' : 'other';
}
