import { z } from 'zod';

/** A workspace-relative POSIX path as sent by the renderer; confinement happens in workspace/. */
export const relativePath = z.string().max(4096);
const nothing = z.strictObject({});

/** Argument schemas, one per API method. Unknown keys are refused so typos surface at once. */
export const schemas = {
  'app.info': nothing,
  'settings.get': nothing,
  'settings.update': z.strictObject({ theme: z.enum(['light', 'dark']).optional(), vimMode: z.boolean().optional() }),
  'workspace.open': z.strictObject({ path: z.string().min(1).max(4096) }),
  'workspace.pickAndOpen': nothing,
  'workspace.current': nothing,
  'workspace.list': z.strictObject({ dir: relativePath }),
  'workspace.index': nothing,
  'workspace.read': z.strictObject({ path: relativePath }),
  'workspace.write': z.strictObject({
    path: relativePath.min(1),
    text: z.string(),
    expectedMtimeMs: z.number().nonnegative().optional(),
  }),
  'workspace.createFile': z.strictObject({ path: relativePath.min(1) }),
  'workspace.createFolder': z.strictObject({ path: relativePath.min(1) }),
  'workspace.rename': z.strictObject({ from: relativePath.min(1), to: relativePath.min(1) }),
  'workspace.delete': z.strictObject({ path: relativePath.min(1) }),
  'tasks.cancel': z.strictObject({ id: z.string().min(1).max(100) }),
  'sync.targets': nothing,
  'sync.saveTarget': z.strictObject({
    name: z.string().max(200),
    host: z.string().max(1000),
    remoteRoot: z.string().max(4096),
    port: z.number().optional(),
    user: z.string().max(200).optional(),
    identityFile: z.string().max(4096).optional(),
  }),
  'sync.removeTarget': z.strictObject({ name: z.string().min(1).max(200) }),
  'sync.activate': z.strictObject({ name: z.string().min(1).max(200).nullable() }),
  'sync.status': nothing,
  'sync.plan': z.strictObject({ deleteRemote: z.boolean() }),
  'sync.run': z.strictObject({ deleteRemote: z.boolean() }),
  'sync.readRemote': z.strictObject({ path: relativePath.min(1) }),
  'sync.resolveConflict': z.strictObject({ path: relativePath.min(1), choice: z.enum(['mine', 'theirs']) }),
  'prompts.answer': z.strictObject({ id: z.string().min(1).max(100), value: z.union([z.string().max(10_000), z.boolean(), z.null()]) }),
} as const;
