import type { CallResult } from '../../preload/api';
import { type SenderInfo, isTrustedSender } from './trusted-sender';

export interface CallHandlerDeps<S> {
  /** Sessions of our windows by webContents id; its keys are the trusted senders. */
  readonly sessions: ReadonlyMap<number, S>;
  readonly trustedOrigins: readonly string[];
  /** `dispatch` from main/api (injected so the guard is tested without services). */
  readonly dispatch: (session: S, method: unknown, arg: unknown) => Promise<CallResult>;
  readonly log: (message: string) => void;
}

export type CallHandler = (sender: SenderInfo, method: unknown, arg: unknown) => Promise<CallResult>;

/**
 * The body of the one `ipcMain.handle('labdesk:call')`: refuse untrusted senders (with a logged,
 * typed `permission-denied` result), otherwise dispatch on the sender window's session.
 * Kept apart from ipc.ts so a unit test can prove the guard is not inverted (GitHub Desktop once
 * shipped `if (isTrusted(sender)) { log; return }`).
 */
export function createCallHandler<S>(deps: CallHandlerDeps<S>): CallHandler {
  return async (sender, method, arg) => {
    const session = deps.sessions.get(sender.webContentsId);
    if (session === undefined || !isTrustedSender(sender, deps.sessions, deps.trustedOrigins)) {
      deps.log(
        `[labdesk] refused IPC call ${JSON.stringify(String(method))} from untrusted sender ` +
          `(webContents ${sender.webContentsId}, frame ${sender.frameUrl === null ? 'gone' : `${sender.frameUrl}${sender.isMainFrame ? '' : ' (sub-frame)'}`})`,
      );
      return {
        ok: false,
        error: { code: 'permission-denied', message: 'This call did not come from a Labdesk window and was refused.' },
      };
    }
    try {
      return await deps.dispatch(session, method, arg);
    } catch (error) {
      // dispatch never throws; this only keeps a broken promise from reaching Electron's invoke.
      return { ok: false, error: { code: 'internal', message: `${String(method)} failed: ${error instanceof Error ? error.message : String(error)}` } };
    }
  };
}
