import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { problemResponses } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { listAuditLog } from './audit.service';

const entrySchema = z
  .object({
    id: z.uuid(),
    actorId: z.uuid().nullable(),
    action: z.string().openapi({ example: 'user.updated' }),
    targetType: z.string(),
    targetId: z.string().nullable(),
    changes: z.unknown().nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('AuditEntry');

export const auditRoutes = createRouter();

auditRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Audit'],
    summary: 'Audit log of authentication and administration, newest first',
    request: {
      query: z.object({
        ...paginationQuery,
        actorId: z.uuid().optional(),
        targetType: z.string().max(50).optional(),
        targetId: z.string().max(100).optional(),
      }),
    },
    responses: {
      200: {
        description: 'A page of entries',
        content: {
          'application/json': {
            schema: z.object({ data: z.array(entrySchema), nextCursor: z.string().nullable() }),
          },
        },
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listAuditLog(actorDepsOf(c), c.req.valid('query')), 200),
);
