/**
 * SFTP failures in words a user can act on: every failure becomes an SftpError naming the
 * operation, the remote path and the host, with the SFTP status mapped to a kind.
 */
import type { ErrorCode } from '../../preload/api';
import { ApiError } from '../common';

/** SFTPv3 status codes (draft-ietf-secsh-filexfer-02 §7). */
export const SFTP_STATUS = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

export type SftpErrorKind =
  | 'no-such-file'
  | 'permission-denied'
  /** SSH_FX_FAILURE: OpenSSH sends it for every errno it has no code for (ENOSPC, EDQUOT, EROFS, EEXIST, EMFILE, EIO…). */
  | 'failure'
  | 'unsupported'
  | 'connection-lost'
  | 'bad-message'
  | 'eof'
  | 'other';

const KIND_WORDS: Record<SftpErrorKind, string> = {
  'no-such-file': 'no such file or folder',
  'permission-denied': 'permission denied',
  failure:
    'the server reported a failure (with OpenSSH this usually means the disk is full, a quota is exceeded, ' +
    'the file system is read-only, the file already exists or the server ran out of open files)',
  unsupported: 'the server does not support this operation',
  'connection-lost': 'the connection to the server was lost',
  'bad-message': 'the server rejected the request as malformed (is the name too long?)',
  eof: 'unexpected end of file',
  other: 'unexpected error',
};

const KIND_CODES: Record<SftpErrorKind, ErrorCode> = {
  'no-such-file': 'not-found',
  'permission-denied': 'permission-denied',
  failure: 'internal',
  unsupported: 'not-supported',
  'connection-lost': 'internal',
  'bad-message': 'bad-argument',
  eof: 'internal',
  other: 'internal',
};

export class SftpError extends ApiError {
  constructor(
    readonly kind: SftpErrorKind,
    /** The SFTP status code, when the server sent one. */
    readonly status: number | undefined,
    /** What was attempted, as a verb phrase: "create", "write to", "rename". */
    readonly operation: string,
    readonly remotePath: string,
    readonly host: string,
    /** The server's own text, when it said something beyond the generic status. */
    readonly serverMessage: string,
    message?: string,
  ) {
    super({ code: KIND_CODES[kind], message: message ?? describe(kind, operation, remotePath, host, serverMessage) });
    this.name = 'SftpError';
  }
}

function describe(kind: SftpErrorKind, operation: string, remotePath: string, host: string, serverMessage: string): string {
  const words = KIND_WORDS[kind];
  // OpenSSH's messages are just the status name ("Failure", "Permission denied"): only add real detail.
  const generic = serverMessage === '' || words.toLowerCase().startsWith(serverMessage.toLowerCase()) ||
    /^(failure|no such file|permission denied|no response from server|operation unsupported|bad message)$/i.test(serverMessage);
  return `Could not ${operation} ${remotePath} on ${host}: ${words}${generic ? '' : ` (${serverMessage})`}.`;
}

function kindOfStatus(status: number | undefined, message: string): SftpErrorKind {
  switch (status) {
    case SFTP_STATUS.NO_SUCH_FILE:
      return 'no-such-file';
    case SFTP_STATUS.PERMISSION_DENIED:
      return 'permission-denied';
    case SFTP_STATUS.FAILURE:
      return 'failure';
    case SFTP_STATUS.OP_UNSUPPORTED:
      return 'unsupported';
    case SFTP_STATUS.NO_CONNECTION:
    case SFTP_STATUS.CONNECTION_LOST:
      return 'connection-lost';
    case SFTP_STATUS.BAD_MESSAGE:
      return 'bad-message';
    case SFTP_STATUS.EOF:
      return 'eof';
    default:
      // ssh2's own errors carry no status: "No response from server" (channel closed with the
      // request in flight), "Server does not support this extended request".
      if (/no response from server|not connected|channel|closed/i.test(message)) return 'connection-lost';
      if (/does not support/i.test(message)) return 'unsupported';
      return 'other';
  }
}

/** Turns any error from an ssh2 SFTP callback into an SftpError. */
export function toSftpError(error: unknown, operation: string, remotePath: string, host: string): SftpError {
  if (error instanceof SftpError) return error;
  const err = error as { code?: unknown; message?: unknown } | undefined;
  const status = typeof err?.code === 'number' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message : String(error);
  return new SftpError(kindOfStatus(status, message), status, operation, remotePath, host, message);
}
