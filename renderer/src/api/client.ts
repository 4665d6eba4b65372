import { createApi, type LabdeskApi, type LabdeskBridge, type TypedEvents } from '../../../preload/api';
import { connectWebBridge } from './web-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when served by the web host. */
    labdesk?: LabdeskBridge;
  }
}

export type Api = LabdeskApi & TypedEvents;

let current: Api | null = null;

/** Connects once: Electron's preload bridge when present, otherwise the web host's WebSocket. */
export async function connectApi(onDisconnect: (reason: string) => void): Promise<Api> {
  const bridge = window.labdesk ?? (await connectWebBridge(onDisconnect));
  current = createApi(bridge);
  return current;
}

/** The connected API, for code that runs after startup (stores, commands). */
export function api(): Api {
  if (!current) throw new Error('The Labdesk API is not connected yet.');
  return current;
}
