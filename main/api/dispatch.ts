import type { z } from 'zod';
import { ApiError, type CallResult, type MethodName, isMethodName } from '../../preload/api';
import { handlers, schemas } from './dispatch-table';
import type { Session } from './session';

/**
 * Validates and runs one call. Never throws: every outcome is a `CallResult` envelope, because
 * Electron IPC flattens thrown errors into strings and a WebSocket has no errors at all.
 */
export async function dispatch(session: Session, method: unknown, rawArg: unknown): Promise<CallResult> {
  if (!isMethodName(method)) {
    return failure(new ApiError({ code: 'unknown-method', message: `There is no API method named "${String(method)}".` }));
  }
  const parsed = (schemas[method] as z.ZodType).safeParse(rawArg ?? {});
  if (!parsed.success) return failure(badArgument(method, parsed.error));
  try {
    const handler = handlers[method] as (session: Session, arg: unknown) => unknown;
    const value = await handler(session, parsed.data);
    return { ok: true, value: value ?? null };
  } catch (error) {
    if (error instanceof ApiError) return failure(error);
    console.error(`[labdesk] ${method} failed unexpectedly:`, error);
    const message = error instanceof Error ? error.message : String(error);
    return failure(new ApiError({ code: 'internal', message: `${method} failed: ${message}` }));
  }
}

function badArgument(method: MethodName, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const argument = issue && issue.path.length > 0 ? issue.path.join('.') : (issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'argument');
  const detail = issue?.message ?? 'invalid value';
  return new ApiError({ code: 'bad-argument', argument, message: `${method}: argument "${argument}" is invalid: ${detail}.` });
}

function failure(error: ApiError): CallResult {
  return { ok: false, error: error.argument === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, argument: error.argument } };
}
