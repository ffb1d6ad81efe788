import { createRoute } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { json, problemResponses } from '../../lib/openapi';
import { cacheStatsSchema, flushCacheSchema } from './cache.schemas';
import { flushCacheTag, readCacheStats, resetCacheStats } from './cache.service';

const TAG = 'Administration';

export const cacheAdminRoutes = createRouter();

cacheAdminRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/stats',
    tags: [TAG],
    summary: 'Response cache statistics per key prefix: hits, misses, errors, load time (settings:manage)',
    responses: {
      200: { description: 'Statistics', content: json(cacheStatsSchema) },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await readCacheStats(actorDepsOf(c)), 200);
  },
);

cacheAdminRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/stats',
    tags: [TAG],
    summary: 'Reset the cache statistics (settings:manage)',
    responses: { 204: { description: 'Reset' }, ...problemResponses(401, 403, 503) },
  }),
  async (c) => {
    await resetCacheStats(actorDepsOf(c));
    return c.body(null, 204);
  },
);

cacheAdminRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/flush',
    tags: [TAG],
    summary: 'Invalidate every cached answer that depends on a tag (settings:manage)',
    request: { body: { required: true, content: json(flushCacheSchema) } },
    responses: { 204: { description: 'Flushed' }, ...problemResponses(401, 403, 422, 503) },
  }),
  async (c) => {
    await flushCacheTag(actorDepsOf(c), c.req.valid('json').tag);
    return c.body(null, 204);
  },
);
