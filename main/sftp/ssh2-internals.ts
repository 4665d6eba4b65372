/**
 * Everything that reads or patches ssh2's private fields, in one place, so an ssh2 upgrade that
 * changes them breaks here (and in tests/unit/ssh2-internals.test.ts), not somewhere in a push.
 * ssh2 is pinned to an exact version in package.json for the same reason. Each accessor checks
 * what it finds and falls back to "unknown" rather than throwing: the engine then runs without
 * the optimisation (no coalescing, no window gate, 32 KiB requests), never wrongly.
 */
import type { Client, SFTPWrapper } from 'ssh2';

export interface ServerLimits {
  /** Largest WRITE payload the server accepts (OpenSSH: 261120 = 255 KiB). */
  readonly maxWriteLen: number;
  readonly maxReadLen: number;
  /** Handles the server lets one session keep open; null when the server did not say. */
  readonly maxOpenHandles: number | null;
  /** ssh2's guess from the server ident; OpenSSH answers requests strictly in order. */
  readonly isOpenSSH: boolean;
}

/** ssh2's fallback packet budget for servers without limits@openssh.com (34000 minus headers). */
const FALLBACK_MAX_LEN = 32 * 1024;

interface SftpInternals {
  _maxWriteLen?: unknown;
  _maxReadLen?: unknown;
  maxOpenHandles?: unknown;
  _isOpenSSH?: unknown;
  _extensions?: Record<string, string>;
  _client?: { _sock?: { cork?: () => void; uncork?: () => void; writable?: boolean } };
  _protocol?: ProtocolInternals;
  readable?: boolean;
  outgoing?: { state?: string; id?: number; packetSize?: number };
  incoming?: { state?: string };
}

interface ProtocolInternals {
  channelData?: (channel: number, data: Buffer) => void;
  channelEOF?: (channel: number) => void;
  channelClose?: (channel: number) => void;
}

function internals(sftp: SFTPWrapper): SftpInternals {
  return sftp as unknown as SftpInternals;
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : null;
}

/**
 * What the server told ssh2 through limits@openssh.com. ssh2 1.17 asks for it before the SFTP
 * channel reports ready (lib/protocol/SFTP.js, VERSION handler) and stores the answer on private
 * fields: `_maxWriteLen`, `_maxReadLen` and the public `maxOpenHandles` (Infinity when the server
 * sent 0, undefined when it has no limits extension). Anything missing falls back to 32 KiB
 * and "unknown".
 */
export function serverLimits(sftp: SFTPWrapper): ServerLimits {
  const raw = internals(sftp);
  return {
    maxWriteLen: positive(raw._maxWriteLen) ?? FALLBACK_MAX_LEN,
    maxReadLen: positive(raw._maxReadLen) ?? FALLBACK_MAX_LEN,
    maxOpenHandles: positive(raw.maxOpenHandles),
    isOpenSSH: raw._isOpenSSH === true,
  };
}

/** Whether the server advertised an SFTP extension (OpenSSH: posix-rename, fsync, statvfs, hardlink, limits…). */
export function hasExtension(sftp: SFTPWrapper, name: string): boolean {
  const extensions = internals(sftp)._extensions;
  return extensions !== undefined && Object.prototype.hasOwnProperty.call(extensions, name);
}

/**
 * ssh2 sends every SFTP request as its own SSH packet (random padding, AES-GCM, MAC each), so a
 * small file's 6–7 requests cost 6–7 packets to build here and to open on the server. The SFTP
 * stream has no packet boundaries, so the requests queued in one turn of the event loop are sent
 * as one CHANNEL_DATA instead (split at the channel's packet size). Window accounting is
 * untouched: ssh2 has already charged each request when it reaches channelData. Data still
 * pending is flushed before an EOF or CLOSE for the channel, and coalescing stops when the
 * channel closes (ssh2 reuses channel ids): fewer packets to encrypt here and to open on the server.
 * Returns the function that turns it off; does nothing if ssh2's internals look different.
 */
export function coalesceChannelData(sftp: SFTPWrapper): () => void {
  const raw = internals(sftp);
  const protocol = raw._protocol;
  const channel = raw.outgoing?.id;
  const packetSize = raw.outgoing?.packetSize;
  const original = protocol?.channelData;
  const originalEOF = protocol?.channelEOF;
  const originalClose = protocol?.channelClose;
  if (!protocol || typeof original !== 'function' || typeof originalEOF !== 'function' || typeof originalClose !== 'function') return () => undefined;
  if (typeof channel !== 'number' || typeof packetSize !== 'number' || packetSize <= 0) return () => undefined;

  let active = true;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let scheduled = false;
  const flush = () => {
    if (pendingBytes === 0) return;
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    for (let offset = 0; offset < all.length; offset += packetSize) {
      original.call(protocol, channel, all.subarray(offset, Math.min(all.length, offset + packetSize)));
    }
  };
  const wrappedData = function (this: unknown, id: number, data: Buffer) {
    if (!active || id !== channel) return original.call(protocol, id, data);
    if (data.length >= packetSize / 2) {
      // A big WRITE gains nothing from coalescing: keep the order, skip the copy.
      flush();
      return original.call(protocol, id, data);
    }
    // ssh2 allocates every request's payload afresh and never reuses it, so no copy is needed.
    pending.push(data);
    pendingBytes += data.length;
    if (!scheduled) {
      scheduled = true;
      process.nextTick(() => {
        scheduled = false;
        if (active) flush();
      });
    }
  };
  const wrappedEOF = function (this: unknown, id: number) {
    if (active && id === channel) flush();
    return originalEOF.call(protocol, id);
  };
  const wrappedClose = function (this: unknown, id: number) {
    if (active && id === channel) stop();
    return originalClose.call(protocol, id);
  };
  protocol.channelData = wrappedData;
  protocol.channelEOF = wrappedEOF;
  protocol.channelClose = wrappedClose;
  function stop(): void {
    if (!active) return;
    flush();
    active = false;
    // Unwrap when we are the outermost layer; otherwise stay as a pass-through.
    if (protocol && protocol.channelData === wrappedData && protocol.channelEOF === wrappedEOF && protocol.channelClose === wrappedClose) {
      protocol.channelData = original;
      protocol.channelEOF = originalEOF;
      protocol.channelClose = originalClose;
    }
  }
  return stop;
}


/** Whether the SFTP channel is still open both ways (ssh2 drops requests sent on a closed one without an answer). */
export function channelIsOpen(sftp: SFTPWrapper): boolean {
  const raw = internals(sftp);
  return raw.readable !== false && raw.outgoing?.state === 'open' && raw.incoming?.state !== 'closed';
}

/** The connection's socket, for cork/uncork around a burst of requests; null if ssh2 hides it. */
export function connectionSocket(sftp: SFTPWrapper): { cork: () => void; uncork: () => void } | null {
  const socket = internals(sftp)._client?._sock;
  if (!socket || typeof socket.cork !== 'function' || typeof socket.uncork !== 'function') return null;
  return socket as { cork: () => void; uncork: () => void };
}

/** The protocol object of a connection (its message handlers), for channelWindowInUse. */
export function clientProtocol(client: Client): ProtocolLike | undefined {
  return (client as unknown as { _protocol?: ProtocolLike })._protocol;
}

/** The parts of an ssh2 channel (ClientChannel or SFTP) the gate reads. */
export interface ChannelLike {
  /** Our end: `id` is the number WINDOW_ADJUST messages are addressed to. */
  incoming?: { id?: unknown };
  /** The server's end: `window` is what we may still send. */
  outgoing?: { window?: unknown };
}

export interface ProtocolLike {
  _handlers?: Record<string, unknown>;
}

type AdjustHandler = (protocol: unknown, recipient: number, amount: number) => void;

/** Per connection: listeners by our channel id, and the wrapped handler. */
const watchers = new WeakMap<object, Map<number, Set<() => void>>>();

function listenersFor(protocol: ProtocolLike): Map<number, Set<() => void>> | null {
  const known = watchers.get(protocol);
  if (known) return known;
  const handlers = protocol._handlers;
  const original = handlers?.CHANNEL_WINDOW_ADJUST;
  if (!handlers || typeof original !== 'function') return null;
  const byChannel = new Map<number, Set<() => void>>();
  handlers.CHANNEL_WINDOW_ADJUST = function (this: unknown, self: unknown, recipient: number, amount: number) {
    (original as AdjustHandler).call(this, self, recipient, amount);
    const listeners = byChannel.get(recipient);
    if (listeners) for (const listener of [...listeners]) listener();
  };
  watchers.set(protocol, byChannel);
  return byChannel;
}

/**
 * A channel's window in use (sent, not yet acknowledged by a WINDOW_ADJUST), calling
 * `onAdjust` whenever the server acknowledges some. sshd acknowledges data as it writes it to
 * the consumer's pipe. `stop` unsubscribes (ssh2 reuses channel ids). Null when ssh2's
 * internals look different.
 */
export function channelWindowInUse(
  channel: ChannelLike,
  protocol: ProtocolLike | undefined,
  onAdjust: () => void,
): { inUse: () => number; stop: () => void } | null {
  const outgoing = channel.outgoing;
  const id = channel.incoming?.id;
  if (!protocol || typeof id !== 'number' || typeof outgoing?.window !== 'number') return null;
  const byChannel = listenersFor(protocol);
  if (!byChannel) return null;
  let listeners = byChannel.get(id);
  if (!listeners) byChannel.set(id, (listeners = new Set()));
  listeners.add(onAdjust);
  // The largest window the server has granted is its maximum: adjusts only refill what was used.
  let granted = 0;
  return {
    inUse: () => {
      const window = outgoing.window as number;
      if (window > granted) granted = window;
      return granted - window;
    },
    stop: () => {
      listeners?.delete(onAdjust);
      // ssh2 reuses channel ids: drop the empty set rather than keep one per id ever used.
      if (listeners?.size === 0 && byChannel.get(id) === listeners) byChannel.delete(id);
    },
  };
}
