import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { atomicWriteFile } from '../../common';

/**
 * "Remember the active target per project": the target activated last in this project, so
 * opening the project again turns upload on save back on by itself.
 *
 * It is per machine and per user, so it lives in `.labdesk/state/` (never uploaded, ignored by
 * git), not in the shared project.json. It sits in a `window/` sub-folder because every
 * `.labdesk/state/<name>.json` is the sync base of the target called <name> (sync-state.ts), and
 * "active-target" is a valid target name; a folder can never be mistaken for a base file.
 */
export function activeTargetMemoryPath(root: string): string {
  return path.join(root, '.labdesk', 'state', 'window', 'active-target.json');
}

const MEMORY_VERSION = 1;
const TARGET_NAME = /^[A-Za-z0-9._-]+$/;

const memoryFile = z.object({
  version: z.literal(MEMORY_VERSION),
  target: z.string().regex(TARGET_NAME),
  rememberedAt: z.string(),
});

export type ActiveTargetMemory = z.infer<typeof memoryFile>;

/** The target to activate when `root` opens, or null (none remembered, or an unreadable file: never an error). */
export async function recallActiveTarget(root: string): Promise<string | null> {
  const text = await readFile(activeTargetMemoryPath(root), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = memoryFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.target : null;
  } catch {
    return null;
  }
}

/**
 * Remembers `target` as the project's active one, or forgets it (null: the person deactivated).
 * Written atomically, so a crash leaves the previous memory or none.
 */
export async function rememberActiveTarget(root: string, target: string | null, now: Date = new Date()): Promise<void> {
  const file = activeTargetMemoryPath(root);
  if (target === null) {
    await rm(file, { force: true });
    return;
  }
  if (!TARGET_NAME.test(target)) throw new Error(`"${target}" is not a target name (letters, digits, . _ -).`);
  const memory: ActiveTargetMemory = { version: MEMORY_VERSION, target, rememberedAt: now.toISOString() };
  await mkdir(path.dirname(file), { recursive: true });
  await atomicWriteFile(file, JSON.stringify(memory, null, 2) + '\n');
}

/**
 * For SyncService.setRoot: reads the memory of `root` and, when there is one, starts `activate`
 * with it without waiting (the window opens at once; a failed connection shows in the status bar
 * like any activation). A remembered target that no longer exists in project.json is forgotten.
 * Resolves once the memory was read, i.e. before the activation itself is under way.
 */
export async function restoreActiveTarget(root: string, activate: (target: string) => Promise<unknown> | undefined): Promise<void> {
  const target = await recallActiveTarget(root);
  if (target === null) return;
  const started = activate(target);
  started?.catch(async (error: unknown) => {
    const { code, argument } = error as { code?: unknown; argument?: unknown };
    if (code === 'not-found' && argument === 'name') await rememberActiveTarget(root, null).catch(() => undefined);
  });
}
