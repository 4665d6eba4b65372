import type { PlanAction } from '../sync-types';

/** What a planned conflict means, in words, for the CLI's report and the window's plan list. `host` names the server. */
export function conflictMessage(action: Extract<PlanAction, { type: 'conflict' }>, host: string): string {
  switch (action.reason) {
    case 'remote-changed':
      return `${action.path} was changed on ${host} since the last sync; your local version was not uploaded over it. Compare them and choose which to keep.`;
    case 'remote-differs':
      return `${action.path} already exists on ${host} with different content, and Labdesk has no record of syncing it. Compare them before overwriting.`;
    case 'deleted-locally-changed-remotely':
      return `${action.path} was deleted here but changed on ${host}; it was kept there.`;
    case 'type-changed':
      return `${action.path} is a ${action.local?.kind ?? 'missing entry'} here but a ${action.remote?.kind ?? 'missing entry'} on ${host}; resolve it by hand.`;
  }
}
