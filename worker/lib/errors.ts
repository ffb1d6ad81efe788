/**
 * The one error path of the API: every failure becomes an {@link AppError}
 * with a code from a closed set, rendered as RFC 9457 problem+json.
 */

export const ERROR_CODES = {
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_FAILED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
  MISCONFIGURED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode];

const TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Bad request',
  MALFORMED_JSON: 'Malformed JSON body',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  VALIDATION_FAILED: 'Validation failed',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal server error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  MISCONFIGURED: 'Service misconfigured',
};

export function codeToStatus(code: ErrorCode): ErrorStatus {
  return ERROR_CODES[code];
}

/** One invalid input field; `path` is a JSON-pointer-like dotted path (`address.city`, `tags.2`). */
export interface FieldError {
  path: string;
  message: string;
  code: string;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra response headers, e.g. `Allow` for 405 or `Retry-After` for 429. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ErrorStatus;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? TITLES[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = codeToStatus(code);
    this.detail = options.detail ?? TITLES[code];
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem `type` URIs are stable documentation anchors, one per code. */
export function problemType(code: ErrorCode): string {
  return `https://docs.alforis.example/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblem(error: AppError, requestId: string, instance: string): Problem {
  const problem: Problem = {
    type: problemType(error.code),
    title: TITLES[error.code],
    status: error.status,
    detail: error.detail,
    instance,
    code: error.code,
    requestId,
  };
  if (error.errors && error.errors.length > 0) problem.errors = error.errors;
  return problem;
}

export function problemResponse(error: AppError, requestId: string, instance: string): Response {
  const headers = new Headers(error.headers);
  headers.set('Content-Type', PROBLEM_CONTENT_TYPE);
  headers.set('X-Request-Id', requestId);
  headers.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(toProblem(error, requestId, instance)), {
    status: error.status,
    headers,
  });
}

interface IssueLike {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** Converts zod issues into field errors with dotted paths. */
export function fieldErrorsFromIssues(issues: readonly IssueLike[]): FieldError[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

export function validationError(issues: readonly IssueLike[], detail?: string): AppError {
  const errors = fieldErrorsFromIssues(issues);
  return new AppError('VALIDATION_FAILED', {
    detail: detail ?? `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation`,
    errors,
  });
}

/** True when a database error (drizzle wraps the driver's in `cause`) names this unique constraint. */
export function violatesConstraint(error: unknown, constraint: string): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return `${error instanceof Error ? error.message : ''} ${String(cause ?? '')}`.includes(constraint);
}
