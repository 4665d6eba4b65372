import { stampOf } from '../plan/plan';
import { timedPhase } from '../sync-timing';
import type { ActionOf, PlanAction } from '../sync-types';
import { chooseTarMode } from '../transfer/push-strategy';
import { NewFolders } from './new-folders';
import { placeLinks } from './place-links';
import { hashAll } from './prepare-sync';
import { pushUploads, type TarFolders } from './push-uploads';
import { deleteOnServer } from './remote-deletes';
import { SyncLedger } from './sync-ledger';
import type { ExecuteOptions, PreparedSync, SyncReport, SyncSession } from './sync-session';

/**
 * Carries out a plan: new folders, uploads, links, adopted files, deletions, in that order.
 * Every write is guarded by the remote stamp the plan expected, so a change made on the server
 * between planning and writing becomes a conflict, not an overwrite. The base advances only for
 * writes the server confirmed.
 */
export async function executeSync(session: SyncSession, prepared: PreparedSync, options: ExecuteOptions = {}): Promise<SyncReport> {
  const { plan } = prepared;
  if (plan.halted) {
    options.tarShell?.release();
    throw new Error(plan.halted);
  }
  const ledger = new SyncLedger(session);
  ledger.notePlanned(plan.actions);
  const byType = <T extends PlanAction['type']>(type: T) => plan.actions.filter((action): action is ActionOf<T> => action.type === type);

  try {
    const folders = new NewFolders(session, byType('mkdir'), ledger, options.remoteRootExists === true || prepared.remote.size > 0);
    const tarMode = chooseTarMode(session, byType('upload'), options);
    // When tar owns the new files, the new folders travel in its archive and go into place with
    // everything in them (one RENAME per topmost folder, tar-push.ts); the ones it could not
    // place are made over SFTP afterwards, before anything is sent again through SFTP.
    const foldersByTar = tarMode === 'owned' && folders.dirs.length > 0;
    if (foldersByTar) await folders.checkParents();
    else await folders.make();
    options.signal?.throwIfAborted();

    // Uploads, hashed while they are sent (the base records what was sent).
    const tarFolders: TarFolders | undefined = foldersByTar
      ? {
          dirs: folders.notBelowFailed(),
          placed: (dirPath) => folders.placed(dirPath),
          beforeRetry: async (actions) => {
            await folders.make();
            return folders.withoutFailed(actions);
          },
        }
      : undefined;
    await timedPhase('transfer', async () => {
      const uploads = folders.withoutFailed(byType('upload'));
      ledger.viaTar = await pushUploads(session, uploads, tarMode, options, (action, result) => ledger.uploadDone(action, result), tarFolders);
      await ledger.uploadsRecorded();
    });
    // What tar did not place. When it placed every folder, nothing is left to make, and the root
    // is there (its staging folder was made in it): no walk of the root's path over SFTP.
    if (foldersByTar && folders.anyLeft) await folders.make();

    await placeLinks(session, byType('symlink'), ledger, options.signal);
    options.signal?.throwIfAborted();
    await adoptFiles(session, byType('adopt'));
    await deleteOnServer(session, byType('delete'), ledger, options.signal);
    forgetGoneOnBothSides(session, prepared);
  } finally {
    options.tarShell?.release(); // not needed after all, or the push was cut short before tar
    await timedPhase('state-save', () => ledger.saveSoon(true));
  }
  return ledger.report(plan.warnings);
}

/** Same content on both sides and no base yet: the base records both, nothing is written. */
async function adoptFiles(session: SyncSession, adopts: readonly ActionOf<'adopt'>[]): Promise<void> {
  const hashes = await hashAll(session.localRoot, adopts.map((action) => action.path));
  for (const action of adopts) {
    session.state.record({
      path: action.path,
      kind: 'file',
      local: { size: action.local.size, mtimeMs: action.local.mtimeMs, mode: action.local.mode, hash: hashes.get(action.path) ?? '' },
      remote: stampOf(action.remote),
    });
  }
}

/** Paths gone on both sides (within the plan's scope) leave the base: nothing left to remember. */
function forgetGoneOnBothSides(session: SyncSession, prepared: PreparedSync): void {
  const planned = new Set(prepared.plan.actions.map((action) => action.path));
  for (const entryPath of [...session.state.entries.keys()]) {
    if (prepared.scope && !prepared.scope.has(entryPath)) continue;
    if (!prepared.local.has(entryPath) && !prepared.remote.has(entryPath) && !planned.has(entryPath)) session.state.forget(entryPath);
  }
}
