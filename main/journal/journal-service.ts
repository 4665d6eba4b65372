import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange, JournalEntry, JournalHit } from '../../preload/api';
import { atomicWriteFile, type EventBus, fail, fromFsError } from '../common';
import { ensureRealFolder, resolveInWorkspace } from '../workspace';
import { withField } from './front-matter';
import { JournalIndex } from './journal-index';
import { entryPath, JOURNAL_DIR, readEntry } from './journal-entry';

/** Files larger than this are listed by name but not indexed (a journal entry is a page of notes). */
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;

type Field = 'title' | 'tags' | 'runs' | 'commits';

/**
 * The project's journal: every `journal/*.md` read once when the folder opens, then kept up to
 * date from the workspace watcher, so an entry written by hand or by Obsidian shows up as soon as
 * it is saved. Searching goes through JournalIndex. Labdesk writes entries only when asked (a new
 * entry, one field set), atomically, and never rewrites one whose front matter is malformed.
 */
export class JournalService {
  private root: string | null = null;
  private readonly entries = new Map<string, JournalEntry>();
  private index = new JournalIndex();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly events: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async setRoot(root: string): Promise<void> {
    this.root = root;
    this.entries.clear();
    this.index = new JournalIndex();
    this.loading = this.loadAll(root);
    await this.loading;
  }

  async list(): Promise<JournalEntry[]> {
    await this.ready();
    return [...this.entries.values()].sort((a, b) => (a.created !== b.created ? (a.created < b.created ? 1 : -1) : b.mtimeMs - a.mtimeMs));
  }

  async search(query: string, tag?: string): Promise<JournalHit[]> {
    await this.ready();
    return this.index.query(query, tag);
  }

  async create(title: string, fields: { tags?: readonly string[]; runs?: readonly string[]; body?: string } = {}): Promise<JournalEntry> {
    const root = this.requireRoot();
    if (title.trim() === '') fail('bad-argument', 'An entry needs a title.', 'title');
    const now = this.now();
    const first = entryPath(now, title);
    await ensureRealFolder(root, JOURNAL_DIR);
    // Two entries with the same title on one day: -2, -3, …
    let relative = first;
    for (let n = 2; await exists(path.join(root, relative)); n++) relative = first.replace(/\.md$/, `-${n}.md`);
    let text = `---\ntitle: ${JSON.stringify(title.trim())}\ncreated: ${isoMinute(now)}\n---\n\n# ${title.trim()}\n\n${fields.body ?? ''}`;
    if (fields.tags?.length) text = withField(text, 'tags', fields.tags);
    if (fields.runs?.length) text = withField(text, 'runs', fields.runs);
    await atomicWriteFile(await resolveInWorkspace(root, relative, { followFinal: false }), text).catch((error: unknown) => {
      throw fromFsError(error, 'write the entry', relative);
    });
    return this.reload(relative);
  }

  async setField(relative: string, key: Field, value: string | readonly string[]): Promise<JournalEntry> {
    const file = await this.entryFile(relative);
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw fromFsError(error, 'read', relative);
    });
    let next: string;
    try {
      next = withField(text, key, value);
    } catch (error) {
      fail('bad-argument', `${relative}: ${error instanceof Error ? error.message : String(error)}`, 'path');
    }
    await atomicWriteFile(file, next);
    return this.reload(relative);
  }

  /**
   * The entry a run belongs to, from what a person types: `journal/2026-12-07-lr.md`,
   * `2026-12-07-lr.md` or `2026-12-07-lr`. Refused when missing or when its front matter is
   * malformed (the run's id could not be added to it).
   */
  async findEntry(name: string): Promise<JournalEntry> {
    await this.ready();
    const base = name.replace(/^journal\//, '').replace(/\.md$/i, '');
    const entry = this.entries.get(`${JOURNAL_DIR}/${base}.md`);
    if (!entry) fail('not-found', `There is no journal entry ${name} (looked for ${JOURNAL_DIR}/${base}.md).`, 'entry');
    if (entry.error) fail('bad-argument', `${entry.path} has malformed front matter (line ${entry.error.line}: ${entry.error.message}); fix it first.`, 'entry');
    return entry;
  }

  /** Adds a run's id to an entry's `runs` (once). */
  async addRun(relative: string, runId: string): Promise<JournalEntry> {
    const entry = await this.findEntry(relative);
    if (entry.runs.includes(runId)) return entry;
    return this.setField(entry.path, 'runs', [...entry.runs, runId]);
  }

  /** The workspace watcher saw these paths change: entries under journal/ are read again. */
  filesChanged(changes: readonly FileChange[]): void {
    const touched = changes.filter((change) => isEntryPath(change.path));
    if (touched.length === 0 || this.root === null) return;
    void Promise.all(touched.map((change) => this.reload(change.path).catch(() => undefined))).then(() => this.events.emit('journal.changed', { paths: touched.map((change) => change.path) }));
  }

  private async ready(): Promise<void> {
    this.requireRoot();
    await this.loading;
  }

  private requireRoot(): string {
    return this.root ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
  }

  private async entryFile(relative: string): Promise<string> {
    if (!isEntryPath(relative)) fail('bad-argument', `${relative} is not a journal entry (journal/….md).`, 'path');
    return resolveInWorkspace(this.requireRoot(), relative, { followFinal: false });
  }

  private async loadAll(root: string): Promise<void> {
    const names = await readdir(path.join(root, JOURNAL_DIR)).catch(() => [] as string[]);
    await Promise.all(names.filter((name) => name.toLowerCase().endsWith('.md')).map((name) => this.reload(`${JOURNAL_DIR}/${name}`).catch(() => undefined)));
  }

  /** The searchable text of these runs (journal/runs/<id>/: run.json's command and commit, configs/ files). */
  private async runText(root: string, runs: readonly string[]): Promise<string> {
    const parts: string[] = [];
    let size = 0;
    for (const id of runs) {
      if (!/^[\w.-]+$/.test(id)) continue;
      const folder = path.join(root, JOURNAL_DIR, 'runs', id);
      const record = await readFile(path.join(folder, 'run.json'), 'utf8').then((text) => JSON.parse(text) as { command?: string; code?: { commit?: string }; configs?: string[] }).catch(() => null);
      if (!record) continue;
      parts.push(id, record.command ?? '', record.code?.commit ?? '');
      for (const config of record.configs ?? []) {
        if (size > RUN_TEXT_BYTES) break;
        const text = await readFile(path.join(folder, 'configs', ...config.split('/')), 'utf8').catch(() => '');
        size += text.length;
        parts.push(text.slice(0, RUN_TEXT_BYTES));
      }
    }
    return parts.join('\n');
  }

  /** Reads one entry again (or forgets it when it is gone) and returns what is listed for it. */
  private async reload(relative: string): Promise<JournalEntry> {
    const root = this.requireRoot();
    const file = path.join(root, ...relative.split('/'));
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      this.entries.delete(relative);
      this.index.remove(relative);
      fail('not-found', `${relative} is not in the journal.`, 'path');
    }
    const text = info.size > MAX_ENTRY_BYTES ? '' : await readFile(file, 'utf8');
    if (this.root !== root) fail('no-workspace', 'The project folder changed while the journal was read.');
    const { body, ...entry } = readEntry(relative, text, info.mtimeMs);
    this.entries.set(relative, entry);
    this.index.put(entry, body, await this.runText(root, entry.runs));
    return entry;
  }
}

/** What an entry's runs add to its search: their commands, commits and the configs they copied (a few KB each). */
const RUN_TEXT_BYTES = 64 * 1024;

/** journal/<name>.md, directly in the journal folder (runs/ and other folders are not entries). */
export function isEntryPath(relative: string): boolean {
  return relative.startsWith(`${JOURNAL_DIR}/`) && !relative.slice(JOURNAL_DIR.length + 1).includes('/') && relative.toLowerCase().endsWith('.md');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** 2026-12-07T14:05 in local time: what a person would write. */
function isoMinute(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
