import { createMiddleware } from 'hono/factory';
import { createDbHandle } from '../db/client';
import { createCache } from '../lib/cache';
import { readConfig } from '../lib/config';
import type { AppEnv } from '../lib/context';
import { createLogger } from '../lib/logger';
import { resolveRequestId } from '../lib/request-id';
import { createReporter } from '../lib/sentry';

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Builds the request's dependencies and writes exactly one access-log line per
 * request, after the response is known (including error responses).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const requestId = resolveRequestId(c.req.header('X-Request-Id'));
  c.set('requestId', requestId);
  const config = readConfig(c.env);
  const log = createLogger(config.LOG_LEVEL, { requestId });
  c.set('config', config);
  c.set('log', log);
  c.set('reporter', createReporter(config, c.executionCtx, c.req.raw));
  c.set('cache', createCache(config, log));
  c.set(
    'dbHandle',
    createDbHandle({
      databaseUrl: config.DATABASE_URL,
      wsProxy: config.NEON_WS_PROXY,
      log,
    }),
  );

  try {
    await next();
  } finally {
    const handle = c.var.dbHandle;
    // Background statements (e.g. last_seen_at) run even when no pool was opened.
    c.executionCtx.waitUntil(handle.close());
    c.header('X-Request-Id', requestId);
    const durationMs = round(performance.now() - started);
    const db = handle.stats;
    if (config.ENVIRONMENT !== 'production') {
      // For the bench and the browser's network panel: where the request's time went.
      c.header(
        'Server-Timing',
        [
          `app;dur=${durationMs}`,
          `db;dur=${round(db.statementMs)};desc="${db.statements} statements over HTTP"`,
          `tx;dur=${round(db.transactionMs)};desc="${db.transactions} transactions"`,
        ].join(', '),
      );
    }
    const cache = c.var.cache.stats;
    log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs,
      userId: c.var.userId,
      ...(db.statements + db.transactions > 0
        ? {
            db: {
              statements: db.statements,
              statementMs: round(db.statementMs),
              transactions: db.transactions,
              transactionMs: round(db.transactionMs),
            },
          }
        : {}),
      ...(cache.hits + cache.misses + cache.errors > 0 ? { cache } : {}),
    });
  }
});
