import { isAppUrl } from './app-origin';

/** What the IPC handler knows about who sent a call (read from the Electron event). */
export interface SenderInfo {
  /** `event.sender.id`. */
  readonly webContentsId: number;
  /** `event.senderFrame.url`; null when the frame is gone (navigated or destroyed). */
  readonly frameUrl: string | null;
  /** Whether the call came from the top frame; sub-frames never get the API. */
  readonly isMainFrame: boolean;
}

/**
 * Electron security checklist #17: validate the sender of every IPC message. A call is trusted
 * only when it comes from the main frame of one of our windows (by webContents id) AND that
 * frame currently shows our own origin, so neither another webContents (devtools, a stray
 * window) nor our window after a navigation elsewhere can reach the services.
 */
export function isTrustedSender(
  sender: SenderInfo,
  trustedWebContentsIds: ReadonlySet<number> | ReadonlyMap<number, unknown>,
  trustedOrigins: readonly string[],
): boolean {
  if (!trustedWebContentsIds.has(sender.webContentsId)) return false;
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  return isAppUrl(sender.frameUrl, trustedOrigins);
}
