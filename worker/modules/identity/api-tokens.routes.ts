import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { problemResponses } from '../../lib/openapi';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens.service';
import { permissionSchema } from './identity.schemas';
import type { Permission } from './permissions';

const apiTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ example: 'alt_Xy12ab' }),
    scopes: z.array(z.string()),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('ApiToken');

const createBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z
      .array(permissionSchema)
      .max(100)
      .optional()
      .openapi({ description: 'Defaults to all your permissions' }),
    expiresInDays: z.number().int().min(1).max(730).nullable().optional(),
  })
  .openapi('CreateApiTokenRequest');

export const apiTokensRoutes = createRouter();

apiTokensRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['API tokens'],
    summary: 'Your personal API tokens (secrets are never shown again)',
    responses: {
      200: {
        description: 'Tokens',
        content: {
          'application/json': { schema: z.object({ data: z.array(apiTokenSchema), nextCursor: z.null() }) },
        },
      },
      ...problemResponses(401),
    },
  }),
  async (c) => c.json({ data: await listApiTokens(actorDepsOf(c)), nextCursor: null }, 200),
);

apiTokensRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['API tokens'],
    summary: 'Create a personal API token; the secret is in this response only',
    request: { body: { required: true, content: { 'application/json': { schema: createBody } } } },
    responses: {
      201: {
        description: 'Created',
        content: {
          'application/json': { schema: z.object({ token: z.string(), apiToken: apiTokenSchema }) },
        },
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const result = await createApiToken(actorDepsOf(c), {
      ...body,
      scopes: body.scopes as Permission[] | undefined,
    });
    c.header('Cache-Control', 'no-store');
    return c.json(result, 201);
  },
);

apiTokensRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['API tokens'],
    summary: 'Revoke one of your tokens',
    request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
    responses: { 204: { description: 'Revoked' }, ...problemResponses(401, 404) },
  }),
  async (c) => {
    await revokeApiToken(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
