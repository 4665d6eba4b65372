import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { TEMP_MARKER } from '../../common';

/**
 * Which local paths sync leaves alone (ARCHITECTURE.md §4). The rules follow git:
 *
 * - `.gitignore` at every level, each one's patterns relative to its own folder, deeper files
 *   overriding shallower ones (the last matching pattern wins, `!` re-includes, a file inside
 *   an excluded folder cannot be re-included), exactly as `git check-ignore` decides.
 * - `.labdeskignore` at every level, same syntax, read after the `.gitignore` of its folder so
 *   it wins at the same level.
 * - `extraPatterns` from `.labdesk/project.json`, relative to the root, read last of all.
 * - **A file git tracks is never ignored**, nor the folders above it: ML repos commit configs
 *   their own `.gitignore` matches.
 * - The defaults below always apply, to tracked paths too, and cannot be re-included.
 */
export const DEFAULT_IGNORE_PATTERNS: readonly string[] = [
  // No trailing slash: a linked worktree or submodule has a `.git` *file* naming a gitdir that
  // does not exist on the server, and git there would fail on it.
  '.git',
  '.labdesk/',
  '__pycache__/',
  '*.pyc',
  'node_modules/',
  // A save in flight (atomic-write.ts): the finished file is synced, never its temp copy.
  `*${TEMP_MARKER}*`,
];

export const IGNORE_FILE_NAMES: readonly string[] = ['.gitignore', '.labdeskignore'];

/** Where a matching rule came from, for a "why was this skipped?" answer. */
export interface IgnoreMatch {
  /** The pattern as written in its file. */
  readonly pattern: string;
  /** `.gitignore`, `src/.labdeskignore`, `project settings` or `Labdesk defaults`. */
  readonly source: string;
  /** 1-based line in `source`; null for defaults and project settings. */
  readonly line: number | null;
}

export interface IgnoreRules {
  /** `relativePath` is POSIX and relative to the root (no leading `./` or `/`); '' is the root. */
  isIgnored(relativePath: string, isDir: boolean): boolean;
  /** The rule that ignores the path (or the folder above it that does); null when not ignored. */
  explain(relativePath: string, isDir: boolean): IgnoreMatch | null;
  /** The ignore files that were read, root-relative. */
  readonly files: readonly string[];
  /** Paths git tracks under the root; null when the root is not inside a git work tree. */
  readonly tracked: ReadonlySet<string> | null;
  /** Problems that did not stop loading (e.g. git refused the repository). */
  readonly warnings: readonly string[];
}

interface RuleOrigin {
  readonly pattern: string;
  readonly source: string;
  readonly line: number | null;
}

/** One ignore file's text. `dir` is POSIX and relative to the git work tree's top when there is one. */
interface IgnoreFile {
  readonly dir: string;
  readonly name: string;
  readonly text: string;
}

/**
 * Reads every `.gitignore` and `.labdeskignore` under `root` (not inside folders that are
 * already ignored, as git does), the `.gitignore` files above it up to the top of its git work
 * tree, and asks git which files it tracks.
 */
export async function loadIgnoreRules(
  root: string,
  options: { extraPatterns?: readonly string[]; signal?: AbortSignal } = {},
): Promise<IgnoreRules> {
  const warnings: string[] = [];
  const git = await gitInfo(root, warnings);
  const set = new RuleSet(options.extraPatterns ?? [], git?.tracked ?? null, git?.prefix ?? '');

  if (git && git.prefix !== '') {
    // The root is a subfolder of the work tree: the .gitignore files above it apply too.
    const parts = git.prefix.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const text = await readFile(path.join(git.top, ...splitPosix(dir), '.gitignore'), 'utf8').catch(() => null);
      if (text !== null) set.addFile({ dir, name: '.gitignore', text });
    }
    const excluded = set.explainPrefix();
    if (excluded) {
      warnings.push(`${root} is inside a folder git ignores (${excluded.pattern} in ${excluded.source}); the .gitignore files above it are not applied.`);
      set.dropFileRules();
    }
  }

  let level: string[] = [''];
  while (level.length > 0) {
    options.signal?.throwIfAborted();
    const listings = await Promise.all(level.map((dir) => listDir(root, dir)));
    const found = await Promise.all(
      listings.flatMap(({ dir, files }) =>
        IGNORE_FILE_NAMES.filter((name) => files.has(name)).map(async (name) => {
          const text = await readFile(path.join(root, ...splitPosix(dir), name), 'utf8').catch(() => null);
          return text === null ? null : { dir: set.fromRoot(dir), name, text };
        }),
      ),
    );
    // All of one level's files go in before the next level is tested: a folder's rules only
    // concern what is below it, so the order within a level does not matter.
    for (const file of found) if (file) set.addFile(file);
    level = listings.flatMap(({ dir, dirs }) => dirs.map((name) => joinPosix(dir, name)).filter((child) => !set.isIgnored(child, true)));
  }
  return set.freeze(warnings);
}

/**
 * Rules in one `ignore` matcher, every pattern rewritten relative to the work tree's top, in the
 * order git reads them (parents first; project settings last). Paths are asked about relative
 * to the root and prefixed with `prefix` (the root's path inside the work tree).
 */
class RuleSet {
  private readonly defaults = ignore({ ignorecase: false });
  private fileRules: ignore.PatternParams[] = [];
  private readonly extraRules: ignore.PatternParams[];
  private readonly origins: RuleOrigin[] = [];
  private readonly files: string[] = [];
  private readonly trackedDirs = new Set<string>();
  private readonly tracked: ReadonlySet<string> | null;
  private matcher: ignore.Ignore | null = null;

  constructor(
    extraPatterns: readonly string[],
    tracked: Iterable<string> | null,
    private readonly prefix: string,
  ) {
    this.defaults.add(DEFAULT_IGNORE_PATTERNS.map((pattern) => this.rule(pattern, pattern, 'Labdesk defaults', null)));
    this.extraRules = extraPatterns.flatMap((pattern) => (isPattern(pattern) ? [this.rule(pattern, rebaseIgnorePattern(pattern, prefix), 'project settings', null)] : []));
    this.tracked = tracked === null ? null : new Set(tracked);
    for (const file of this.tracked ?? []) {
      for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
        const dir = file.slice(0, slash);
        if (this.trackedDirs.has(dir)) break; // its parents are in already
        this.trackedDirs.add(dir);
      }
    }
  }

  /** A root-relative folder, relative to the work tree's top. */
  fromRoot(relativePath: string): string {
    return this.prefix === '' ? relativePath : relativePath === '' ? this.prefix : `${this.prefix}/${relativePath}`;
  }

  addFile(file: IgnoreFile): void {
    const source = this.displayPath(joinPosix(file.dir, file.name));
    this.files.push(source);
    file.text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .forEach((line, index) => {
        if (isPattern(line)) this.fileRules.push(this.rule(line, rebaseIgnorePattern(line, file.dir), source, index + 1));
      });
    this.matcher = null;
  }

  /** When the root itself lies in a folder the files above it exclude: the rule that does. */
  explainPrefix(): IgnoreMatch | null {
    return this.prefix !== '' && this.rules().ignores(`${this.prefix}/`) ? this.originOf(this.rules().checkIgnore(`${this.prefix}/`).rule) : null;
  }

  dropFileRules(): void {
    this.fileRules = [];
    this.files.length = 0;
    this.matcher = null;
  }

  isIgnored(relativePath: string, isDir: boolean): boolean {
    if (relativePath === '') return false;
    const key = isDir ? `${relativePath}/` : relativePath;
    if (this.defaults.ignores(key)) return true;
    if (this.isTracked(relativePath, isDir)) return false;
    return this.rules().ignores(this.fromRoot(key));
  }

  explain(relativePath: string, isDir: boolean): IgnoreMatch | null {
    if (relativePath === '') return null;
    const key = isDir ? `${relativePath}/` : relativePath;
    const byDefault = this.defaults.checkIgnore(key);
    if (byDefault.ignored) return this.originOf(byDefault.rule);
    if (this.isTracked(relativePath, isDir)) return null;
    // `ignores()` decides; `checkIgnore()` then names the rule the way `git check-ignore -v` does.
    const full = this.fromRoot(key);
    return this.rules().ignores(full) ? this.originOf(this.rules().checkIgnore(full).rule) : null;
  }

  freeze(warnings: readonly string[]): IgnoreRules {
    return {
      isIgnored: (relativePath, isDir) => this.isIgnored(relativePath, isDir),
      explain: (relativePath, isDir) => this.explain(relativePath, isDir),
      files: this.files,
      tracked: this.tracked,
      warnings,
    };
  }

  private isTracked(relativePath: string, isDir: boolean): boolean {
    return isDir ? this.trackedDirs.has(relativePath) : (this.tracked?.has(relativePath) ?? false);
  }

  // Rebuilt after files are added, so project settings stay last (highest priority).
  private rules(): ignore.Ignore {
    this.matcher ??= ignore({ ignorecase: false }).add([...this.fileRules, ...this.extraRules]);
    return this.matcher;
  }

  private rule(written: string, pattern: string, source: string, line: number | null): ignore.PatternParams {
    this.origins.push({ pattern: written, source, line });
    return { pattern, mark: String(this.origins.length - 1) };
  }

  private originOf(rule: ignore.IgnoreRule | undefined): IgnoreMatch | null {
    return (rule?.mark !== undefined ? this.origins[Number(rule.mark)] : undefined) ?? null;
  }

  // Files inside the root are named root-relative; the ones above it with `../`.
  private displayPath(topRelative: string): string {
    if (this.prefix === '') return topRelative;
    if (topRelative.startsWith(`${this.prefix}/`)) return topRelative.slice(this.prefix.length + 1);
    return path.posix.relative(this.prefix, topRelative);
  }
}

function isPattern(line: string): boolean {
  return line.trim() !== '' && !line.startsWith('#');
}

/**
 * A pattern from the ignore file in `dir`, rewritten relative to the root (gitignore(5)):
 * a pattern with a slash at its start or middle is anchored to its file's folder; one without
 * matches at any depth below that folder.
 */
export function rebaseIgnorePattern(pattern: string, dir: string): string {
  if (dir === '') return pattern;
  const negation = pattern.startsWith('!') ? '!' : '';
  const body = negation ? pattern.slice(1) : pattern;
  // A slash followed by anything but trailing blanks: `a/b`, `/a`, but not `build/`.
  const anchored = /\/(?!\s*$)/.test(body);
  return anchored ? `${negation}${dir}/${body.replace(/^\//, '')}` : `${negation}${dir}/**/${body}`;
}

async function listDir(root: string, dir: string): Promise<{ dir: string; files: Set<string>; dirs: string[] }> {
  // An unreadable folder holds no rules we can read; the scan reports it.
  const entries = await readdir(path.join(root, ...splitPosix(dir)), { withFileTypes: true }).catch(() => []);
  const files = new Set<string>();
  const dirs: string[] = [];
  for (const entry of entries) {
    // Like git, a symlinked ignore file is not read and a symlinked folder is not entered.
    if (entry.isFile()) files.add(entry.name);
    else if (entry.isDirectory()) dirs.push(entry.name);
  }
  dirs.sort();
  return { dir, files, dirs };
}

interface GitInfo {
  /** The work tree's top folder (as git prints it). */
  readonly top: string;
  /** The root's path inside the work tree, POSIX, no trailing slash; '' at the top. */
  readonly prefix: string;
  /** Tracked files, relative to the root. */
  readonly tracked: string[];
}

/**
 * Where the root sits in its git work tree and which files git tracks under it. A folder outside
 * any repository, or a machine without git, has no git info; other git failures (such as
 * "dubious ownership") become a warning, since sync still works without them.
 */
async function gitInfo(root: string, warnings: string[]): Promise<GitInfo | null> {
  try {
    const [where, files] = await Promise.all([
      runGit(root, ['rev-parse', '--show-toplevel', '--show-prefix']),
      runGit(root, ['ls-files', '-z', '--cached', '--recurse-submodules']),
    ]);
    const [top = '', prefix = ''] = where.split('\n');
    return { top, prefix: prefix.replace(/\/$/, ''), tracked: files.split('\0').filter((file) => file !== '') };
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string };
    if (code === 'ENOENT' || /not a git repository/i.test(stderr ?? '')) return null;
    warnings.push(`git could not list the tracked files in ${root} (${(stderr ?? '').trim() || (error as Error).message}); ignore rules apply to every file.`);
    return null;
  }
}

function runGit(cwd: string, args: string[]): Promise<string> {
  // Variables a git hook or wrapper may have set would point git at another repository.
  const env = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete env[name];
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env, encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr: stderr.toString('utf8') }));
      else resolve(stdout.toString('utf8'));
    });
  });
}

function splitPosix(relativePath: string): string[] {
  return relativePath === '' ? [] : relativePath.split('/');
}

function joinPosix(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
