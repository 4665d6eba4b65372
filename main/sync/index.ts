/** main/sync: what other parts of main use. Import it from here, never from a file inside. */
export * from './local/content-hash';
export * from './local/ignore-rules';
export * from './local/local-scan';
export * from './connection-facts';
export * from './open-sync-session';
export { scanRemote } from './remote/remote-scan';
export { planSync, sameStamp, summarisePlan, type PlanInput } from './plan/plan';
export * from './state/active-target-memory';
export * from './state/sync-state';
export * from './sync-engine';
export * from './sync-service';
export * from './sync-types';
export * from './target-spec';
export * from './transfer/transfer';
export * from './watch/sync-watcher';
export { ensureRemoteDir, lstatRemote } from './remote/remote-ops';
