import { sameStamp } from '../plan/plan';
import { createSymlinkRemote, lstatRemote, symlinkRemote } from '../remote/remote-ops';
import type { ActionOf, RemoteStamp } from '../sync-types';
import type { SyncLedger } from './sync-ledger';
import type { SyncSession } from './sync-session';

type SymlinkOutcome = { kind: 'placed'; stamp: RemoteStamp } | { kind: 'changed' } | { kind: 'failed'; message: string };

/** The plan's links. They are independent of each other: all in flight at once (a few round trips in all, not per link). */
export async function placeLinks(session: SyncSession, links: readonly ActionOf<'symlink'>[], ledger: SyncLedger, signal: AbortSignal | undefined): Promise<void> {
  const outcomes = await Promise.all(links.map((action) => placeSymlink(session, action, signal)));
  for (const [index, outcome] of outcomes.entries()) {
    const action = links[index] as ActionOf<'symlink'>;
    if (outcome.kind === 'placed') ledger.linkPlaced(action, outcome.stamp);
    else if (outcome.kind === 'changed') ledger.conflict(action.path, `${action.path} changed on ${session.hostLabel}; the link was not replaced.`);
    else ledger.error(action.path, 'symlink-failed', outcome.message);
  }
}

/** Creates or replaces one link, only if the server still has what the plan expected there. */
async function placeSymlink(session: SyncSession, action: ActionOf<'symlink'>, signal: AbortSignal | undefined): Promise<SymlinkOutcome> {
  if (signal?.aborted) return { kind: 'failed', message: `${action.path}: cancelled.` };
  const target = `${session.remoteRoot}/${action.path}`;
  if (action.expectRemote === null) {
    try {
      const made = await createSymlinkRemote(session.sftp, action.linkTarget, target);
      return made === 'exists' ? { kind: 'changed' } : { kind: 'placed', stamp: made };
    } catch (error) {
      return { kind: 'failed', message: (error as Error).message };
    }
  }
  const current = await lstatRemote(session.sftp, target);
  const expected = action.expectRemote;
  if ((current === null) !== (expected === null) || (current && expected && !sameStamp(current, expected))) return { kind: 'changed' };
  try {
    return { kind: 'placed', stamp: await symlinkRemote(session.sftp, action.linkTarget, target, current !== null) };
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message };
  }
}
