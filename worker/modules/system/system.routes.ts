import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../../lib/context';
import { problemResponses } from '../../lib/openapi';
import { readSystemInfo } from './system.service';

const systemInfoSchema = z
  .object({
    release: z.string().openapi({ example: 'dev' }),
    environment: z.string().openapi({ example: 'development' }),
    migrations: z.number().int().openapi({ example: 2 }),
    databaseTime: z.iso.datetime().openapi({ example: '2026-11-22T08:00:00.000Z' }),
  })
  .openapi('SystemInfo');

const getInfo = createRoute({
  method: 'get',
  path: '/info',
  tags: ['Operations'],
  summary: 'Release, environment and applied schema migrations',
  responses: {
    200: { description: 'System information', content: { 'application/json': { schema: systemInfoSchema } } },
    ...problemResponses(503),
  },
});

export const systemRoutes = createRouter().openapi(getInfo, async (c) => {
  const info = await readSystemInfo(c.var.dbHandle.db);
  return c.json(
    { release: c.var.config.RELEASE ?? 'dev', environment: c.var.config.ENVIRONMENT, ...info },
    200,
  );
});
