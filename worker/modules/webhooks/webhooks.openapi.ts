import { z } from '@hono/zod-openapi';
import type { AppRouter } from '../../lib/context';
import { EVENT_DESCRIPTIONS, MAX_PAYLOAD_BYTES, WEBHOOK_EVENT_TYPES } from './webhooks.events';

const headers = z.object({
  'webhook-id': z.string().openapi({
    example: 'msg_2c1f0f3c9d8e4b7a9f1e6d5c4b3a2910',
    description: 'Unique per event; the same on every retry and replay: deduplicate on it',
  }),
  'webhook-timestamp': z.string().openapi({
    example: '1795000000',
    description: 'Unix seconds of this attempt; reject if more than 5 min off',
  }),
  'webhook-signature': z.string().openapi({
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1a,hnO5…',
    description:
      'Space-separated signatures of `{webhook-id}.{webhook-timestamp}.{body}`: v1 = HMAC-SHA256 with the whsec_ secret (two during a rotation), v1a = Ed25519',
  }),
});

/**
 * Describes every partner event in the OpenAPI document's `webhooks` section
 * (OpenAPI 3.1): the request we POST and the answers we understand.
 */
export function registerWebhookDocs(app: AppRouter): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const [entity] = type.split('.');
    const payload = z
      .object({
        type: z.literal(type),
        timestamp: z.iso.datetime().openapi({ description: 'When the change happened' }),
        data: z
          .object({ id: z.uuid() })
          .catchall(z.unknown())
          .openapi({
            description: `The ${entity}'s main fields${type.endsWith('.updated') ? ' and `changes` (before/after per field)' : ''}; \`truncated: true\` when cut to stay under ${MAX_PAYLOAD_BYTES / 1000} kB`,
          }),
      })
      .openapi(`WebhookEvent_${type.replace('.', '_')}`);
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['Webhooks'],
      summary: EVENT_DESCRIPTIONS[type],
      request: { headers, body: { required: true, content: { 'application/json': { schema: payload } } } },
      responses: {
        200: { description: 'Any 2xx: delivered' },
        410: { description: 'Gone: the endpoint is disabled, no more deliveries' },
        429: {
          description:
            'Retried after Retry-After (also 503); any other status, timeout (15 s) or redirect is retried on the schedule',
        },
      },
    });
  }
}
