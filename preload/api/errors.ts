/** Errors and envelopes: what a failed call carries across any transport. */

export type ErrorCode =
  | 'bad-argument'
  | 'unknown-method'
  | 'no-workspace'
  | 'outside-workspace'
  | 'not-found'
  | 'already-exists'
  | 'not-a-directory'
  | 'is-a-directory'
  | 'permission-denied'
  | 'disk-full'
  | 'changed-on-disk'
  /** Sync: the server's copy changed since it was last synced or shown; nothing was written. */
  | 'conflict'
  /** Sync: no target is active, or its connection is not up. */
  | 'not-connected'
  | 'not-supported'
  /** Git: the folder is not inside a git repository (the UI offers to initialize one). */
  | 'not-a-repository'
  /** Git refused the action (a checkout that would lose changes, a rejected push); the message is git's reason in words. */
  | 'git-refused'
  | 'cancelled'
  | 'internal';

export interface ApiErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  /** For `bad-argument`: the argument (dotted path) that was wrong. */
  readonly argument?: string;
}

export class ApiError extends Error implements ApiErrorData {
  readonly code: ErrorCode;
  readonly argument?: string;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    if (data.argument !== undefined) this.argument = data.argument;
  }
}

export type CallResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ApiErrorData };
