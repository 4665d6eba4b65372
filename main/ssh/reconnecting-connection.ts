import { EventEmitter } from 'node:events';
import type { Client, SFTPWrapper } from 'ssh2';
import type { SshSession } from './connect';
import { openSftp } from './remote-exec';
import { SshConnectError } from './ssh-errors';

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'closed';

export interface LiveConnection {
  readonly client: Client;
  readonly sftp: SFTPWrapper;
}

export interface ReconnectOptions {
  /** First retry delay; doubles up to `maxDelayMs` (with jitter so many clients do not stampede). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * One connection per target, shared by sync, the remote explorer and runs. When the link drops
 * (laptop sleep, Wi-Fi change, server restart) it reconnects with backoff; callers wait in
 * `ready()` meanwhile, so queued work lands after the link returns. Failures that retrying cannot
 * fix (host key refused, authentication failed) stop the retries and are reported once.
 */
export class ReconnectingConnection extends EventEmitter<{ state: [ConnectionState, string | null] }> {
  private current: { session: SshSession; sftp: SFTPWrapper } | null = null;
  private connecting: Promise<LiveConnection> | null = null;
  private stateValue: ConnectionState = 'offline';
  private lastError: string | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly open: () => Promise<SshSession>,
    private readonly options: ReconnectOptions = {},
  ) {
    super();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** The live connection, connecting (or waiting for the next retry) first if needed. */
  ready(): Promise<LiveConnection> {
    if (this.closed) return Promise.reject(new SshConnectError('cancelled', 'The connection was closed.'));
    if (this.current) return Promise.resolve({ client: this.current.session.client, sftp: this.current.sftp });
    this.connecting ??= this.connectWithRetries().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.current?.session.close();
    this.current = null;
    this.setState('closed', null);
  }

  private async connectWithRetries(): Promise<LiveConnection> {
    for (;;) {
      if (this.closed) throw new SshConnectError('cancelled', 'The connection was closed.');
      this.setState('connecting', this.lastError);
      try {
        const session = await this.open();
        const sftp = await openSftp(session.client);
        this.current = { session, sftp };
        this.attempt = 0;
        this.lastError = null;
        const dropped = () => this.dropped(session);
        session.client.once('close', dropped);
        session.client.once('end', dropped);
        this.setState('connected', null);
        return { client: session.client, sftp };
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (error instanceof SshConnectError && (error.failure === 'host-key-refused' || error.failure === 'auth-failed' || error.failure === 'cancelled')) {
          this.setState('offline', this.lastError);
          throw error; // retrying cannot fix these; the person must act
        }
        this.setState('offline', this.lastError);
        await this.waitBeforeRetry();
      }
    }
  }

  private dropped(session: SshSession): void {
    if (this.current?.session !== session) return;
    this.current = null;
    session.close();
    if (this.closed) return;
    this.lastError = 'The connection was lost.';
    this.setState('offline', this.lastError);
  }

  private waitBeforeRetry(): Promise<void> {
    const initial = this.options.initialDelayMs ?? 500;
    const max = this.options.maxDelayMs ?? 30_000;
    const delay = Math.min(max, initial * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    return new Promise((resolve) => {
      this.retryTimer = setTimeout(resolve, delay);
    });
  }

  private setState(state: ConnectionState, error: string | null): void {
    if (state === this.stateValue && error === this.lastError) return;
    this.stateValue = state;
    this.emit('state', state, error);
  }
}
