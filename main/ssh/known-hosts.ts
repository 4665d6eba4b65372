import { createHmac, timingSafeEqual } from 'node:crypto';
import { keyTypeOf } from './fingerprint';
import { matchPatternList } from './host-pattern';

/**
 * OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT", hostfile.c), read-only:
 *
 *   [@revoked|@cert-authority] hostnames keytype base64-key [comment]
 *
 * `hostnames` is either a comma list of patterns (`gpu1,10.0.0.5`, `[gpu1]:2222`, `*.lab`,
 * `!gpu9.lab`) or one hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. No npm package
 * parses this (research/sync.md §4), and it is small. Lines that don't parse are skipped and
 * reported, never fatal: one bad line must not hide the good ones (OpenSSH does the same).
 */

export type KnownHostMarker = 'revoked' | 'cert-authority' | null;

export type KnownHostNames =
  | { readonly kind: 'patterns'; readonly patterns: string }
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

export interface KnownHostLine {
  /** Where the line came from, as given to parseKnownHosts (a path or a label). */
  readonly source: string;
  /** 1-based line number in that source. */
  readonly line: number;
  readonly marker: KnownHostMarker;
  readonly names: KnownHostNames;
  readonly keyType: string;
  /** The decoded base64 field: the key in SSH wire format, comparable to ssh2's host key. */
  readonly keyBlob: Buffer;
  readonly comment: string;
}

export interface MalformedLine {
  readonly source: string;
  readonly line: number;
  readonly reason: string;
}

export interface KnownHostsFile {
  readonly source: string;
  readonly lines: KnownHostLine[];
  readonly malformed: MalformedLine[];
}

export interface HostKeyMatches {
  /** Plain lines (no marker) whose names match: keys that vouch for the host. */
  readonly matches: KnownHostLine[];
  /** `@revoked` lines whose names match: these keys must be refused for the host. */
  readonly revoked: KnownHostLine[];
  /** `@cert-authority` lines whose names match. Labdesk can't check host certificates (ssh2 has no cert support), so these never trust anything. */
  readonly certAuthorities: KnownHostLine[];
}

const HASH_MAGIC = '|1|';
const SHA1_LENGTH = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string, source: string): KnownHostsFile {
  const lines: KnownHostLine[] = [];
  const malformed: MalformedLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseLine(trimmed);
    if (typeof parsed === 'string') malformed.push({ source, line: index + 1, reason: parsed });
    else lines.push({ source, line: index + 1, ...parsed });
  });
  return { source, lines, malformed };
}

type ParsedLine = Omit<KnownHostLine, 'source' | 'line'>;

/** A parsed line, or why it was skipped. */
function parseLine(text: string): ParsedLine | string {
  const fields = text.split(/[ \t]+/);
  let marker: KnownHostMarker = null;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift();
    if (word === '@revoked') marker = 'revoked';
    else if (word === '@cert-authority') marker = 'cert-authority';
    else return `unknown marker ${word}`;
  }
  const [hostField, keyType, base64, ...commentWords] = fields;
  if (hostField === undefined || keyType === undefined || base64 === undefined) return 'expected "hostnames keytype key"';
  // SSH-1 RSA lines are "hostnames bits exponent modulus"; OpenSSH dropped them long ago.
  if (/^\d+$/.test(keyType)) return 'SSH-1 RSA key (no longer supported)';
  if (!BASE64.test(base64)) return 'the key is not base64';
  const keyBlob = Buffer.from(base64, 'base64');
  const blobType = keyTypeOf(keyBlob);
  if (blobType !== keyType) return `the key data is ${blobType ?? 'not a key'}, but the line says ${keyType}`;
  const names = parseNames(hostField);
  if (typeof names === 'string') return names;
  return { marker, names, keyType, keyBlob, comment: commentWords.join(' ') };
}

function parseNames(field: string): KnownHostNames | string {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field };
  if (!field.startsWith(HASH_MAGIC)) return 'unknown hashed host name format';
  const [salt64, hash64, ...rest] = field.slice(HASH_MAGIC.length).split('|');
  if (salt64 === undefined || hash64 === undefined || rest.length > 0 || !BASE64.test(salt64) || !BASE64.test(hash64)) {
    return 'malformed hashed host name';
  }
  const salt = Buffer.from(salt64, 'base64');
  const hash = Buffer.from(hash64, 'base64');
  if (salt.length !== SHA1_LENGTH || hash.length !== SHA1_LENGTH) return 'malformed hashed host name';
  return { kind: 'hashed', salt, hash };
}

/**
 * The name OpenSSH records and looks up for a host: plain for port 22, `[host]:port` otherwise
 * (put_host_port in misc.c). Lowercased, as ssh lowercases host names before the lookup.
 */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/**
 * The name to look up for a connection: the HostKeyAlias when the ssh config sets one (OpenSSH
 * then ignores the port), else knownHostsName(host, port).
 */
export function lookupName(host: string, port: number, hostKeyAlias?: string | null): string {
  return hostKeyAlias ? hostKeyAlias.toLowerCase() : knownHostsName(host, port);
}

/** Whether a line's host names cover `name` (a knownHostsName() or a HostKeyAlias). */
export function namesMatch(names: KnownHostNames, name: string): boolean {
  const lookup = name.toLowerCase();
  if (names.kind === 'patterns') return matchPatternList(lookup, names.patterns, true) === 'match';
  const digest = createHmac('sha1', names.salt).update(lookup).digest();
  return timingSafeEqual(digest, names.hash);
}

/** The lines that speak about `host` on `port`, split by marker. */
export function findHostKeys(lines: readonly KnownHostLine[], host: string, port: number): HostKeyMatches {
  return findHostKeysByName(lines, knownHostsName(host, port));
}

/** Same as findHostKeys for an exact lookup name (a HostKeyAlias is looked up without a port). */
export function findHostKeysByName(lines: readonly KnownHostLine[], name: string): HostKeyMatches {
  const result: HostKeyMatches = { matches: [], revoked: [], certAuthorities: [] };
  for (const line of lines) {
    if (!namesMatch(line.names, name)) continue;
    if (line.marker === 'revoked') result.revoked.push(line);
    else if (line.marker === 'cert-authority') result.certAuthorities.push(line);
    else result.matches.push(line);
  }
  return result;
}

/** One plain known_hosts line for `name`, e.g. "[gpu1]:2222 ssh-ed25519 AAAA...". */
export function formatKnownHostLine(name: string, keyBlob: Uint8Array): string {
  const keyType = keyTypeOf(keyBlob);
  if (keyType === null) throw new Error('Not an SSH public key blob.');
  return `${name} ${keyType} ${Buffer.from(keyBlob).toString('base64')}`;
}
