import { removeRemote } from '../remote/remote-ops';
import type { ActionOf } from '../sync-types';
import type { SyncLedger } from './sync-ledger';
import type { SyncSession } from './sync-session';

/**
 * The plan's deletions on the server, one after the other, each only if the server still has
 * what the base recorded there: a file changed on the server since is a conflict, and a folder
 * that still holds the server's own files stays.
 */
export async function deleteOnServer(session: SyncSession, deletes: readonly ActionOf<'delete'>[], ledger: SyncLedger, signal: AbortSignal | undefined): Promise<void> {
  for (const action of deletes) {
    signal?.throwIfAborted();
    const outcome = await removeRemote(session.sftp, `${session.remoteRoot}/${action.path}`, action.kind, action.kind === 'dir' ? null : action.expectRemote);
    if (outcome === 'removed' || outcome === 'gone') ledger.remoteRemoved(action.path, outcome === 'removed');
    else if (outcome === 'changed') ledger.conflict(action.path, `${action.path} changed on ${session.hostLabel} since the last sync; it was not deleted.`, 'deleted-locally-changed-remotely');
    else ledger.keptOnServer(action.path);
  }
}
