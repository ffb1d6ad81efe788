import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../../lib/context';
import { checkReadiness } from './health.service';

const dependencyCheck = z.object({
  status: z.enum(['ok', 'down', 'degraded', 'disabled']),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
});

const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    postgres: dependencyCheck.shape.status,
    redis: dependencyCheck.shape.status,
    checks: z.object({ postgres: dependencyCheck, redis: dependencyCheck }),
  })
  .openapi('Readiness');

const liveness = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'Liveness: the worker answers',
  responses: {
    200: {
      description: 'The worker is alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok'), release: z.string() }) } },
    },
  },
});

const readiness = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'Readiness: Postgres and Redis reachable, with latencies',
  responses: {
    200: {
      description: 'Ready (Redis may be degraded)',
      content: { 'application/json': { schema: readinessSchema } },
    },
    503: {
      description: 'Postgres is unreachable',
      content: { 'application/json': { schema: readinessSchema } },
    },
  },
});

export const healthRoutes = createRouter()
  .openapi(liveness, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const, release: c.var.config.RELEASE ?? 'dev' }, 200);
  })
  .openapi(readiness, async (c) => {
    const result = await checkReadiness({ dbHandle: c.var.dbHandle, cache: c.var.cache });
    c.header('Cache-Control', 'no-store');
    const body = {
      status: result.status,
      postgres: result.checks.postgres.status,
      redis: result.checks.redis.status,
      checks: result.checks,
    };
    return result.status === 'ready' ? c.json(body, 200) : c.json(body, 503);
  });
