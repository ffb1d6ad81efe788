import { createRoute, z } from '@hono/zod-openapi';
import { type AppVariables, actorDepsOf, createRouter } from '../../lib/context';
import { idParam, ifMatchHeader, json, problemResponses, withEtag } from '../../lib/openapi';
import { paginationQuery } from '../../lib/pagination';
import { etagOf } from '../../lib/records';
import {
  createdEndpointSchema,
  createEndpointSchema,
  deliveryDetailSchema,
  deliverySchema,
  endpointSchema,
  eventTypeSchema,
  listDeliveriesQuery,
  replayFailedSchema,
  rotatedSecretSchema,
  updateEndpointSchema,
} from './webhooks.schemas';
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  listEventTypes,
  replayDelivery,
  replayFailed,
  rotateSecret,
  sendTestEvent,
  updateEndpoint,
  type WebhookSettings,
} from './webhooks.service';

const TAG = 'Webhooks';

export const webhooksRoutes = createRouter();

function settingsOf(c: { var: AppVariables; env: Env }): WebhookSettings {
  return {
    environment: c.var.config.ENVIRONMENT,
    resolverUrl: c.var.config.WEBHOOK_DNS_RESOLVER_URL,
    queue: c.env.WEBHOOK_DELIVERIES_QUEUE,
  };
}

const deliveryParams = idParam.extend({
  deliveryId: z.uuid().openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

webhooksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'List webhook endpoints with their health (Admins)',
    request: { query: z.object(paginationQuery) },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(endpointSchema), nextCursor: z.string().nullable() })
            .openapi('WebhookEndpointPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listEndpoints(actorDepsOf(c), c.req.valid('query')), 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary: 'Create an endpoint; the response carries its signing secret, shown only once',
    request: { body: { required: true, content: json(createEndpointSchema) } },
    responses: {
      201: { description: 'Created', headers: withEtag, content: json(createdEndpointSchema) },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const created = await createEndpoint(actorDepsOf(c), settingsOf(c), c.req.valid('json'));
    c.header('ETag', etagOf(created.version));
    c.header('Location', `/api/v1/webhooks/${created.id}`);
    c.header('Cache-Control', 'no-store');
    return c.json(created, 201);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/event-types',
    tags: [TAG],
    summary: 'The events an endpoint can subscribe to (wildcards: organisation.*, *.created, *)',
    responses: {
      200: { description: 'Event types', content: json(z.object({ data: z.array(eventTypeSchema) })) },
      ...problemResponses(401, 403),
    },
  }),
  (c) => c.json({ data: listEventTypes(actorDepsOf(c)) }, 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'Get an endpoint',
    request: { params: idParam },
    responses: {
      200: { description: 'The endpoint', headers: withEtag, content: json(endpointSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const endpoint = await getEndpoint(actorDepsOf(c), c.req.valid('param').id);
    c.header('ETag', etagOf(endpoint.version));
    return c.json(endpoint, 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: [TAG],
    summary: 'Update an endpoint; active: true re-enables one the system disabled',
    request: {
      params: idParam,
      headers: ifMatchHeader,
      body: { required: true, content: json(updateEndpointSchema) },
    },
    responses: {
      200: { description: 'Updated', headers: withEtag, content: json(endpointSchema) },
      ...problemResponses(401, 403, 404, 412, 422),
    },
  }),
  async (c) => {
    const updated = await updateEndpoint(
      actorDepsOf(c),
      settingsOf(c),
      c.req.valid('param').id,
      c.req.valid('json'),
      c.req.valid('header')['if-match'],
    );
    c.header('ETag', etagOf(updated.version));
    return c.json(updated, 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: [TAG],
    summary: 'Delete an endpoint and its delivery log',
    request: { params: idParam, headers: ifMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 412) },
  }),
  async (c) => {
    await deleteEndpoint(actorDepsOf(c), c.req.valid('param').id, c.req.valid('header')['if-match']);
    return c.body(null, 204);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/rotate-secret',
    tags: [TAG],
    summary: 'New signing secret; the old one keeps signing (both signatures sent) for 24 h',
    request: { params: idParam },
    responses: {
      200: { description: 'The new secret, shown only now', content: json(rotatedSecretSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await rotateSecret(actorDepsOf(c), c.req.valid('param').id), 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/test',
    tags: [TAG],
    summary: 'Send a webhook.test event to this endpoint',
    request: { params: idParam },
    responses: {
      202: { description: 'Queued', content: json(deliverySchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => c.json(await sendTestEvent(actorDepsOf(c), settingsOf(c), c.req.valid('param').id), 202),
);

webhooksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/deliveries',
    tags: [TAG],
    summary: 'Delivery log of an endpoint, newest first',
    request: { params: idParam, query: listDeliveriesQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(deliverySchema), nextCursor: z.string().nullable() })
            .openapi('WebhookDeliveryPage'),
        ),
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) =>
    c.json(await listDeliveries(actorDepsOf(c), c.req.valid('param').id, c.req.valid('query')), 200),
);

webhooksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/deliveries/replay-failed',
    tags: [TAG],
    summary: 'Replay every failed delivery created since a time',
    request: { params: idParam, body: { required: true, content: json(replayFailedSchema) } },
    responses: {
      202: { description: 'Queued', content: json(z.object({ replayed: z.number().int() })) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(
      await replayFailed(actorDepsOf(c), settingsOf(c), c.req.valid('param').id, c.req.valid('json').since),
      202,
    ),
);

webhooksRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/deliveries/{deliveryId}',
    tags: [TAG],
    summary: 'A delivery, its payload and every attempt',
    request: { params: deliveryParams },
    responses: {
      200: { description: 'The delivery', content: json(deliveryDetailSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    return c.json(await getDelivery(actorDepsOf(c), id, deliveryId), 200);
  },
);

webhooksRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/deliveries/{deliveryId}/replay',
    tags: [TAG],
    summary: 'Send a delivery again (same webhook-id and body, fresh retry schedule)',
    request: { params: deliveryParams },
    responses: {
      202: { description: 'Queued', content: json(deliverySchema) },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    return c.json(await replayDelivery(actorDepsOf(c), settingsOf(c), id, deliveryId), 202);
  },
);
