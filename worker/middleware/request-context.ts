import { createMiddleware } from 'hono/factory';
import { createDbHandle } from '../db/client';
import { createCache, runWithCache } from '../lib/cache';
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
  const cache = createCache(config, log, (work) => c.executionCtx.waitUntil(work));
  c.set('cache', cache);
  c.set(
    'dbHandle',
    createDbHandle({
      databaseUrl: config.DATABASE_URL,
      wsProxy: config.NEON_WS_PROXY,
      log,
    }),
  );

  try {
    await runWithCache(cache, next);
  } finally {
    // After commit, before the response: the writer's next read sees the write.
    await cache.flushChanges();
    cache.flushStats();
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
    const cacheStats = cache.stats;
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
      ...(cacheStats.hits + cacheStats.misses + cacheStats.errors > 0 ? { cache: cacheStats } : {}),
    });
  }
});
