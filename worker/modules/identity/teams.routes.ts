import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, problemResponses } from '../../lib/openapi';
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from './teams.service';

const teamSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    managerId: z.uuid().nullable(),
    memberCount: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Team');

const teamBody = z.object({
  name: z.string().trim().min(1).max(120),
  managerId: z.uuid().nullable().optional(),
});

export const teamsRoutes = createRouter();

teamsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Teams'],
    summary: 'List teams',
    responses: {
      200: {
        description: 'All teams',
        content: {
          'application/json': { schema: z.object({ data: z.array(teamSchema), nextCursor: z.null() }) },
        },
      },
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ data: await listTeams(actorDepsOf(c)), nextCursor: null }, 200),
);

teamsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Teams'],
    summary: 'Create a team',
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: teamBody.openapi('CreateTeamRequest') } },
      },
    },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: teamSchema } } },
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => c.json(await createTeam(actorDepsOf(c), c.req.valid('json')), 201),
);

teamsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Teams'],
    summary: 'Get a team',
    request: { params: idParam },
    responses: {
      200: { description: 'The team', content: { 'application/json': { schema: teamSchema } } },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getTeam(actorDepsOf(c), c.req.valid('param').id), 200),
);

teamsRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['Teams'],
    summary: 'Rename a team or change its manager',
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: teamBody
              .partial()
              .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
              .openapi('UpdateTeamRequest'),
          },
        },
      },
    },
    responses: {
      200: { description: 'Updated', content: { 'application/json': { schema: teamSchema } } },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => c.json(await updateTeam(actorDepsOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
);

teamsRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['Teams'],
    summary: 'Delete an empty team',
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteTeam(actorDepsOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  },
);
