import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import SSHConfig, { type Directive, type Line, type Match } from 'ssh-config';
import { fail } from '../common';
import { matchPattern, matchPatternList } from './host-pattern';
import { expandPath, expandTilde, type TokenContext } from './ssh-tokens';

/**
 * What `ssh -G <alias>` would print, for machines without OpenSSH's client (mostly Windows
 * without the optional feature). The `ssh-config` package parses the files (quoting, `=`, Host and
 * Match blocks, Match criteria); evaluation is done here because its compute() can't do what
 * OpenSSH does with Include:
 *
 * - ssh-config 5.3 parses `Include a b` as an ordinary directive (value: a string, or a list of
 *   {val, separator, quoted} when there are several patterns), stored in the enclosing Host/Match
 *   block's `config` when it appears inside one; compute() just records it as a setting.
 * - An Include inside a Host block applies the included file only when that block matched, and the
 *   included file may have Host blocks of its own ("Host a" nested inside "Host b"), which
 *   compute() has no way to represent.
 *
 * So the files are walked in order with OpenSSH's readconf.c model: one "active" flag switched by
 * Host/Match lines, each file starting active, an Include of an inactive block read but never
 * applied, the first value of an option winning (IdentityFile accumulates), and a second
 * "final" pass when a `Match final` asks for it. Deliberate gaps: `Match exec` never matches (the
 * fallback runs no shell commands from config files), and hostnames are not canonicalized (no DNS).
 */

export interface FallbackOptions {
  /** Like `ssh -F`: only this file (no ~/.ssh/config, no system file); "none" for no file at all. */
  readonly configFile?: string;
  /** Like `ssh -l` / `ssh -p`: set before the config is read, so they win over User / Port. */
  readonly user?: string;
  readonly port?: number;
  readonly homeDir: string;
  readonly localUser: string;
  readonly localHostname: string;
  readonly uid: number | null;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
}

/** Option name (lowercase) → values, the shape resolveSshHost also gets from parsing `ssh -G`. */
export type SshOptionValues = Map<string, string[]>;

// readconf.c READCONF_MAX_DEPTH.
const MAX_INCLUDE_DEPTH = 16;
const ACCUMULATING = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward']);
const DEFAULT_IDENTITY_FILES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'].map((name) => `~/.ssh/${name}`);

type ConfigKind = 'user' | 'system';

interface Pass {
  /** What Host lines match against: the alias, and in the final pass the resolved HostName. */
  readonly host: string;
  readonly final: boolean;
}

export async function computeSshConfig(alias: string, options: FallbackOptions): Promise<SshOptionValues> {
  const evaluator = new Evaluator(alias, options);
  await evaluator.run({ host: alias, final: false });
  if (evaluator.wantFinalPass) await evaluator.run({ host: evaluator.hostnameSoFar(), final: true });
  return evaluator.finish();
}

class Evaluator {
  readonly values: SshOptionValues = new Map();
  wantFinalPass = false;

  constructor(
    private readonly alias: string,
    private readonly options: FallbackOptions,
  ) {
    if (options.user !== undefined) this.values.set('user', [options.user]);
    if (options.port !== undefined) this.values.set('port', [String(options.port)]);
  }

  async run(pass: Pass): Promise<void> {
    const { configFile } = this.options;
    if (configFile === 'none') return;
    if (configFile !== undefined) {
      await this.readFile(path.resolve(configFile), 'user', { pass, active: true, depth: 0, required: true });
      return;
    }
    await this.readFile(path.join(this.options.homeDir, '.ssh', 'config'), 'user', { pass, active: true, depth: 0, required: false });
    await this.readFile(systemConfigPath(this.options), 'system', { pass, active: true, depth: 0, required: false });
  }

  private async readFile(file: string, kind: ConfigKind, at: { pass: Pass; active: boolean; depth: number; required: boolean }): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Like ssh: a missing default file or an Include matching nothing is normal.
      if (!at.required && (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR')) return;
      fail('bad-argument', `Could not read the SSH config file ${file}: ${(error as Error).message}`, 'configFile');
    }
    let config: SSHConfig;
    try {
      config = SSHConfig.parse(text);
    } catch (error) {
      fail('bad-argument', `The SSH config file ${file} could not be parsed: ${(error as Error).message}`, 'configFile');
    }

    // Each file starts active unless it was included from an inactive block (OpenSSH's NEVERMATCH).
    const neverMatch = !at.active;
    let active = at.active;
    for (const line of directivesInOrder(config)) {
      const keyword = line.param.toLowerCase();
      if (keyword === 'host') {
        active = !neverMatch && hostLineMatches(valuesOf(line), at.pass.host);
      } else if (keyword === 'match') {
        const matched = this.matchLine(line as Match, at.pass);
        active = !neverMatch && matched;
      } else if (keyword === 'include') {
        if (at.depth + 1 > MAX_INCLUDE_DEPTH) fail('bad-argument', `The SSH config file ${file} has Includes nested more than ${MAX_INCLUDE_DEPTH} deep.`, 'configFile');
        for (const included of await this.includedFiles(valuesOf(line), kind)) {
          await this.readFile(included, kind, { pass: at.pass, active, depth: at.depth + 1, required: false });
        }
      } else if (active) {
        this.set(keyword, line);
      }
    }
  }

  private set(keyword: string, line: Directive): void {
    const values = keyword === 'proxycommand' ? [commandText(line)] : valuesOf(line);
    if (ACCUMULATING.has(keyword)) {
      // Duplicates are dropped (readconf.c add_identity_file), which also keeps the final pass,
      // which reads every file again, from listing a key twice.
      const list = this.values.get(keyword) ?? [];
      this.values.set(keyword, [...list, ...values.filter((value) => !list.includes(value))]);
      return;
    }
    if (this.values.has(keyword)) return;
    // ProxyJump and ProxyCommand exclude each other; the first one seen wins, as in readconf.c.
    if ((keyword === 'proxyjump' && this.values.has('proxycommand')) || (keyword === 'proxycommand' && this.values.has('proxyjump'))) return;
    this.values.set(keyword, values);
  }

  /** readconf.c match_cfg_line: every criterion must hold; `!criterion` negates it. */
  private matchLine(line: Match, pass: Pass): boolean {
    let result = true;
    for (const [rawKey, rawValue] of Object.entries(line.criteria)) {
      const negate = rawKey.startsWith('!');
      const key = (negate ? rawKey.slice(1) : rawKey).toLowerCase();
      const arg = typeof rawValue === 'string' ? rawValue : rawValue.map(({ val }) => val).join(',');
      let matched: boolean;
      switch (key) {
        case 'all':
          matched = true;
          break;
        case 'final':
        case 'canonical':
          if (key === 'final') this.wantFinalPass = true;
          matched = pass.final;
          break;
        case 'host':
          matched = matchPatternList(pass.final ? pass.host : this.hostnameSoFar(), arg, true) === 'match';
          break;
        case 'originalhost':
          matched = matchPatternList(this.alias, arg, true) === 'match';
          break;
        case 'user':
          matched = matchPatternList(this.first('user') ?? this.options.localUser, arg, false) === 'match';
          break;
        case 'localuser':
          matched = matchPatternList(this.options.localUser, arg, false) === 'match';
          break;
        default:
          // exec (see the file comment), localnetwork, tagged and anything newer: not evaluated.
          matched = false;
      }
      if (negate) matched = !matched;
      if (!matched) result = false;
    }
    return result;
  }

  /** Include arguments → existing paths: `~` expanded, relative to ~/.ssh (or /etc/ssh), globbed. */
  private async includedFiles(patterns: string[], kind: ConfigKind): Promise<string[]> {
    const base = kind === 'user' ? path.join(this.options.homeDir, '.ssh') : path.dirname(systemConfigPath(this.options));
    const files: string[] = [];
    for (const pattern of patterns) {
      const expanded = expandTilde(pattern, this.options.homeDir);
      files.push(...(await globFiles(path.isAbsolute(expanded) ? expanded : path.join(base, expanded))));
    }
    return files;
  }

  private first(keyword: string): string | undefined {
    return this.values.get(keyword)?.[0];
  }

  /** HostName with %h replaced by the alias, lowercased (ssh.c main()), or the alias itself. */
  hostnameSoFar(): string {
    const hostname = this.first('hostname');
    return (hostname === undefined ? this.alias : hostname.replace(/%([%h])/g, (_, t: string) => (t === 'h' ? this.alias : '%'))).toLowerCase();
  }

  /** Applies OpenSSH's defaults (fill_default_options) and the expansions `ssh -G` shows. */
  finish(): SshOptionValues {
    const values = this.values;
    const setDefault = (keyword: string, value: string[]) => {
      if (!values.has(keyword)) values.set(keyword, value);
    };
    values.set('hostname', [this.hostnameSoFar()]);
    setDefault('user', [this.options.localUser]);
    setDefault('port', ['22']);
    const port = Number(values.get('port')?.[0]);
    const portText = values.get('port')?.[0] ?? '';
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) fail('bad-argument', `Bad port '${portText}' in the SSH config for "${this.alias}".`, 'alias');
    setDefault('identityfile', DEFAULT_IDENTITY_FILES);
    setDefault('identitiesonly', ['no']);
    setDefault('stricthostkeychecking', ['ask']);
    setDefault('serveraliveinterval', ['0']);
    setDefault('serveralivecountmax', ['3']);
    setDefault('connecttimeout', ['none']);
    setDefault('globalknownhostsfile', globalKnownHostsFiles(this.options));
    setDefault('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']);
    for (const keyword of ['serveraliveinterval', 'connecttimeout']) {
      const value = values.get(keyword)?.[0] ?? 'none';
      if (value !== 'none') values.set(keyword, [String(parseSshTime(value, keyword, this.alias))]);
    }
    const hostKeyAlias = values.get('hostkeyalias')?.[0];
    if (hostKeyAlias !== undefined) values.set('hostkeyalias', [hostKeyAlias.toLowerCase()]);

    // ssh -G prints UserKnownHostsFile expanded (ssh.c does it before dumping); IdentityFile not.
    const context: TokenContext = {
      homeDir: this.options.homeDir,
      localUser: this.options.localUser,
      localHostname: this.options.localHostname,
      uid: this.options.uid,
      alias: this.alias,
      hostname: this.hostnameSoFar(),
      port,
      remoteUser: values.get('user')?.[0] ?? this.options.localUser,
      hostKeyAlias: values.get('hostkeyalias')?.[0] ?? null,
      env: this.options.env,
    };
    values.set('userknownhostsfile', (values.get('userknownhostsfile') ?? []).map((file) => (file === 'none' ? file : expandPath(file, context))));
    return values;
  }
}

/** Top-level lines and the lines of each Host/Match block, in file order. */
function* directivesInOrder(config: readonly Line[]): Generator<Directive> {
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param === '') continue;
    yield line;
    if ('config' in line) yield* directivesInOrder(line.config);
  }
}

function valuesOf(line: Directive): string[] {
  if (typeof line.value === 'string') return line.value === '' ? [] : [line.value];
  return line.value.map(({ val }) => val);
}

// ProxyCommand is one command line; the parser split it into words, so join them back.
function commandText(line: Directive): string {
  if (typeof line.value === 'string') return line.value;
  return line.value.map(({ val, separator, quoted }, index) => `${index === 0 ? '' : separator}${quoted ? `"${val}"` : val}`).join('');
}

/** readconf.c oHost: each word is one pattern (no comma lists); a matching `!pattern` vetoes. */
function hostLineMatches(patterns: string[], host: string): boolean {
  let matched = false;
  for (const word of patterns) {
    const negated = word.startsWith('!');
    if (!matchPattern(host, negated ? word.slice(1) : word)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function systemConfigPath(options: FallbackOptions): string {
  return options.platform === 'win32'
    ? path.win32.join(options.env.PROGRAMDATA ?? 'C:\\ProgramData', 'ssh', 'ssh_config')
    : '/etc/ssh/ssh_config';
}

function globalKnownHostsFiles(options: FallbackOptions): string[] {
  if (options.platform !== 'win32') return ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
  const dir = path.win32.join(options.env.PROGRAMDATA ?? 'C:\\ProgramData', 'ssh');
  return [path.win32.join(dir, 'ssh_known_hosts'), path.win32.join(dir, 'ssh_known_hosts2')];
}

/**
 * glob(3) as Include uses it: `*` and `?` in any path segment, never matching a leading dot, results
 * sorted. A pattern without wildcards is returned as is (a missing file is skipped by the reader).
 */
async function globFiles(pattern: string): Promise<string[]> {
  const { root } = path.parse(pattern);
  const segments = pattern.slice(root.length).split(/[\\/]+/).filter((segment) => segment !== '');
  if (!segments.some(hasWildcard)) return [pattern];
  let candidates = [root];
  for (const segment of segments) {
    if (!hasWildcard(segment)) {
      candidates = candidates.map((candidate) => path.join(candidate, segment));
      continue;
    }
    const next: string[] = [];
    for (const dir of candidates) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (matchPattern(name, segment)) next.push(path.join(dir, name));
      }
    }
    candidates = next;
  }
  return candidates.sort();
}

function hasWildcard(segment: string): boolean {
  return segment.includes('*') || segment.includes('?');
}

const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** misc.c convtime: "90", "1m30s", "2h" → seconds. */
export function parseSshTime(value: string, keyword: string, alias: string): number {
  if (!/^(\d+[smhdw]?)+$/i.test(value)) fail('bad-argument', `Invalid time "${value}" for ${keyword} in the SSH config for "${alias}".`, 'alias');
  let total = 0;
  for (const [, digits, unit] of value.matchAll(/(\d+)([smhdw]?)/gi)) total += Number(digits) * (TIME_UNITS[(unit ?? '').toLowerCase()] ?? 1);
  return total;
}
