import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import type { AppEnv } from '../lib/context';
import { AppError, type ErrorCode, problemResponse, validationError } from '../lib/errors';
import { resolveRequestId } from '../lib/request-id';

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Anything thrown becomes an AppError; unknown errors become a generic 500 that leaks nothing. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return validationError(error.issues);
  if (error instanceof HTTPException) {
    if (error.status === 400 && error.message.startsWith('Malformed JSON')) {
      return new AppError('MALFORMED_JSON', { detail: 'The request body is not valid JSON' });
    }
    const code = STATUS_TO_CODE[error.status];
    if (code) return new AppError(code, error.message ? { detail: error.message } : {});
  }
  return new AppError('INTERNAL', {
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
    cause: error,
  });
}

export function handleError(error: unknown, c: Context<AppEnv>): Response {
  const appError = toAppError(error);
  // The context middleware may not have run (e.g. invalid configuration), so fall back carefully.
  const requestId = c.get('requestId') ?? resolveRequestId(c.req.header('X-Request-Id'));
  const log = c.get('log');
  if (appError.status >= 500) {
    const cause = appError.code === 'INTERNAL' ? error : appError;
    const fields = {
      code: appError.code,
      error:
        cause instanceof Error
          ? { name: cause.name, message: cause.message, stack: cause.stack }
          : String(cause),
    };
    if (log) log.error('request.failed', fields);
    else console.error(JSON.stringify({ level: 'error', msg: 'request.failed', requestId, ...fields }));
    c.get('reporter')?.captureException(cause, { requestId, userId: c.get('userId') });
  }
  return problemResponse(appError, requestId, c.req.path);
}
