import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';

/** What a save found on the server instead of the version the tab was opened with. */
export type ServerVersion =
  | { readonly kind: 'text'; readonly text: string; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'binary' | 'too-large'; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'missing' }
  /** The server could not be asked (offline); keeping mine is refused until a compare succeeds. */
  | { readonly kind: 'unknown'; readonly message: string };

/** The server's version of a remote file now (what a conflict is about); never throws. */
export async function readServerVersion(path: string): Promise<ServerVersion> {
  try {
    const now = await api().remote.read({ path });
    return now.kind === 'text' ? { kind: 'text', text: now.text, size: now.size, mtimeMs: now.mtimeMs } : { kind: now.kind, size: now.size, mtimeMs: now.mtimeMs };
  } catch (error) {
    return errorCode(error) === 'not-found' ? { kind: 'missing' } : { kind: 'unknown', message: errorMessage(error) };
  }
}
