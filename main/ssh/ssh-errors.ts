import { ApiError } from '../common';

/** What went wrong while connecting, in words that say what to do. */
export type ConnectFailure =
  | 'host-key-refused'
  | 'auth-failed'
  | 'unreachable'
  | 'timeout'
  | 'refused'
  | 'unknown-host'
  | 'proxy-failed'
  | 'cancelled'
  | 'failed';

export class SshConnectError extends ApiError {
  constructor(
    readonly failure: ConnectFailure,
    message: string,
  ) {
    super({ code: failure === 'cancelled' ? 'cancelled' : 'permission-denied', message });
    this.name = 'SshConnectError';
  }
}

/** Turns an ssh2 / socket error into a message naming the host and what to try. */
export function describeConnectError(error: unknown, where: string, triedAuth: readonly string[], timeoutMs: number): SshConnectError {
  if (error instanceof SshConnectError) return error;
  const err = error as NodeJS.ErrnoException & { level?: string };
  const code = err?.code ?? '';
  const message = err instanceof Error ? err.message : String(error);
  if (err?.level === 'client-authentication') {
    const tried = triedAuth.length > 0 ? triedAuth.join(', ') : 'no method';
    return new SshConnectError('auth-failed', `Authentication to ${where} failed (tried ${tried}). Check the user name, add your key to the agent or the target's identity file, or type the password again.`);
  }
  if (err?.level === 'client-timeout' || /timed out/i.test(message)) {
    return new SshConnectError('timeout', `Timed out after ${Math.round(timeoutMs / 1000)} s connecting to ${where}. The host may be down, or a firewall drops the connection.`);
  }
  if (code === 'ECONNREFUSED') return new SshConnectError('refused', `${where} refused the connection: no SSH server is listening on that port.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new SshConnectError('unknown-host', `The host name of ${where} could not be resolved. Check the spelling or your ~/.ssh/config.`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new SshConnectError('unreachable', `${where} is unreachable from this network (are you on the VPN?).`);
  if (code === 'ECONNRESET') return new SshConnectError('failed', `${where} closed the connection during the handshake (${message}).`);
  return new SshConnectError('failed', `Could not connect to ${where}: ${message}`);
}
