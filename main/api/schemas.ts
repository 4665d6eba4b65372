import { z } from 'zod';
import type { ArgOf, MethodName } from '../../preload/api';

/** A workspace-relative POSIX path as sent by the renderer; confinement happens in workspace/. */
export const relativePath = z.string().max(4096);
const nothing = z.strictObject({});
/** An absolute POSIX path on the server (normalised and checked again by the remote explorer). */
export const remotePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => value.startsWith('/') && !value.includes('\0'), { message: 'must be an absolute server path (starting with /) without NUL' });

/**
 * A schema per method whose parsed value is that method's argument type (preload/api/), and
 * one for every method: a schema that drifts from its method, or a method without one, fails
 * the typecheck instead of a call at run time.
 */
type ArgumentSchemas = { readonly [N in MethodName]: z.ZodType<ArgOf<N>> };

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
  'sync.resolveConflict': z.strictObject({ path: relativePath.min(1), choice: z.enum(['mine', 'theirs', 'merged']), text: z.string().max(50_000_000).optional() }),
  'remote.list': z.strictObject({ dir: remotePath }),
  'remote.read': z.strictObject({ path: remotePath }),
  'remote.write': z.strictObject({
    path: remotePath,
    text: z.string().max(50_000_000),
    expected: z.strictObject({ size: z.number().int().nonnegative(), mtimeMs: z.number().nonnegative() }).nullable().optional(),
  }),
  'remote.download': z.strictObject({ paths: z.array(remotePath).min(1).max(10_000), toDir: relativePath }),
  'remote.upload': z.strictObject({ paths: z.array(relativePath.min(1)).min(1).max(10_000), toDir: remotePath }),
  'remote.mkdir': z.strictObject({ path: remotePath }),
  'remote.rename': z.strictObject({ from: remotePath, to: remotePath }),
  'remote.delete': z.strictObject({ path: remotePath }),
  'prompts.answer': z.strictObject({ id: z.string().min(1).max(100), value: z.union([z.string().max(10_000), z.boolean(), z.null()]) }),
} as const satisfies ArgumentSchemas;
