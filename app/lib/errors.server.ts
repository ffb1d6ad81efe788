import { data, redirect } from '@remix-run/cloudflare';
import { AppError, type ErrorCode, type FieldError } from '../../worker/lib/errors';
import type { FieldErrors, FormFailure } from './forms';
import type { MessageKey, Translate } from './i18n';

/**
 * Turns the services' AppErrors into UX: in a loader, the right Response
 * (sign-in redirect, 403/404 error boundary); in an action, data for the form
 * (`formError` + `fieldErrors`) with the matching status.
 */

/** Query parameters Remix adds to data requests; never part of a page address. */
const INTERNAL_PARAMS = ['_routes', '_data', 'index'];

/** The page being requested, as a same-origin path (what `redirectTo` carries). */
export function pagePath(request: Request): string {
  const url = new URL(request.url);
  for (const name of INTERNAL_PARAMS) url.searchParams.delete(name);
  return `${url.pathname}${url.search}`;
}

/** `/login?redirectTo=<this page>` (just `/login` from the home page). */
export function loginRedirect(request: Request, init?: ResponseInit): Response {
  const path = pagePath(request);
  const target = path === '/' ? '/login' : `/login?${new URLSearchParams({ redirectTo: path })}`;
  return redirect(target, init);
}

/** Thrown from a loader: the root error boundary renders the "not allowed" page with status 403. */
export function forbidden(): never {
  throw data({ code: 'FORBIDDEN' as const }, { status: 403 });
}

export function notFound(): never {
  throw data({ code: 'NOT_FOUND' as const }, { status: 404 });
}

/** What a loader throws for an error: a redirect or an error response; unknown errors pass through. */
export function loaderErrorResponse(error: unknown, request: Request): unknown {
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return loginRedirect(request);
    case 'FORBIDDEN':
      return data({ code: error.code }, { status: 403 });
    case 'NOT_FOUND':
      return data({ code: error.code }, { status: 404 });
    case 'VALIDATION_FAILED':
    case 'BAD_REQUEST':
      return data({ code: error.code }, { status: 400 });
    default:
      return error;
  }
}

/** Runs a loader's service calls, converting AppErrors into responses. */
export async function loaderGuard<T>(request: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw loaderErrorResponse(error, request);
  }
}

/** Field error codes the services use, and how the UI words them. */
const FIELD_CODES: Record<string, MessageKey> = {
  duplicate: 'errors.duplicate',
  invalid_password: 'errors.incorrectPassword',
  unknown_team: 'errors.unknownTeam',
  unknown_user: 'errors.unknownUser',
  beyond_permissions: 'errors.beyondPermissions',
  invalid_cursor: 'errors.invalidCursor',
};

function fieldErrorsOf(errors: readonly FieldError[] | undefined, t: Translate): FieldErrors {
  const result: FieldErrors = {};
  for (const error of errors ?? []) {
    const field = error.path.split('.')[0] || '_';
    const key = FIELD_CODES[error.code];
    result[field] ??= key ? t(key) : error.message;
  }
  return result;
}

const GENERIC: Partial<Record<ErrorCode, MessageKey>> = {
  FORBIDDEN: 'errors.forbidden',
  NOT_FOUND: 'errors.notFound',
  CONFLICT: 'errors.conflict',
  VALIDATION_FAILED: 'errors.form',
  BAD_REQUEST: 'errors.generic',
  PRECONDITION_FAILED: 'errors.conflict',
};

export interface ActionErrorOptions {
  t: Translate;
  /** Which form of the page submitted, echoed so only that form shows the error. */
  intent?: string;
  /** The row a per-row form was about. */
  id?: string;
  /** Page-specific wording by error code (e.g. the meaning of a CONFLICT there). */
  messages?: Partial<Record<ErrorCode, string>>;
}

/**
 * For an action's catch block: AppErrors a user can act on become form data
 * with their status (403, 404, 409, 422, 429); a lost session redirects to the
 * sign-in page; anything else is rethrown (the error boundary, 500).
 */
export function actionFailure(error: unknown, request: Request, options: ActionErrorOptions) {
  if (!(error instanceof AppError)) throw error;
  if (error.code === 'UNAUTHENTICATED') throw loginRedirect(request);
  const { t } = options;
  const fieldErrors = fieldErrorsOf(error.errors, t);
  let formError: string | null;
  const headers: Record<string, string> = {};
  if (options.messages?.[error.code]) {
    formError = options.messages[error.code] ?? null;
  } else if (error.code === 'RATE_LIMITED') {
    const seconds = Number(error.headers['Retry-After'] ?? '60');
    formError = t('errors.rateLimited', { seconds });
    headers['Retry-After'] = String(seconds);
  } else {
    const key = GENERIC[error.code];
    if (!key) throw error;
    formError = t(key);
  }
  const failure: FormFailure = {
    ok: false,
    formError,
    fieldErrors,
    ...(options.intent ? { intent: options.intent } : {}),
    ...(options.id ? { id: options.id } : {}),
  };
  return data(failure, { status: error.status, headers });
}

/** A validation failure found before calling a service (the zod parse of the form). */
export function invalidForm(failure: FormFailure) {
  return data(failure, { status: 422 });
}
