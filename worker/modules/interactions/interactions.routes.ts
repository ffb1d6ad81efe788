import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import { listTimeline, timelinePageSchema } from '../timeline/timeline.service';
import {
  createInteractionSchema,
  interactionSchema,
  listInteractionsQuery,
  updateInteractionSchema,
} from './interactions.schemas';
import {
  createInteraction,
  deleteInteraction,
  getInteraction,
  listInteractions,
  restoreInteraction,
  updateInteraction,
} from './interactions.service';

const TAG = 'Interactions';

export const interactionsRoutes = createRouter();

interactionsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List calls, meetings, emails, notes and events in your scope (newest first by default)',
    request: { query: listInteractionsQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(interactionSchema), nextCursor: z.string().nullable() })
            .openapi('InteractionPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listInteractions(actorDepsOf(c), c.req.valid('query')), 200),
);

interactionsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Log an interaction, optionally about an organisation and a mandate, with participants',
    request: { body: { required: true, content: json(createInteractionSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(interactionSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createInteraction(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/interactions/${created.id}`);
    return c.json(created, 201);
  },
);

interactionsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get an interaction with its participants',
    request: { params: idParam },
    responses: {
      200: { description: 'The interaction', headers: withEtag, content: json(interactionSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const interaction = await getInteraction(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(interaction.version));
    return c.json(interaction, 200);
  },
);

interactionsRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update fields; participants, when sent, replace the list; If-Match avoids lost updates (412)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateInteractionSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(interactionSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateInteraction(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

interactionsRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move an interaction to the bin (restorable)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteInteraction(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

interactionsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted interaction',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(interactionSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const restored = await restoreInteraction(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

interactionsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/timeline',
    tags: [TAG],
    summary: "An interaction's history: creates, updates, deletes and restores",
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: {
      200: { description: 'Newest first', content: json(timelinePageSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const { id } = c.req.valid('param');
    await getInteraction(deps, id);
    return c.json(await listTimeline(deps.db, 'interaction', id, c.req.valid('query')), 200);
  },
);
