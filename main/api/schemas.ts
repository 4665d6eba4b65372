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

const graphId = z.string().min(1).max(100);
/** A full or abbreviated commit hash (never a ref name or an option). */
const commitId = z.string().regex(/^[0-9a-f]{4,64}$/i, 'must be a commit hash');
/** A branch, tag or commit as the user picked it; git checks the rest, and a leading dash is refused there. */
const refName = z.string().min(1).max(1000);
const pathList = z.array(relativePath.min(1)).min(1).max(100_000);
const compareTarget = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('local'), path: relativePath }), z.strictObject({ kind: z.literal('server') })]);
const compareEntry = z.strictObject({
  path: relativePath,
  kind: z.enum(['file', 'dir', 'symlink', 'other']),
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  linkTarget: z.string().max(4096).optional(),
});
const runId = z.string().regex(/^r-\d{8}-\d{6}-[0-9a-f]{4}$/, 'must be a run id');
const terminalId = z.string().regex(/^t[0-9a-f]{8}$/, 'must be a terminal id');
const terminalCols = z.number().int().min(2).max(1000);
const terminalRows = z.number().int().min(1).max(500);
const lineRanges = z.array(z.tuple([z.number().int().positive(), z.number().int().positive()])).max(100_000);

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
    environment: z.string().max(2000).optional(),
    dataRoot: z.string().max(4096).optional(),
    launcher: z.enum(['tmux', 'slurm', '']).optional(),
    slurm: z.strictObject({ partition: z.string().max(200).optional(), gpus: z.number().optional(), time: z.string().max(100).optional() }).optional(),
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
  'git.status': nothing,
  'git.init': nothing,
  'git.openGraph': nothing,
  'git.graphRows': z.strictObject({ id: graphId, start: z.number().int().nonnegative(), count: z.number().int().min(1).max(1000) }),
  'git.searchGraph': z.strictObject({ id: graphId, field: z.enum(['message', 'author', 'hash', 'path']), query: z.string().max(1000) }),
  'git.commitDetails': z.strictObject({ oid: commitId }),
  'git.compareCommits': z.strictObject({ from: commitId, to: commitId }),
  'git.readVersion': z.strictObject({
    path: relativePath.min(1),
    version: z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('worktree') }), z.strictObject({ kind: z.literal('index') }), z.strictObject({ kind: z.literal('commit'), oid: commitId })]),
  }),
  'git.stage': z.strictObject({ paths: pathList }),
  'git.unstage': z.strictObject({ paths: pathList }),
  'git.stageLines': z.strictObject({ path: relativePath.min(1), unstage: z.boolean(), selection: z.strictObject({ oldLines: lineRanges, newLines: lineRanges }) }),
  'git.discard': z.strictObject({ paths: pathList }),
  'git.undoDiscard': z.strictObject({ backup: z.string().min(1).max(100) }),
  'git.commit': z.strictObject({ message: z.string().max(1_000_000), amend: z.boolean() }),
  'git.lastMessage': nothing,
  'git.branches': nothing,
  'git.createBranch': z.strictObject({ name: refName, from: refName.optional(), checkout: z.boolean() }),
  'git.checkout': z.strictObject({ ref: refName }),
  'git.renameBranch': z.strictObject({ from: refName, to: refName }),
  'git.deleteBranch': z.strictObject({ name: refName, force: z.boolean() }),
  'git.stashes': nothing,
  'git.stash': z.strictObject({ message: z.string().max(10_000).optional(), includeUntracked: z.boolean() }),
  'git.stashPop': z.strictObject({ index: z.number().int().nonnegative().max(100_000) }),
  'git.fetch': nothing,
  'git.pull': z.strictObject({ mode: z.enum(['ff-only', 'merge', 'rebase']) }),
  'git.push': z.strictObject({ setUpstream: z.boolean() }),
  'git.fileHistory': z.strictObject({ path: relativePath.min(1) }),
  'git.blame': z.strictObject({ path: relativePath.min(1) }),
  'git.patch': z.strictObject({ from: commitId.nullable(), to: commitId, untracked: commitId.optional() }),
  'diff.compareFolders': z.strictObject({ path: relativePath, with: compareTarget }),
  'diff.copyAcross': z.strictObject({
    path: relativePath,
    with: compareTarget,
    direction: z.enum(['left-to-right', 'right-to-left']),
    items: z.array(z.strictObject({ path: relativePath.min(1), left: compareEntry.optional(), right: compareEntry.optional() })).min(1).max(100_000),
  }),
  'journal.list': nothing,
  'journal.search': z.strictObject({ query: z.string().max(1000), tag: z.string().max(200).optional() }),
  'journal.create': z.strictObject({
    title: z.string().min(1).max(300),
    tags: z.array(z.string().min(1).max(200)).max(100).optional(),
    runs: z.array(z.string().min(1).max(200)).max(1000).optional(),
    body: z.string().max(1_000_000).optional(),
  }),
  'journal.setField': z.strictObject({
    path: relativePath.min(1),
    key: z.enum(['title', 'tags', 'runs', 'commits']),
    value: z.union([z.string().max(1000), z.array(z.string().min(1).max(200)).max(1000)]),
  }),
  'runs.list': nothing,
  'runs.launch': z.strictObject({ command: z.string().min(1).max(10_000), launcher: z.enum(['tmux', 'slurm']).optional(), entry: z.string().min(1).max(500).optional(), environment: z.string().max(1000).optional() }),
  'runs.stop': z.strictObject({ id: runId }),
  'runs.log': z.strictObject({ id: runId, offset: z.number().int().nonnegative() }),
  'runs.searchLog': z.strictObject({ id: runId, query: z.string().min(1).max(1000).regex(/^[^\r\n]*$/, 'one line of text') }),
  'runs.metrics': z.strictObject({ id: runId }),
  'runs.patch': z.strictObject({ id: runId }),
  'runs.checkoutCode': z.strictObject({ id: runId }),
  'runs.runAgain': z.strictObject({ id: runId }),
  'runs.fetchOutputs': z.strictObject({ id: runId, paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }),
  'terminal.open': z.strictObject({
    cols: terminalCols,
    rows: terminalRows,
    session: z.string().regex(/^labdesk-term-[A-Za-z0-9_-]{1,80}$/, 'a Labdesk shell session name').optional(),
    run: z.strictObject({ id: runId, readOnly: z.boolean() }).optional(),
  }),
  'terminal.input': z.strictObject({ id: terminalId, data: z.string().max(1_000_000) }),
  'terminal.resize': z.strictObject({ id: terminalId, cols: terminalCols, rows: terminalRows }),
  'terminal.ack': z.strictObject({ id: terminalId, chars: z.number().int().nonnegative().max(1e9) }),
  'terminal.close': z.strictObject({ id: terminalId }),
  'terminal.sessions': nothing,
  'monitor.watch': z.strictObject({ visible: z.boolean() }),
  'monitor.watchTarget': z.strictObject({ name: z.string().min(1).max(200), watch: z.boolean() }),
  'monitor.history': z.strictObject({ target: z.string().min(1).max(200).optional() }),
  'server.setUp': nothing,
  'server.check': nothing,
  'prompts.answer': z.strictObject({ id: z.string().min(1).max(100), value: z.union([z.string().max(10_000), z.boolean(), z.null()]) }),
} as const satisfies ArgumentSchemas;
