/**
 * The only two IPC channels (shared by main/app/ipc.ts and preload/index.ts; pure constants).
 * Everything else is multiplexed inside them by method or event name.
 */
export const CALL_CHANNEL = 'labdesk:call';
export const EVENT_CHANNEL = 'labdesk:event';
