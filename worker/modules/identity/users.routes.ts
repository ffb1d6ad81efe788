import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, problemResponses } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { emailSchema, newPasswordSchema, userSchema } from './identity.schemas';
import { ROLE_IDS } from './permissions';
import { createUser, getUser, listUsers, updateProfile, updateUser } from './users.service';

const locale = z.enum(['fr', 'en']);

const listQuery = z.object({
  ...paginationQuery,
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Matches name or email' }),
  roleId: z.enum(ROLE_IDS).optional(),
  teamId: z.uuid().optional(),
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
});

const createBody = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1).max(200),
    roleId: z.enum(ROLE_IDS),
    teamId: z.uuid().nullable().optional(),
    locale: locale.optional(),
    password: newPasswordSchema
      .optional()
      .openapi({ description: 'Omit to receive a one-time temporary password' }),
  })
  .openapi('CreateUserRequest');

const updateBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    roleId: z.enum(ROLE_IDS),
    teamId: z.uuid().nullable(),
    active: z.boolean(),
    locale,
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateUserRequest');

const profileBody = z
  .object({ name: z.string().trim().min(1).max(200), locale, theme: z.enum(['light', 'dark', 'system']) })
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateProfileRequest');

const userPage = z
  .object({ data: z.array(userSchema), nextCursor: z.string().nullable() })
  .openapi('UserPage');

export const usersRoutes = createRouter();

usersRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Users'],
    summary: 'List users (directory), sorted by name',
    request: { query: listQuery },
    responses: {
      200: { description: 'A page of users', content: { 'application/json': { schema: userPage } } },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listUsers(actorDepsOf(c), c.req.valid('query')), 200),
);

usersRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Users'],
    summary: 'Create (invite) a user',
    request: { body: { required: true, content: { 'application/json': { schema: createBody } } } },
    responses: {
      201: {
        description: 'Created; `temporaryPassword` is shown once when no password was given',
        content: {
          'application/json': {
            schema: z.object({ user: userSchema, temporaryPassword: z.string().nullable() }),
          },
        },
      },
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => c.json(await createUser(actorDepsOf(c), c.req.valid('json')), 201),
);

usersRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/me',
    tags: ['Users'],
    summary: 'Update your own name, locale and theme',
    request: { body: { required: true, content: { 'application/json': { schema: profileBody } } } },
    responses: {
      200: { description: 'Updated', content: { 'application/json': { schema: userSchema } } },
      ...problemResponses(401, 422),
    },
  }),
  async (c) => c.json(await updateProfile(actorDepsOf(c), c.req.valid('json')), 200),
);

usersRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Users'],
    summary: 'Get a user',
    request: { params: idParam },
    responses: {
      200: { description: 'The user', content: { 'application/json': { schema: userSchema } } },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getUser(actorDepsOf(c), c.req.valid('param').id), 200),
);

usersRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['Users'],
    summary: 'Change role, team, name, locale or deactivate (revokes sessions and tokens)',
    request: {
      params: idParam,
      body: { required: true, content: { 'application/json': { schema: updateBody } } },
    },
    responses: {
      200: { description: 'Updated', content: { 'application/json': { schema: userSchema } } },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await updateUser(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);
