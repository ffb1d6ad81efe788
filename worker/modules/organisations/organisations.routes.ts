import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import { listTimeline, timelinePageSchema } from '../timeline/timeline.service';
import {
  createOrganisationSchema,
  listOrganisationsQuery,
  organisationSchema,
  updateOrganisationSchema,
} from './organisations.schemas';
import {
  createOrganisation,
  deleteOrganisation,
  getOrganisation,
  listOrganisations,
  restoreOrganisation,
  updateOrganisation,
} from './organisations.service';

const TAG = 'Organisations';

export const organisationsRoutes = createRouter();

organisationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List organisations in your scope (keyset pagination, filters, sort)',
    request: { query: listOrganisationsQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(organisationSchema), nextCursor: z.string().nullable() })
            .openapi('OrganisationPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listOrganisations(actorDepsOf(c), c.req.valid('query')), 200),
);

organisationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Create an organisation (owned by you, in your team unless reassigned)',
    request: { body: { required: true, content: json(createOrganisationSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(organisationSchema) },
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => {
    const created = await createOrganisation(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/organisations/${created.id}`);
    return c.json(created, 201);
  },
);

organisationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get an organisation',
    request: { params: idParam },
    responses: {
      200: { description: 'The organisation', headers: withEtag, content: json(organisationSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const organisation = await getOrganisation(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(organisation.version));
    return c.json(organisation, 200);
  },
);

organisationsRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update fields; send If-Match to avoid overwriting a concurrent change (412)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateOrganisationSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(organisationSchema) },
      ...problemResponses(401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateOrganisation(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

organisationsRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move an organisation to the bin (restorable)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteOrganisation(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

organisationsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted organisation',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(organisationSchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const restored = await restoreOrganisation(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

organisationsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/timeline',
    tags: [TAG],
    summary: "An organisation's history: creates, updates, stage changes, deletes and restores",
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: {
      200: { description: 'Newest first', content: json(timelinePageSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const { id } = c.req.valid('param');
    await getOrganisation(deps, id);
    return c.json(await listTimeline(deps.db, 'organisation', id, c.req.valid('query')), 200);
  },
);
