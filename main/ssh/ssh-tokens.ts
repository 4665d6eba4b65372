import { createHash } from 'node:crypto';
import path from 'node:path';
import { fail } from '../common';

/**
 * OpenSSH's path expansion for IdentityFile, UserKnownHostsFile and Include (ssh_config(5)
 * "TOKENS" and "ENVIRONMENT VARIABLES"): a leading `~` is the home folder, then `%x` tokens and
 * `${NAME}` environment variables are substituted. `ssh -G` prints IdentityFile unexpanded
 * (ssh expands it only when loading keys), so both config paths need this.
 */

export interface TokenContext {
  readonly homeDir: string;
  readonly localUser: string;
  readonly localHostname: string;
  readonly uid: number | null;
  /** %n: the name given on the command line (the Host alias). */
  readonly alias: string;
  /** %h: the remote host name after HostName. */
  readonly hostname: string;
  readonly port: number;
  /** %r: the remote user. */
  readonly remoteUser: string;
  readonly hostKeyAlias: string | null;
  readonly env: NodeJS.ProcessEnv;
}

/** `~` and `~/x` → home folder; other paths unchanged (`~user` forms are left alone). */
export function expandTilde(value: string, homeDir: string): string {
  if (value === '~') return homeDir;
  if (value.startsWith('~/') || value.startsWith('~\\')) return path.join(homeDir, value.slice(2));
  return value;
}

export function expandPath(value: string, context: TokenContext): string {
  return expandTokens(expandTilde(value, context.homeDir), context);
}

/** `%x` tokens and `${NAME}`; an unknown token or unset variable is an error, as in OpenSSH. */
export function expandTokens(value: string, context: TokenContext): string {
  return value.replace(/%(.?)|\$\{([^}]*)\}/g, (whole, token: string | undefined, variable: string | undefined) => {
    if (variable !== undefined) {
      const found = context.env[variable];
      if (found === undefined) fail('bad-argument', `The ssh config value "${value}" uses \${${variable}}, which is not set.`);
      return found;
    }
    const replacement = tokenValue(token ?? '', context);
    if (replacement === undefined) fail('bad-argument', `The ssh config value "${value}" uses the unknown token "${whole}".`);
    return replacement;
  });
}

function tokenValue(token: string, context: TokenContext): string | undefined {
  switch (token) {
    case '%':
      return '%';
    case 'd':
      return context.homeDir;
    case 'u':
      return context.localUser;
    case 'i':
      return context.uid === null ? undefined : String(context.uid);
    case 'l':
      return context.localHostname;
    case 'L':
      return context.localHostname.split('.')[0] ?? context.localHostname;
    case 'h':
      return context.hostname;
    case 'n':
      return context.alias;
    case 'p':
      return String(context.port);
    case 'r':
      return context.remoteUser;
    case 'k':
      return context.hostKeyAlias ?? context.alias;
    case 'C':
      // OpenSSH 9.2's connection hash (later versions also mix in ProxyJump).
      return createHash('sha1').update(`${context.localHostname}${context.hostname}${context.port}${context.remoteUser}`).digest('hex');
    default:
      return undefined;
  }
}
