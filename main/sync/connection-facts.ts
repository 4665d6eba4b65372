import type { Client } from 'ssh2';

/**
 * What sync has learned about the server over one connection, kept for that connection's life
 * and handed to the engine with each session. A new connection starts afresh: the server, or
 * what is on it, may have changed while the link was down.
 */
export class ConnectionFacts {
  /** Stale temp files were swept already (once per connection is enough). */
  sweptTemps = false;
  /** Remote roots fully scanned: later full syncs there look up only the known paths. */
  readonly walkedRoots = new Set<string>();
  /** The server could not run the tar push: later syncs go straight to SFTP. */
  tarUnavailable = false;

  constructor(readonly client: Client) {}

  /** `current` when it belongs to `client`, else fresh facts for it (after a reconnect). */
  static for(client: Client, current: ConnectionFacts | null): ConnectionFacts {
    return current?.client === client ? current : new ConnectionFacts(client);
  }
}
