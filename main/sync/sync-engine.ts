/**
 * The sync engine, in two steps the callers (the service, the watcher, the CLI) drive:
 * prepareSync scans both sides and plans (engine/prepare-sync.ts); executeSync carries the plan
 * out, phase by phase (engine/execute-sync.ts).
 */
export * from './engine/sync-session';
export { planEntries, prepareSync, type PlanEntriesInput, type PrepareOptions } from './engine/prepare-sync';
export { executeSync } from './engine/execute-sync';
export { TAR_MIN_FILES, TAR_OWNED_MIN_FILES, tarShellWorthStarting } from './transfer/push-strategy';
