import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { atomicWriteFile } from '../../common';
import type { BaseEntry } from '../sync-types';

const STATE_VERSION = 1;

const stamp = z.object({ size: z.number(), mtime: z.number(), mode: z.number() });
const stateFile = z.object({
  version: z.literal(STATE_VERSION),
  target: z.string(),
  host: z.string(),
  remoteRoot: z.string(),
  entries: z.record(
    z.string(),
    z.object({
      kind: z.enum(['file', 'dir', 'symlink']),
      local: z.object({ size: z.number(), mtimeMs: z.number(), mode: z.number(), hash: z.string() }).nullable(),
      remote: stamp.nullable(),
      linkTarget: z.string().optional(),
    }),
  ),
});

export interface StateIdentity {
  readonly target: string;
  readonly host: string;
  readonly remoteRoot: string;
}

/** Where a target's base lives: `.labdesk/state/<target>.json` (never uploaded, ignored by git). */
export function stateFilePath(localRoot: string, target: string): string {
  return path.join(localRoot, '.labdesk', 'state', `${target.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/**
 * The last-synced base of one target. It is only ever advanced after a write the server
 * confirmed, and saved atomically, so a crash leaves the previous base (which can only make
 * the next plan more careful, never overwrite a change).
 */
export class SyncState {
  /** Something was recorded or forgotten since the last save. */
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly identity: StateIdentity,
    readonly entries: Map<string, BaseEntry>,
  ) {}

  /** Loads the base; a missing, damaged or other-host/root file starts empty (every file is then compared by content). */
  static async load(localRoot: string, identity: StateIdentity): Promise<SyncState> {
    const file = stateFilePath(localRoot, identity.target);
    const entries = new Map<string, BaseEntry>();
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) {
      const parsed = stateFile.safeParse(safeJson(text));
      if (parsed.success && parsed.data.host === identity.host && parsed.data.remoteRoot === identity.remoteRoot) {
        for (const [entryPath, entry] of Object.entries(parsed.data.entries)) {
          entries.set(entryPath, {
            path: entryPath,
            kind: entry.kind,
            local: entry.local,
            remote: entry.remote,
            ...(entry.linkTarget !== undefined && { linkTarget: entry.linkTarget }),
          });
        }
      }
    }
    return new SyncState(file, identity, entries);
  }

  record(entry: BaseEntry): void {
    this.entries.set(entry.path, entry);
    this.dirty = true;
  }

  forget(entryPath: string): void {
    this.dirty = this.entries.delete(entryPath) || this.dirty;
  }

  /** Saves only when something changed: a no-op sync of 10,000 files need not rewrite 1.5 MB. */
  async saveIfChanged(): Promise<void> {
    if (this.dirty) await this.save();
  }

  async save(): Promise<void> {
    this.dirty = false;
    const entries: Record<string, Omit<BaseEntry, 'path'>> = {};
    for (const [entryPath, { path: _path, ...rest }] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : 1))) entries[entryPath] = rest;
    await mkdir(path.dirname(this.file), { recursive: true });
    await atomicWriteFile(this.file, JSON.stringify({ version: STATE_VERSION, ...this.identity, entries }) + '\n');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
