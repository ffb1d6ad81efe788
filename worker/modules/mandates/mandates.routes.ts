import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import { listTimeline, timelinePageSchema } from '../timeline/timeline.service';
import {
  createMandateSchema,
  listMandatesQuery,
  mandateSchema,
  transitionSchema,
  updateMandateSchema,
} from './mandates.schemas';
import {
  createMandate,
  deleteMandate,
  getMandate,
  listMandates,
  restoreMandate,
  transitionMandate,
  updateMandate,
} from './mandates.service';

const TAG = 'Mandates';

export const mandatesRoutes = createRouter();

mandatesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List mandates in your scope (keyset pagination, filters, sort)',
    request: { query: listMandatesQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(mandateSchema), nextCursor: z.string().nullable() })
            .openapi('MandatePage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listMandates(actorDepsOf(c), c.req.valid('query')), 200),
);

mandatesRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Create a draft mandate for an organisation you can see; its number is generated (M-2026-001)',
    request: { body: { required: true, content: json(createMandateSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(mandateSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createMandate(actorDepsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/mandates/${created.id}`);
    return c.json(created, 201);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get a mandate',
    request: { params: idParam },
    responses: {
      200: { description: 'The mandate', headers: withEtag, content: json(mandateSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const mandate = await getMandate(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(mandate.version));
    return c.json(mandate, 200);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update fields (not the status: see /transition); If-Match avoids lost updates (412)',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateMandateSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(mandateSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateMandate(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/transition',
    tags: [TAG],
    summary:
      'Move along the lifecycle draft → proposed → signed → active → terminated | expired, stamping its date',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(transitionSchema) },
    },
    responses: {
      200: { description: 'Transitioned', headers: withEtag, content: json(mandateSchema) },
      ...problemResponses(401, 403, 404, 409, 412, 422),
    },
  }),
  async (c) => {
    const mandate = await transitionMandate(
      actorDepsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(mandate.version));
    return c.json(mandate, 200);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Move a mandate to the bin (restorable)',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteMandate(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/restore',
    tags: [TAG],
    summary: 'Restore a deleted mandate',
    request: { params: idParam },
    responses: {
      200: { description: 'Restored', headers: withEtag, content: json(mandateSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const restored = await restoreMandate(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(restored.version));
    return c.json(restored, 200);
  },
);

mandatesRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/timeline',
    tags: [TAG],
    summary: "A mandate's history: creates, updates, status changes, deletes and restores",
    request: { params: idParam, query: z.object(paginationQuery) },
    responses: {
      200: { description: 'Newest first', content: json(timelinePageSchema) },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const deps = actorDepsOf(c);
    const { id } = c.req.valid('param');
    await getMandate(deps, id);
    return c.json(await listTimeline(deps.db, 'mandate', id, c.req.valid('query')), 200);
  },
);
