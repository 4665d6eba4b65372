import { fail } from '../common';

/**
 * ProxyJump values (ssh_config(5), `ssh -J`): a comma list of hops, each `[user@]host[:port]` or
 * `ssh://[user@]host[:port]`, an IPv6 address in brackets when a port follows (`[::1]:2222`).
 * `none` means no jump. Parsed the way OpenSSH's parse_user_host_port does: the user is everything
 * before the last `@` (user names may contain `@`, e.g. "me@corp.example@bastion").
 */

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

export function parseProxyJump(value: string): JumpHop[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return [];
  return trimmed.split(',').map((hop) => parseHop(hop.trim(), value));
}

function parseHop(text: string, whole: string): JumpHop {
  let rest = text;
  if (/^ssh:\/\//i.test(rest)) {
    // A URI may end in "/" but carries no path or query.
    rest = rest.slice('ssh://'.length).replace(/\/$/, '');
    if (/[/?#]/.test(rest)) bad(whole, `"${text}" has a path, which a jump host URI can't have`);
  }
  const at = rest.lastIndexOf('@');
  const user = at >= 0 ? rest.slice(0, at) : undefined;
  rest = at >= 0 ? rest.slice(at + 1) : rest;
  if (user === '') bad(whole, `"${text}" has an empty user name`);

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) bad(whole, `"${text}" has "[" without "]"`);
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) bad(whole, `"${text}" has text after "]"`);
    portText = after === '' ? undefined : after.slice(1);
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest; // a bare IPv6 address: without brackets it can't carry a port
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  if (host === '' || /\s/.test(host)) bad(whole, `"${text}" has no host name`);

  const hop: JumpHop = { host };
  if (user !== undefined) hop.user = user;
  if (portText !== undefined) hop.port = parsePort(portText, whole);
  return hop;
}

function parsePort(text: string, whole: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) bad(whole, `"${text}" is not a port number (1-65535)`);
  return port;
}

function bad(whole: string, detail: string): never {
  fail('bad-argument', `Invalid ProxyJump "${whole}": ${detail}.`, 'proxyJump');
}

/** The canonical `[user@]host[:port]` form of a hop (IPv6 in brackets when a port follows). */
export function formatJumpHop(hop: JumpHop): string {
  const user = hop.user !== undefined ? `${hop.user}@` : '';
  if (hop.port === undefined) return `${user}${hop.host}`;
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  return `${user}${host}:${hop.port}`;
}
