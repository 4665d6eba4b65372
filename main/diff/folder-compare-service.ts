import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { CompareEntry, CompareTarget, CopyAcrossItem, CopyAcrossReport, CopyDirection, FolderCompareResult } from '../../preload/api';
import { ApiError, type TaskRegistry } from '../common';
import type { RemoteContextSource } from '../explorer';
import { execCommand } from '../ssh';
import { hashLocalFile, hashRemoteFiles, loadIgnoreRules, scanLocal, scanRemote, type IgnoreRules } from '../sync';
import { parseWorkspacePath, resolveInWorkspace, toWorkspaceRelative } from '../workspace';
import { copyAcross, type CompareSide } from './copy-across';
import { compareListings, settleWithHashes } from './folder-compare';

/** Local files hashed at once. */
const LOCAL_HASHES_IN_FLIGHT = 8;

/**
 * Folder compare: a project folder against another project folder or its copy on the active
 * server. Both sides are listed the way sync lists them (the sync ignore rules, lstat only, links
 * never followed: a server's `data/` link to another disk is one entry, not a tree), compared on
 * kind, size and time, and only files whose size matches but time differs are hashed (locally
 * with sha256, on the server with one `sha256sum` per batch or over SFTP).
 */
export class FolderCompareService {
  constructor(
    private readonly remote: RemoteContextSource,
    private readonly tasks: TaskRegistry,
  ) {}

  async compare(root: string, folder: string, other: CompareTarget): Promise<FolderCompareResult> {
    const relative = toWorkspaceRelative(parseWorkspacePath(folder));
    const leftDir = await this.localFolder(root, relative);
    const ignore = await loadIgnoreRules(root);
    // The rules are the project's; a subfolder's paths are looked up with its prefix.
    const prefix = relative === '' ? '' : `${relative}/`;
    const kept = <T extends { path: string; kind: string }>(entries: readonly T[]) => entries.filter((entry) => !ignore.isIgnored(prefix + entry.path, entry.kind === 'dir'));
    // The project's rules, asked with a folder's path in front (the scans list paths from the folder).
    const under = (folderPrefix: string): IgnoreRules => ({
      isIgnored: (p, isDir) => ignore.isIgnored(folderPrefix + p, isDir),
      explain: (p, isDir) => ignore.explain(folderPrefix + p, isDir),
      files: ignore.files,
      tracked: ignore.tracked,
      warnings: ignore.warnings,
    });
    return this.tasks.run({ title: `Comparing ${relative || 'the project'}`, unit: 'files' }, async (task) => {
      const leftScan = await scanLocal(leftDir, { ignore: under(prefix), signal: task.signal });
      // scanLocal already leaves out what the rules ignore.
      const left = leftScan.entries.map(fromLocal);
      task.report(left.length);
      if (other.kind === 'local') {
        const otherRelative = toWorkspaceRelative(parseWorkspacePath(other.path, 'with.path'));
        const rightDir = await this.localFolder(root, otherRelative);
        const rightScan = await scanLocal(rightDir, { ignore: under(otherRelative === '' ? '' : `${otherRelative}/`), signal: task.signal });
        const right = rightScan.entries.map(fromLocal);
        const quick = compareListings(left, right);
        const [a, b] = await Promise.all([hashLocal(leftDir, quick.needHash), hashLocal(rightDir, quick.needHash)]);
        return { left: relative || '.', right: otherRelative || '.', rows: settleWithHashes(quick.rows, a, b), hashed: quick.needHash.length };
      }
      const context = await this.remote.remoteContext();
      const remoteDir = relative === '' ? context.remoteRoot : `${context.remoteRoot}/${relative}`;
      const { client, sftp } = context.live;
      const scan = await scanRemote({ exec: (command, options) => execCommand(client, command, options), sftp }, remoteDir, { hostLabel: context.hostLabel, signal: task.signal });
      const right = kept(scan.entries).map((entry) => compareEntry(entry, entry.mtime * 1000));
      const quick = compareListings(left, right);
      const sizes = new Map(right.map((entry) => [entry.path, entry.size]));
      const [a, b] = await Promise.all([hashLocal(leftDir, quick.needHash), hashRemoteFiles(client, sftp, remoteDir, quick.needHash, { sizes })]);
      return { left: relative || '.', right: `${context.target}:${remoteDir}`, rows: settleWithHashes(quick.rows, a, b), hashed: quick.needHash.length };
    });
  }

  /** Copies compared paths from one side to the other (copy-across.ts has the rules), as a task with progress and Cancel. */
  async copyAcross(root: string, folder: string, other: CompareTarget, direction: CopyDirection, items: readonly CopyAcrossItem[]): Promise<CopyAcrossReport> {
    const relative = toWorkspaceRelative(parseWorkspacePath(folder));
    for (const [index, item] of items.entries()) parseWorkspacePath(item.path, `items.${index}.path`);
    const left: CompareSide = { kind: 'local', dir: await this.localFolder(root, relative), label: relative || 'the project' };
    let right: CompareSide;
    if (other.kind === 'local') {
      const otherRelative = toWorkspaceRelative(parseWorkspacePath(other.path, 'with.path'));
      right = { kind: 'local', dir: await this.localFolder(root, otherRelative), label: otherRelative || 'the project' };
    } else {
      const context = await this.remote.remoteContext();
      right = { kind: 'server', dir: relative === '' ? context.remoteRoot : `${context.remoteRoot}/${relative}`, label: context.hostLabel, context, workspaceDir: relative };
    }
    const [from, to] = direction === 'left-to-right' ? [left, right] : [right, left];
    return this.tasks.run({ title: `Copying to ${to.label}`, unit: 'files' }, (task) => copyAcross(from, to, items, direction, task));
  }

  private async localFolder(root: string, relative: string): Promise<string> {
    const absolute = await resolveInWorkspace(root, relative, { followFinal: true });
    const info = await lstat(absolute).catch(() => null);
    if (!info?.isDirectory()) throw new ApiError({ code: info ? 'not-a-directory' : 'not-found', message: `${relative || path.basename(root)} is not a folder of the project.` });
    return absolute;
  }
}

/** A listed entry as the compare sees it; times in ms (the server's whole seconds converted by the caller). */
function compareEntry(entry: { path: string; kind: CompareEntry['kind']; size: number; linkTarget?: string }, mtimeMs: number): CompareEntry {
  return { path: entry.path, kind: entry.kind, size: entry.size, mtimeMs, ...(entry.linkTarget !== undefined && { linkTarget: entry.linkTarget }) };
}

const fromLocal = (entry: { path: string; kind: CompareEntry['kind']; size: number; mtimeMs: number; linkTarget?: string }) => compareEntry(entry, entry.mtimeMs);

async function hashLocal(dir: string, paths: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < paths.length; index = next++) {
      const file = paths[index] as string;
      const hash = await hashLocalFile(path.join(dir, ...file.split('/'))).catch(() => null);
      if (hash !== null) hashes.set(file, hash);
    }
  };
  await Promise.all(Array.from({ length: LOCAL_HASHES_IN_FLIGHT }, worker));
  return hashes;
}
