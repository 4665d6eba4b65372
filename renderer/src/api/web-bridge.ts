import type { CallResult, LabdeskBridge } from '../../../preload/api';

interface Pending {
  resolve(result: CallResult): void;
}

/**
 * The bridge used when the renderer is served by `labdesk web` (and in e2e tests): the same calls
 * and events as Electron IPC, over a WebSocket to the host that served this page. The access
 * token travels in the HttpOnly cookie the host set, so this code never sees it.
 */
export function connectWebBridge(onDisconnect: (reason: string) => void): Promise<LabdeskBridge> {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${location.host}/api`);
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let closedReason: string | null = null;

  socket.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as { id?: number; result?: CallResult; event?: string; payload?: unknown };
    if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.resolve(data.result);
      pending.delete(data.id);
    } else if (typeof data.event === 'string') {
      for (const listener of listeners.get(data.event) ?? []) listener(data.payload);
    }
  });

  socket.addEventListener('close', (event) => {
    closedReason = event.code === 1006 || event.code === 1001
      ? 'The connection to labdesk web was lost. Restart `labdesk web` and reload this page.'
      : `The connection to labdesk web closed (${event.code} ${event.reason}).`;
    for (const { resolve } of pending.values()) resolve({ ok: false, error: { code: 'internal', message: closedReason } });
    pending.clear();
    onDisconnect(closedReason);
  });

  const bridge: LabdeskBridge = {
    call(method, arg) {
      if (closedReason !== null) return Promise.resolve({ ok: false, error: { code: 'internal', message: closedReason } });
      const id = nextId++;
      return new Promise<CallResult>((resolve) => {
        pending.set(id, { resolve });
        socket.send(JSON.stringify({ id, method, arg }));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(bridge), { once: true });
    socket.addEventListener('error', () => reject(new Error('Could not connect to labdesk web. Open the full URL it printed (it carries the access token).')), { once: true });
  });
}
