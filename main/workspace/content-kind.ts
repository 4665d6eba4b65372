/** Size above which a text file opens read-only (editing huge logs in Monaco is slow and risky). */
export const READ_ONLY_ABOVE_BYTES = 5 * 1024 * 1024;
/** Size above which a file is not loaded into the editor at all. */
export const NOT_OPENED_ABOVE_BYTES = 50 * 1024 * 1024;

/** How many leading bytes are inspected to tell text from binary (git uses the same 8000). */
export const SNIFF_BYTES = 8000;

/**
 * Git's heuristic: a NUL byte in the first 8000 bytes means binary. UTF-16 files with a BOM are
 * the one text format that has NULs; they are treated as binary too, which is safe (not edited).
 */
export function looksBinary(head: Uint8Array): boolean {
  const limit = Math.min(head.length, SNIFF_BYTES);
  for (let i = 0; i < limit; i++) if (head[i] === 0) return true;
  return false;
}
