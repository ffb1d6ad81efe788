import { webhookDeliveries, webhookEndpoints } from '../../../worker/db/schema';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import { generateSecret } from '../../../worker/modules/webhooks/webhooks.signing';
import { json, type MatrixContext, type MatrixRoute } from '../support/authorization-matrix';
import { testDbHandle } from '../support/helpers';

/** Webhooks are an Admin concern (settings:manage): everyone else gets 403, whatever the record. */
const adminsOnly =
  (status: number) =>
  (role: RoleId): number =>
    role === 'admin' ? status : 403;

/** An endpoint (pointing at a closed local port: nothing is really sent) and one failed delivery. */
async function endpointWithDelivery(ctx: MatrixContext): Promise<{ id: string; deliveryId: string }> {
  const handle = testDbHandle(ctx.fx.databaseUrl);
  try {
    const [endpoint] = await handle.db
      .insert(webhookEndpoints)
      .values({ url: 'http://127.0.0.1:9/matrix', events: ['*'], secret: generateSecret() })
      .returning({ id: webhookEndpoints.id });
    if (!endpoint) throw new Error('no endpoint');
    const eventId = crypto.randomUUID();
    const [delivery] = await handle.db
      .insert(webhookDeliveries)
      .values({
        endpointId: endpoint.id,
        eventId,
        eventType: 'organisation.created',
        messageId: `msg_${eventId.replaceAll('-', '')}`,
        body: '{}',
        status: 'failed',
      })
      .returning({ id: webhookDeliveries.id });
    if (!delivery) throw new Error('no delivery');
    return { id: endpoint.id, deliveryId: delivery.id };
  } finally {
    await handle.close();
  }
}

const base = '/api/v1/webhooks';

export const WEBHOOK_ROUTES: MatrixRoute[] = [
  { route: 'GET /api/v1/webhooks', request: () => ({ path: base }), expect: adminsOnly(200) },
  {
    route: 'POST /api/v1/webhooks',
    request: () => ({
      path: base,
      init: json('POST', { url: 'http://127.0.0.1:9/matrix', events: ['organisation.*'] }),
    }),
    expect: adminsOnly(201),
  },
  {
    route: 'GET /api/v1/webhooks/event-types',
    request: () => ({ path: `${base}/event-types` }),
    expect: adminsOnly(200),
  },
  {
    route: 'GET /api/v1/webhooks/{id}',
    request: async (ctx) => ({ path: `${base}/${(await endpointWithDelivery(ctx)).id}` }),
    expect: adminsOnly(200),
  },
  {
    route: 'PATCH /api/v1/webhooks/{id}',
    request: async (ctx) => ({
      path: `${base}/${(await endpointWithDelivery(ctx)).id}`,
      init: json('PATCH', { description: 'Changed' }),
    }),
    expect: adminsOnly(200),
  },
  {
    route: 'DELETE /api/v1/webhooks/{id}',
    request: async (ctx) => ({
      path: `${base}/${(await endpointWithDelivery(ctx)).id}`,
      init: { method: 'DELETE' },
    }),
    expect: adminsOnly(204),
  },
  {
    route: 'POST /api/v1/webhooks/{id}/rotate-secret',
    request: async (ctx) => ({
      path: `${base}/${(await endpointWithDelivery(ctx)).id}/rotate-secret`,
      init: { method: 'POST' },
    }),
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/v1/webhooks/{id}/test',
    request: async (ctx) => ({
      path: `${base}/${(await endpointWithDelivery(ctx)).id}/test`,
      init: { method: 'POST' },
    }),
    expect: adminsOnly(202),
  },
  {
    route: 'GET /api/v1/webhooks/{id}/deliveries',
    request: async (ctx) => ({ path: `${base}/${(await endpointWithDelivery(ctx)).id}/deliveries` }),
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/v1/webhooks/{id}/deliveries/replay-failed',
    request: async (ctx) => ({
      path: `${base}/${(await endpointWithDelivery(ctx)).id}/deliveries/replay-failed`,
      init: json('POST', { since: new Date(Date.now() - 3_600_000).toISOString() }),
    }),
    expect: adminsOnly(202),
  },
  {
    route: 'GET /api/v1/webhooks/{id}/deliveries/{deliveryId}',
    request: async (ctx) => {
      const { id, deliveryId } = await endpointWithDelivery(ctx);
      return { path: `${base}/${id}/deliveries/${deliveryId}` };
    },
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    request: async (ctx) => {
      const { id, deliveryId } = await endpointWithDelivery(ctx);
      return { path: `${base}/${id}/deliveries/${deliveryId}/replay`, init: { method: 'POST' } };
    },
    expect: adminsOnly(202),
  },
];
