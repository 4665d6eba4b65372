import { open } from 'node:fs/promises';
import path from 'node:path';
import type { PlanWarning } from './sync-types';

/**
 * A script whose `#!` line ends in CRLF fails on Linux with "bad interpreter: /bin/bash^M".
 * SFTP copies bytes as they are (no conversion, by design), so we warn before it bites.
 */
export async function findCrlfShebangs(root: string, paths: readonly string[]): Promise<PlanWarning[]> {
  const warnings: PlanWarning[] = [];
  for (const relative of paths) {
    const handle = await open(path.join(root, ...relative.split('/')), 'r').catch(() => null);
    if (!handle) continue;
    try {
      const head = Buffer.alloc(512);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const text = head.subarray(0, bytesRead).toString('latin1');
      const firstLineEnd = text.indexOf('\n');
      if (text.startsWith('#!') && firstLineEnd > 0 && text[firstLineEnd - 1] === '\r') {
        warnings.push({
          path: relative,
          message: `${relative} starts with "#!" but has Windows (CRLF) line endings; it will fail on the server with "bad interpreter". Convert it to LF (and add "* text=auto eol=lf" to .gitattributes).`,
        });
      }
    } finally {
      await handle.close();
    }
  }
  return warnings;
}
