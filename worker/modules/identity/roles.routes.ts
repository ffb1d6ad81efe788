import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, actorOf, createRouter } from '../../lib/context';
import { problemResponses } from '../../lib/openapi';
import { assertPermission } from './actor';
import { permissionSchema } from './identity.schemas';
import {
  ACTION_DESCRIPTIONS,
  ACTIONS,
  type Permission,
  RESOURCE_DESCRIPTIONS,
  RESOURCES,
  ROLE_IDS,
} from './permissions';
import { getRole, listRoles, replaceRolePermissions } from './roles.service';

const roleSchema = z
  .object({
    id: z.enum(ROLE_IDS),
    name: z.string(),
    level: z.number().int(),
    description: z.string(),
    scope: z.enum(['own', 'team', 'all']),
    permissions: z.array(z.string()),
  })
  .openapi('Role');

const idParam = z.object({ id: z.enum(ROLE_IDS).openapi({ param: { name: 'id', in: 'path' } }) });

export const rolesRoutes = createRouter();

rolesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Roles & permissions'],
    summary: 'Roles with their permissions',
    responses: {
      200: {
        description: 'The four roles',
        content: {
          'application/json': { schema: z.object({ data: z.array(roleSchema), nextCursor: z.null() }) },
        },
      },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ data: await listRoles(actorDepsOf(c)), nextCursor: null }, 200),
);

rolesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Roles & permissions'],
    summary: 'One role with its permissions',
    request: { params: idParam },
    responses: {
      200: { description: 'The role', content: { 'application/json': { schema: roleSchema } } },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getRole(actorDepsOf(c), c.req.valid('param').id), 200),
);

rolesRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/permissions',
    tags: ['Roles & permissions'],
    summary: "Replace a role's permissions",
    description:
      'Takes effect on the next request of every user with the role. The Admin role keeps roles and users administration.',
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ permissions: z.array(permissionSchema).max(200) })
              .openapi('ReplacePermissionsRequest'),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'The role after the change',
        content: { 'application/json': { schema: roleSchema } },
      },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(
      await replaceRolePermissions(
        actorDepsOf(c),
        c.req.valid('param').id,
        c.req.valid('json').permissions as Permission[],
      ),
      200,
    ),
);

export const permissionsRoutes = createRouter();

permissionsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Roles & permissions'],
    summary: 'The permission catalogue: resources × actions',
    responses: {
      200: {
        description: 'Catalogue',
        content: {
          'application/json': {
            schema: z.object({
              resources: z.array(z.object({ id: z.string(), description: z.string() })),
              actions: z.array(z.object({ id: z.string(), description: z.string() })),
            }),
          },
        },
      },
      ...problemResponses(401, 403),
    },
  }),
  (c) => {
    assertPermission(actorOf(c), 'roles', 'read');
    return c.json(
      {
        resources: RESOURCES.map((id) => ({ id, description: RESOURCE_DESCRIPTIONS[id] })),
        actions: ACTIONS.map((id) => ({ id, description: ACTION_DESCRIPTIONS[id] })),
      },
      200,
    );
  },
);
