/**
 * Opens a sync session over a connection being made, the way `labdesk sync` does (and the
 * sync benchmark, so that it measures exactly that).
 *
 * Why: the local side needs no connection. The base, the ignore rules (git ls-files, a walk for
 * ignore files) and the local scan are read while the handshake waits on the network (for a
 * big tree they take about as long as a connect over a long link). And when that scan
 * is done by the time the connection is up and shows a first push tar will likely take alone
 * (push-strategy.ts tarShellWorthStarting), the tar shell starts right after authentication, so
 * its rc files run while the SFTP channel opens and both sides are scanned and planned.
 */
import type { Client } from 'ssh2';
import { openSftp } from '../ssh';
import { loadIgnoreRules } from './local/ignore-rules';
import { type LocalScan, scanLocal } from './local/local-scan';
import { type SyncSession, tarShellWorthStarting } from './sync-engine';
import { SyncState } from './state/sync-state';
import { timedPhase } from './sync-timing';
import { startTarShell, type TarShell } from './tar/tar-shell';
import { ConnectionFacts } from './connection-facts';

export interface SyncSessionSpec {
  readonly localRoot: string;
  readonly remoteRoot: string;
  /** Names the server in messages, and in the base. */
  readonly hostLabel: string;
  /** The target's name (the base is kept per target). */
  readonly target: string;
  readonly ignoreExtra?: readonly string[];
  /** Scan the local root while connecting (not for watch: it must start watching before it scans). */
  readonly scanWhileConnecting?: boolean;
  /** With scanWhileConnecting: start a tar push's shell early when the push looks like one for tar. */
  readonly prestartTarShell?: boolean;
}

export interface OpenedSyncSession {
  readonly session: SyncSession;
  /** With scanWhileConnecting: the local scan, for the first prepareSync (PrepareOptions.localScan). */
  readonly firstLocalScan?: Promise<LocalScan>;
  /** A shell started for a likely tar push: pass it to executeSync (ExecuteOptions.tarShell). */
  readonly tarShell?: TarShell;
}

/**
 * `connecting`: the connection, started by the caller just before this call. If this throws
 * once it is up, closing it is the caller's (it knows how).
 */
export async function openSyncSession(spec: SyncSessionSpec, connecting: Promise<Client>): Promise<OpenedSyncSession> {
  const { localRoot, remoteRoot, hostLabel } = spec;
  const loading = SyncState.load(localRoot, { target: spec.target, host: hostLabel, remoteRoot });
  const ignoring = loadIgnoreRules(localRoot, { ...(spec.ignoreExtra && { extraPatterns: spec.ignoreExtra }) });
  const firstLocalScan = spec.scanWhileConnecting ? ignoring.then((ignore) => timedPhase('scan-local', () => scanLocal(localRoot, { ignore }))) : undefined;
  // Awaited below, or (the scan) by the first prepareSync; dropped with a failed connect.
  for (const early of [loading, ignoring, firstLocalScan]) early?.catch(() => undefined);
  let scanned: LocalScan | undefined;
  void firstLocalScan?.then((scan) => void (scanned = scan), () => undefined);
  const client = await connecting;
  let tarShell: TarShell | undefined;
  try {
    const state = await loading;
    if (spec.prestartTarShell && scanned && tarShellWorthStarting(scanned, state.entries.size)) tarShell = startTarShell(client, remoteRoot);
    const sftp = await openSftp(client);
    const session: SyncSession = { localRoot, remoteRoot, hostLabel, client, sftp, state, ignore: await ignoring, facts: new ConnectionFacts(client) };
    return { session, ...(firstLocalScan && { firstLocalScan }), ...(tarShell && { tarShell }) };
  } catch (error) {
    tarShell?.release();
    throw error;
  }
}
