import { Toucan } from 'toucan-js';
import type { Config } from './config';
import { redact } from './logger';

/** What the app needs from an error reporter; `null` means reporting is off. */
export interface ErrorReporter {
  captureException(error: unknown, context: { requestId: string; userId?: string }): void;
}

const ALLOWED_HEADERS = ['user-agent', 'content-type', 'content-length', 'accept', 'x-request-id', 'cf-ray'];

/**
 * Creates a Sentry client for one request or one batch, or `null` without a DSN.
 * Toucan is per-request by design: it holds the request's scope.
 */
export function createReporter(
  config: Config,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  request?: Request,
): ErrorReporter | null {
  if (!config.SENTRY_DSN) return null;
  const sentry = new Toucan({
    dsn: config.SENTRY_DSN,
    context: ctx,
    request,
    environment: config.ENVIRONMENT,
    release: config.RELEASE,
    // Every error is reported; the trace sample rate is set per environment in wrangler.toml.
    sampleRate: 1,
    tracesSampleRate: config.SENTRY_TRACES_SAMPLE_RATE,
    requestDataOptions: {
      allowedHeaders: ALLOWED_HEADERS,
      allowedCookies: false,
      allowedSearchParams: /^(?!.*(token|key|secret|password)).*$/i,
      allowedIps: false,
    },
    beforeSend: (event) => {
      if (event.request) {
        delete event.request.cookies;
        delete event.request.data;
        if (event.request.headers) {
          event.request.headers = redact(event.request.headers) as Record<string, string>;
        }
      }
      if (event.extra) event.extra = redact(event.extra) as Record<string, unknown>;
      return event;
    },
  });
  return {
    captureException(error, context) {
      sentry.setTag('request_id', context.requestId);
      if (context.userId) sentry.setUser({ id: context.userId });
      sentry.captureException(error);
    },
  };
}
