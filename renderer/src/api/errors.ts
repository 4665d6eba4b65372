import { ApiError, type ErrorCode } from '../../../preload/api';

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function errorCode(error: unknown): ErrorCode | null {
  return error instanceof ApiError ? error.code : null;
}
