import { createMiddleware } from 'hono/factory';
import { createDbHandle } from '../db/client';
import { createCache } from '../lib/cache';
import { readConfig } from '../lib/config';
import type { AppEnv } from '../lib/context';
import { createLogger } from '../lib/logger';
import { resolveRequestId } from '../lib/request-id';
import { createReporter } from '../lib/sentry';

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
    if (handle.opened) c.executionCtx.waitUntil(handle.close());
    c.header('X-Request-Id', requestId);
    const cache = c.var.cache.stats;
    log.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      userId: c.var.userId,
      ...(cache.hits + cache.misses + cache.errors > 0 ? { cache } : {}),
    });
  }
});
