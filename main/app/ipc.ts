import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { EventName } from '../../preload/api';
import { dispatch, type Session } from '../api';
import { isAppUrl } from './app-origin';
import { createCallHandler } from './call-handler';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-channels';
import type { SenderInfo } from './trusted-sender';

/**
 * The one place that uses `ipcMain`. One invoke channel carries every API call as
 * `(method, arg) → CallResult`; the sender check runs before anything else.
 */
export function registerCallChannel(sessions: ReadonlyMap<number, Session>, trustedOrigins: readonly string[]): void {
  const handle = createCallHandler({ sessions, trustedOrigins, dispatch, log: (message) => console.warn(message) });
  ipcMain.handle(CALL_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, arg: unknown) => handle(senderInfo(event), method, arg));
}

function senderInfo(event: IpcMainInvokeEvent): SenderInfo {
  try {
    const frame = event.senderFrame;
    return { webContentsId: event.sender.id, frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null };
  } catch {
    // A frame that is being torn down can throw on access: treat it as gone.
    return { webContentsId: event.sender.id, frameUrl: null, isMainFrame: false };
  }
}

/**
 * Forwards a session's events to its window until the returned function is called; only while
 * the window shows our own page (it cannot navigate away, but the check costs nothing).
 */
export function forwardEvents(session: Session, contents: WebContents, trustedOrigins: readonly string[]): () => void {
  return session.events.subscribe((event: EventName, payload: unknown) => {
    if (!contents.isDestroyed() && isAppUrl(contents.getURL(), trustedOrigins)) contents.send(EVENT_CHANNEL, { event, payload });
  });
}
