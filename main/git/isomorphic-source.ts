import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { parseCommitObject } from './commit-object';
import type { Commit, CommitShape, CommitSource, ReadHistoryOptions, Ref, RepoRefs } from './commit-source';
import { historyFs } from './history-fs';
import { walkOrder } from './walk-order';
import { sortRefs } from './ref-order';

/** Commits handed to the caller per batch once the history is ordered. */
const BATCH_COMMITS = 256;

/**
 * History through isomorphic-git, for machines without a `git` on PATH. It reads the whole
 * history before the first row (isomorphic-git has no streaming log and ignores the
 * commit-graph file), then orders it exactly as git's own walk does (walk-order.ts), so both
 * sources give the same graph. Slow on big repositories; the system git is used wherever it exists.
 */
export class IsomorphicSource implements CommitSource {
  readonly kind = 'isomorphic-git' as const;
  /** isomorphic-git's pack cache, shared by every read of this repository (without it each read parses the packs again). */
  private readonly cache = {};

  constructor(readonly root: string) {}

  async refs(): Promise<RepoRefs> {
    const dir = this.root;
    const refs: Ref[] = [];
    const peel = async (oid: string): Promise<{ oid: string; annotated: boolean } | null> => {
      const object = await git.readObject({ fs, dir, oid, cache: this.cache });
      if (object.type === 'commit') return { oid, annotated: false };
      if (object.type !== 'tag') return null;
      let target = (object.object as { object: string }).object;
      for (let depth = 0; depth < 10; depth++) {
        const next = await git.readObject({ fs, dir, oid: target, cache: this.cache });
        if (next.type === 'commit') return { oid: target, annotated: true };
        if (next.type !== 'tag') return null;
        target = (next.object as { object: string }).object;
      }
      return null;
    };
    for (const branch of await git.listBranches({ fs, dir })) {
      refs.push({ name: `refs/heads/${branch}`, short: branch, kind: 'local', oid: await git.resolveRef({ fs, dir, ref: `refs/heads/${branch}` }) });
    }
    // Every ref under refs/remotes, configured remote or not (as for-each-ref lists them).
    for (const branch of await git.listRefs({ fs, dir, filepath: 'refs/remotes' })) {
      if (branch.endsWith('/HEAD')) continue; // a pointer to one of the remote's branches
      const name = `refs/remotes/${branch}`;
      refs.push({ name, short: branch, kind: 'remote', oid: await git.resolveRef({ fs, dir, ref: name }) });
    }
    for (const tag of await git.listTags({ fs, dir })) {
      const peeled = await peel(await git.resolveRef({ fs, dir, ref: `refs/tags/${tag}` }));
      if (peeled) refs.push({ name: `refs/tags/${tag}`, short: tag, kind: 'tag', oid: peeled.oid, ...(peeled.annotated && { annotated: true }) });
    }
    (await this.stashes()).forEach((oid, index) => refs.push({ name: `stash@{${index}}`, short: `stash@{${index}}`, kind: 'stash', oid }));
    const head = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null);
    const branch = await git.currentBranch({ fs, dir, fullname: true, test: true });
    return { head, headBranch: branch ?? null, refs: sortRefs(refs) };
  }

  /** Commits read by the last walk; isomorphic-git reads whole commits anyway, so details come from here. */
  private readonly read = new Map<string, Commit>();

  shapes(refs: RepoRefs, options: ReadHistoryOptions = {}): AsyncIterable<readonly CommitShape[]> {
    return this.commits(refs, options);
  }

  async details(oids: readonly string[]): Promise<Commit[]> {
    const found: Commit[] = [];
    for (const oid of oids) {
      let commit = this.read.get(oid);
      if (!commit) {
        const object = await git.readObject({ fs, dir: this.root, oid, format: 'content', cache: this.cache }).catch(() => null);
        if (!object || object.type !== 'commit') continue;
        const parsed = parseCommitObject(object.object as Uint8Array);
        commit = { oid, parents: parsed.parents, author: parsed.author, committer: parsed.committer, subject: subjectOf(parsed.message), kind: 'commit' };
      }
      found.push(commit);
    }
    return found;
  }

  async *commits(refs: RepoRefs, options: ReadHistoryOptions = {}): AsyncIterable<readonly Commit[]> {
    const dir = this.root;
    const fs = await historyFs(path.join(this.root, '.git'));
    const shallow = await this.shallowBoundary();
    const stashes = new Set(refs.refs.filter((ref) => ref.kind === 'stash').map((ref) => ref.oid));
    const tips = [...new Set([...(refs.head ? [refs.head] : []), ...refs.refs.map((ref) => ref.oid)])];
    const walkTips = await this.walkTips(refs);
    const found = new Map<string, Commit>();
    const stack = [...tips];
    for (let oid = stack.pop(); oid !== undefined; oid = stack.pop()) {
      options.signal?.throwIfAborted();
      if (found.has(oid)) continue;
      const object = await git.readObject({ fs, dir, oid, format: 'content', cache: this.cache });
      const commit = parseCommitObject(object.object as Uint8Array);
      let parents = shallow.has(oid) ? [] : commit.parents;
      const isStash = stashes.has(oid);
      // A stash's index and untracked-files commits are internal: its row has its first parent only.
      if (isStash) parents = parents.slice(0, 1);
      found.set(oid, { oid, parents, author: commit.author, committer: commit.committer, subject: subjectOf(commit.message), kind: isStash ? 'stash' : 'commit' });
      for (const parent of parents) if (!found.has(parent)) stack.push(parent);
    }
    for (const [oid, commit] of found) this.read.set(oid, commit);
    const ordered = walkOrder(found, walkTips);
    const limit = options.limit ?? Infinity;
    for (let start = 0; start < Math.min(ordered.length, limit); start += BATCH_COMMITS) yield ordered.slice(start, Math.min(start + BATCH_COMMITS, limit));
  }

  /**
   * The tips in the order `git log --branches --remotes --tags HEAD <stashes>` is given them
   * (it matters only between tips with the same commit date): each group by full name, a
   * remote's HEAD among its branches.
   */
  private async walkTips(refs: RepoRefs): Promise<string[]> {
    const remoteHeads: Array<{ name: string; oid: string }> = [];
    for (const branch of await git.listRefs({ fs, dir: this.root, filepath: 'refs/remotes' })) {
      if (!branch.endsWith('/HEAD')) continue;
      const oid = await git.resolveRef({ fs, dir: this.root, ref: `refs/remotes/${branch}` }).catch(() => null);
      if (oid) remoteHeads.push({ name: `refs/remotes/${branch}`, oid });
    }
    const group = (kind: Ref['kind']) => refs.refs.filter((ref) => ref.kind === kind).map(({ name, oid }) => ({ name, oid }));
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    return [
      ...group('local'),
      ...[...group('remote'), ...remoteHeads].sort(byName),
      ...group('tag'),
      ...(refs.head ? [{ name: 'HEAD', oid: refs.head }] : []),
      ...group('stash'),
    ].map((tip) => tip.oid);
  }

  /** The stash reflog, newest first (stash@{0} first). isomorphic-git has no reflog reader: the file is one line per entry. */
  private async stashes(): Promise<string[]> {
    const log = await readFile(path.join(this.root, '.git', 'logs', 'refs', 'stash'), 'utf8').catch(() => '');
    return log
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((oid) => /^[0-9a-f]{40}$/.test(oid))
      .reverse();
  }

  /** A shallow clone's boundary commits: git shows them without parents, and so does this. */
  private async shallowBoundary(): Promise<Set<string>> {
    const text = await readFile(path.join(this.root, '.git', 'shallow'), 'utf8').catch(() => '');
    return new Set(text.split('\n').filter(Boolean));
  }
}

/** The folder holding `.git` at or above `folder`, or null. */
export async function findRepositoryRoot(folder: string): Promise<string | null> {
  try {
    return await git.findRoot({ fs, filepath: folder });
  } catch {
    return null;
  }
}

/** git's %s: the message's first paragraph, its lines joined with spaces. */
export function subjectOf(message: string): string {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  let start = 0;
  while (start < lines.length && (lines[start] as string).trim() === '') start++;
  const paragraph: string[] = [];
  for (let at = start; at < lines.length && (lines[at] as string).trim() !== ''; at++) paragraph.push((lines[at] as string).trim());
  return paragraph.join(' ');
}
