import path from 'node:path';

/** `~/x` as the user's home plus `x` (ssh config and targets name keys that way); anything else as given. */
export function expandHome(file: string): string {
  return file.startsWith('~/') ? path.join(process.env.HOME ?? '', file.slice(2)) : file;
}
