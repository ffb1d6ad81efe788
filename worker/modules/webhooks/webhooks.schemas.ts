import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { SUBSCRIPTION_PATTERN, subscriptionMatchesAny, WEBHOOK_EVENT_TYPES } from './webhooks.events';

const subscription = z
  .string()
  .trim()
  .regex(SUBSCRIPTION_PATTERN, 'An event name (organisation.created), entity.* , *.action or *')
  .refine(subscriptionMatchesAny, 'Matches no event; see GET /api/v1/webhooks/event-types');

const endpointInput = z.object({
  url: z
    .string()
    .trim()
    .max(2_000)
    .openapi({ example: 'https://partner.example/webhooks/alforis', description: 'https in production' }),
  description: z.string().trim().max(500).nullable().optional(),
  events: z
    .array(subscription)
    .min(1)
    .max(50)
    .openapi({ example: ['organisation.*', 'mandate.signed', '*.created'] }),
  active: z.boolean().optional().openapi({ description: 'Default true' }),
  rateLimitPerSecond: z
    .number()
    .int()
    .min(1)
    .max(1_000)
    .nullable()
    .optional()
    .openapi({ description: 'Deliveries per second to this endpoint; null: no limit' }),
  ed25519: z
    .boolean()
    .optional()
    .openapi({ description: 'Also sign with an Ed25519 key pair (v1a); its public key is in the response' }),
});

export const createEndpointSchema = endpointInput.openapi('CreateWebhookEndpoint');
export const updateEndpointSchema = endpointInput
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'Nothing to update')
  .openapi('UpdateWebhookEndpoint');
export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

export const endpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    active: z.boolean(),
    disabledReason: z.enum(['gone', 'failing']).nullable(),
    disabledAt: z.iso.datetime().nullable(),
    rateLimitPerSecond: z.number().int().nullable(),
    publicKey: z
      .string()
      .nullable()
      .openapi({ description: 'whpk_… Ed25519 public key, when v1a signing is on' }),
    previousSecretExpiresAt: z.iso
      .datetime()
      .nullable()
      .openapi({ description: 'Until then the rotated-out secret signs too' }),
    health: z.object({
      lastStatusCode: z.number().int().nullable(),
      lastAttemptAt: z.iso.datetime().nullable(),
      lastSuccessAt: z.iso.datetime().nullable(),
      failingSince: z.iso.datetime().nullable(),
      consecutiveFailures: z.number().int(),
    }),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('WebhookEndpoint');

export const createdEndpointSchema = endpointSchema
  .extend({
    secret: z.string().openapi({ description: 'whsec_… signing secret, shown only now', example: 'whsec_…' }),
  })
  .openapi('CreatedWebhookEndpoint');

export const rotatedSecretSchema = z
  .object({
    secret: z.string().openapi({ description: 'The new whsec_… secret, shown only now' }),
    previousSecretExpiresAt: z.iso.datetime(),
  })
  .openapi('RotatedWebhookSecret');

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const attemptSchema = z
  .object({
    id: z.uuid(),
    attempt: z.number().int(),
    startedAt: z.iso.datetime(),
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable(),
    responseBody: z.string().nullable(),
    error: z.string().nullable(),
    outcome: z.enum(['delivered', 'retry', 'failed', 'disabled']),
    retryInSeconds: z.number().int().nullable(),
  })
  .openapi('WebhookAttempt');

export const deliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.uuid(),
    eventType: z.string(),
    webhookId: z.string().openapi({ description: 'The webhook-id header, the same on every attempt' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('WebhookDelivery');

export const deliveryDetailSchema = deliverySchema
  .extend({ payload: z.string().openapi({ description: 'The JSON body sent' }), log: z.array(attemptSchema) })
  .openapi('WebhookDeliveryDetail');

export const listDeliveriesQuery = z.object({
  ...paginationQuery,
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().max(100).optional(),
  since: z.iso.datetime().optional().openapi({ description: 'Created at or after' }),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const replayFailedSchema = z
  .object({
    since: z.iso.datetime().openapi({ description: 'Replays failed deliveries created since then' }),
  })
  .openapi('ReplayFailedWebhooks');

export const eventTypeSchema = z
  .object({ type: z.enum(WEBHOOK_EVENT_TYPES), description: z.string() })
  .openapi('WebhookEventType');
