import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';
import { dispatchOutboxSoon } from '../modules/outbox/outbox.service';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * After a successful write, try to move its outbox events to the queue right
 * away (after the response); the cron sweep catches whatever this misses.
 */
export const dispatchOutboxAfterWrites = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (WRITES.has(c.req.method) && c.res.status < 300 && c.var.dbHandle.opened) {
    dispatchOutboxSoon(c.var.dbHandle, c.env.DOMAIN_EVENTS_QUEUE, c.var.log);
  }
});
