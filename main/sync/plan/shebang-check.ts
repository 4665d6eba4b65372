import { open } from 'node:fs/promises';
import path from 'node:path';
import type { PlanWarning } from '../sync-types';

/**
 * A script whose `#!` line ends in CRLF fails on Linux with "bad interpreter: /bin/bash^M".
 * SFTP copies bytes as they are (no conversion, by design), so we warn before it bites. The
 * engine passes executable files only: the kernel reads the `#!` line only when it runs one.
 */
export async function findCrlfShebangs(root: string, paths: readonly string[]): Promise<PlanWarning[]> {
  const found = new Map<string, PlanWarning>();
  // Many files at once: a first push checks thousands, and one at a time is three file-system
  // round trips each (seconds for a big tree on a busy machine).
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < paths.length; index = next++) {
      const relative = paths[index] as string;
      if (await hasCrlfShebang(path.join(root, ...relative.split('/')))) {
        found.set(relative, {
          path: relative,
          message: `${relative} starts with "#!" but has Windows (CRLF) line endings; it will fail on the server with "bad interpreter". Convert it to LF (and add "* text=auto eol=lf" to .gitattributes).`,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, paths.length) }, worker));
  // In the order the paths were given, whatever order the checks finished in.
  return paths.flatMap((relative) => found.get(relative) ?? []);
}

const PARALLEL_CHECKS = 32;

async function hasCrlfShebang(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('latin1');
    const firstLineEnd = text.indexOf('\n');
    return text.startsWith('#!') && firstLineEnd > 0 && text[firstLineEnd - 1] === '\r';
  } finally {
    await handle.close();
  }
}
