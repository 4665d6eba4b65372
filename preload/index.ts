/**
 * The sandboxed preload, bundled to one CommonJS file (out/preload/index.cjs) that requires only
 * `electron`. It exposes `window.labdesk`, a `LabdeskBridge`: two functions over two channels,
 * never `ipcRenderer` itself. Names are checked here so a typo fails fast in the renderer;
 * main validates everything again (sender, method, arguments), as it is the trust boundary.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { type CallResult, type LabdeskBridge, isEventName, isMethodName } from './api';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../main/app/ipc-channels';

type Listener = (payload: unknown) => void;

const listeners = new Map<string, Set<Listener>>();
let receiving = false;

function receive(_event: IpcRendererEvent, message: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  for (const listener of listeners.get(event) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`[labdesk] a listener of "${event}" failed:`, error);
    }
  }
}

function failure(code: 'unknown-method' | 'internal', message: string): CallResult {
  return { ok: false, error: { code, message } };
}

const bridge: LabdeskBridge = {
  async call(method, arg) {
    if (!isMethodName(method)) return failure('unknown-method', `There is no API method named "${String(method)}".`);
    try {
      return (await ipcRenderer.invoke(CALL_CHANNEL, method, arg)) as CallResult;
    } catch (error) {
      return failure('internal', `${method} could not reach the app: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
  on(event, listener) {
    if (!isEventName(event)) throw new TypeError(`There is no Labdesk event named "${String(event)}".`);
    if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
    if (!receiving) {
      ipcRenderer.on(EVENT_CHANNEL, receive);
      receiving = true;
    }
    let set = listeners.get(event);
    if (set === undefined) listeners.set(event, (set = new Set()));
    // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
    const entry: Listener = (payload) => listener(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  },
};

contextBridge.exposeInMainWorld('labdesk', bridge);
