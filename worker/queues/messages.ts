import { z } from 'zod';

/**
 * Every queue message is an envelope with a stable `id` (the idempotency key:
 * consumers must tolerate at-least-once delivery) and a `type` routing it to a handler.
 */
export const envelopeSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
});

export const heartbeatSchema = envelopeSchema.extend({
  type: z.literal('system.heartbeat'),
  source: z.string().min(1).max(100),
  scheduledAt: z.iso.datetime(),
});

export type Envelope = z.infer<typeof envelopeSchema>;
export type HeartbeatMessage = z.infer<typeof heartbeatSchema>;

export function heartbeatMessage(source: string, scheduledTime: number): HeartbeatMessage {
  return {
    id: `heartbeat:${source}:${scheduledTime}`,
    type: 'system.heartbeat',
    source,
    scheduledAt: new Date(scheduledTime).toISOString(),
  };
}

/** A domain event from the transactional outbox (organisation.created, mandate.signed, …). */
export const domainEventSchema = envelopeSchema.extend({
  type: z.string().regex(/^[a-z_]+\.[a-z_]+$/),
  entityType: z.string(),
  entityId: z.uuid(),
  actorId: z.uuid().nullable(),
  ownerId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.iso.datetime(),
});

export type DomainEventMessage = z.infer<typeof domainEventSchema>;
