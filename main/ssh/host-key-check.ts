import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keyTypeOf, sha256Fingerprint } from './fingerprint';
import { findHostKeysByName, lookupName, parseKnownHosts, type KnownHostLine, type KnownHostsFile } from './known-hosts';
import type { TrustStore } from './trust-store';

/**
 * Decides whether a server's host key is the one we expect, before any secret is sent (ssh2
 * trusts every key unless its hostVerifier says otherwise). The rules follow OpenSSH's
 * check_host_key, with the one deliberate difference that a known key of *another type* also
 * counts as a changed key: ssh2 may negotiate a type OpenSSH never saw, and a silent "unknown,
 * trust it?" prompt for a host we do know would teach people to click through an attack.
 *
 *   @revoked line with this key            → revoked  (always refused)
 *   a line for this host with this key     → trusted
 *   lines for this host, none with the key → changed  (always refused, fingerprints shown)
 *   nothing for this host                  → unknown  (the UI asks; the CLI needs --accept-new)
 *
 * The OpenSSH files (known_hosts, global, --known-hosts) outrank Labdesk's trust store: the store
 * is consulted only for hosts those files say nothing about. Otherwise a key accepted in Labdesk
 * once (say, of a server since reinstalled or retired) would still be trusted after the person's
 * own known_hosts was updated to a different key, and an attacker holding the old key would pass.
 */

export interface HostKeyCheckInput {
  /** The host name or address as connected to (ResolvedHost.hostname). */
  readonly host: string;
  readonly port: number;
  /** The key the server presented, in SSH wire format (ssh2's hostVerifier argument). */
  readonly keyBlob: Uint8Array;
  /** known_hosts files in order (user files, then global ones). Missing files are fine. */
  readonly knownHostsFiles: readonly string[];
  readonly trustStore?: TrustStore | null;
  /** ResolvedHost.hostKeyAlias: when set, this name (without port) is looked up instead. */
  readonly hostKeyAlias?: string | null;
}

export interface KnownKeyRef {
  readonly fingerprint: string;
  readonly keyType: string;
  readonly source: string;
  readonly line: number;
  /** True when the line is in Labdesk's trust store rather than an OpenSSH file. */
  readonly inTrustStore: boolean;
}

interface VerdictBase {
  readonly fingerprint: string;
  readonly keyType: string;
  /** The name that was looked up: `[host]:port`, `host` (port 22) or the HostKeyAlias. */
  readonly lookupName: string;
  /** Things the person may need to know: unreadable files, unsupported @cert-authority lines. */
  readonly notes: readonly string[];
}

export type HostKeyVerdict =
  | (VerdictBase & { readonly status: 'trusted'; readonly source: string; readonly line: number })
  | (VerdictBase & { readonly status: 'unknown' })
  | (VerdictBase & { readonly status: 'changed'; readonly expected: readonly KnownKeyRef[] })
  | (VerdictBase & { readonly status: 'revoked'; readonly source: string; readonly line: number });

export async function checkHostKey(input: HostKeyCheckInput): Promise<HostKeyVerdict> {
  const keyBlob = Buffer.from(input.keyBlob);
  const name = lookupName(input.host, input.port, input.hostKeyAlias);
  const notes: string[] = [];
  const files = await Promise.all(input.knownHostsFiles.map((file) => readKnownHostsFile(file, notes)));
  const store = input.trustStore ?? null;

  const storeFile = store ? await store.load().catch((error: unknown) => unreadable(store.path, error, notes)) : null;
  const sshFound = findHostKeysByName(files.flatMap((file) => (file ? file.lines : [])), name);
  const storeFound = findHostKeysByName(storeFile?.lines ?? [], name);
  for (const ca of sshFound.certAuthorities) {
    notes.push(`${displayPath(ca.source)} line ${ca.line} is a @cert-authority line; Labdesk can't check host certificates, so it was not used.`);
  }
  const base: VerdictBase = {
    fingerprint: sha256Fingerprint(keyBlob),
    keyType: keyTypeOf(keyBlob) ?? 'unknown',
    lookupName: name,
    notes,
  };

  const revoked = [...sshFound.revoked, ...storeFound.revoked].find((line) => line.keyBlob.equals(keyBlob));
  if (revoked) return { ...base, status: 'revoked', source: revoked.source, line: revoked.line };
  const authority = sshFound.matches.length > 0 ? sshFound.matches : storeFound.matches;
  const same = authority.find((line) => line.keyBlob.equals(keyBlob));
  if (same) return { ...base, status: 'trusted', source: same.source, line: same.line };
  if (authority.length > 0) {
    return { ...base, status: 'changed', expected: authority.map((line) => refOf(line, store?.path ?? null)) };
  }
  return { ...base, status: 'unknown' };
}

function refOf(line: KnownHostLine, trustStorePath: string | null): KnownKeyRef {
  return {
    fingerprint: sha256Fingerprint(line.keyBlob),
    keyType: line.keyType,
    source: line.source,
    line: line.line,
    inTrustStore: line.source === trustStorePath,
  };
}

/** A parsed file, or null when it's missing (normal: most people have no known_hosts2). */
async function readKnownHostsFile(file: string, notes: string[]): Promise<KnownHostsFile | null> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (error) {
    return unreadable(file, error, notes);
  }
}

function unreadable(file: string, error: unknown, notes: string[]): null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return null;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(error);
  notes.push(`Could not read ${displayPath(file)} (${reason}); keys in it were not considered.`);
  return null;
}

/**
 * A message a person can act on. `host`/`port` are where Labdesk connected; `alias`, when it
 * differs (the ssh config Host name, e.g. "gpu1"), is shown first.
 */
export function describeVerdict(verdict: HostKeyVerdict, host: string, port: number, alias?: string): string {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const where = alias && alias !== host ? `${alias} (${address})` : address;
  const got = verdict.fingerprint;
  switch (verdict.status) {
    case 'trusted':
      return `The host key of ${where} (${verdict.keyType} ${got}) is trusted: ${displayPath(verdict.source)} line ${verdict.line}.`;
    case 'revoked':
      return (
        `The host key of ${where} (${verdict.keyType} ${got}) is marked @revoked in ${displayPath(verdict.source)} ` +
        `line ${verdict.line}, so Labdesk refuses to connect. Ask the server's administrator for its current key.`
      );
    case 'unknown':
      return withNotes(
        `${where} is not a known host. Its ${verdict.keyType} host key has the fingerprint ${got}. ` +
          `Make sure this is the server's real key before trusting it (on the server, ` +
          `\`ssh-keygen -lf /etc/ssh/ssh_host_${shortKeyName(verdict.keyType)}_key.pub\` prints it). ` +
          `Accept it when Labdesk asks, or pass --accept-new on the command line.`,
        verdict.notes,
      );
    case 'changed': {
      const expected = verdict.expected.map((ref) => `${ref.fingerprint} (${displayPath(ref.source)} line ${ref.line})`).join(' or ');
      const sameType = verdict.expected.some((ref) => ref.keyType === verdict.keyType);
      const headline = sameType
        ? `The host key of ${where} has CHANGED. Expected ${expected}, got ${got}.`
        : `The host key of ${where} does not match the known ones. Expected ` +
          `${[...new Set(verdict.expected.map((ref) => ref.keyType))].join(' or ')} key ${expected}, ` +
          `got ${verdict.keyType} key ${got}.`;
      return withNotes(
        `${headline} This can mean someone is intercepting the connection. If the server was reinstalled, ` +
          `remove the old key with ${removalCommands(verdict).join(' and ')} and connect again.`,
        verdict.notes,
      );
    }
  }
}

function removalCommands(verdict: HostKeyVerdict & { status: 'changed' }): string[] {
  const defaultFile = path.join(os.homedir(), '.ssh', 'known_hosts');
  const sources = [...new Set(verdict.expected.map((ref) => ref.source))];
  return sources.map((source) =>
    source === defaultFile
      ? `\`ssh-keygen -R ${quoteForDisplay(verdict.lookupName)}\``
      : `\`ssh-keygen -R ${quoteForDisplay(verdict.lookupName)} -f ${quoteForDisplay(source)}\``,
  );
}

function withNotes(message: string, notes: readonly string[]): string {
  return notes.length === 0 ? message : `${message} (${notes.join(' ')})`;
}

// For the command shown in the message only: the person copies it; Labdesk never runs it.
function quoteForDisplay(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function shortKeyName(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ed25519';
  if (keyType.startsWith('ecdsa')) return 'ecdsa';
  if (keyType.includes('rsa')) return 'rsa';
  return '*';
}

/** `~/...` for paths in the home folder: shorter, and the same on every machine. */
export function displayPath(file: string): string {
  const home = os.homedir();
  return file === home || file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}
