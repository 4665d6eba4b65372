import { ApiError, type ErrorCode } from '../../preload/api';

export { ApiError };

export function fail(code: ErrorCode, message: string, argument?: string): never {
  throw new ApiError(argument === undefined ? { code, message } : { code, message, argument });
}

const ERRNO_CODES: Record<string, ErrorCode> = {
  ENOENT: 'not-found',
  EEXIST: 'already-exists',
  ENOTEMPTY: 'already-exists',
  ENOTDIR: 'not-a-directory',
  EISDIR: 'is-a-directory',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EROFS: 'permission-denied',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
};

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'does not exist',
  EEXIST: 'already exists',
  ENOTEMPTY: 'already exists and is not empty',
  ENOTDIR: 'is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
};

/**
 * Turns a Node fs error into an ApiError that names the file and what to do, so the renderer can
 * show it next to the file. `action` is a verb phrase like "save" or "open".
 */
export function fromFsError(error: unknown, action: string, displayPath: string): ApiError {
  if (error instanceof ApiError) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  const code = ERRNO_CODES[errno];
  if (code) {
    return new ApiError({ code, message: `Could not ${action} ${displayPath}: ${ERRNO_WORDS[errno]}.` });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiError({ code: 'internal', message: `Could not ${action} ${displayPath}: ${detail}` });
}
