import type { DomainEventMessage } from '../../queues/messages';

/**
 * The events partners can subscribe to. Their names are those of the domain
 * events they come from; other domain events (restores, GDPR erasures,
 * affiliations…) stay internal.
 */
export const WEBHOOK_EVENT_TYPES = [
  'organisation.created',
  'organisation.updated',
  'organisation.deleted',
  'organisation.stage_changed',
  'person.created',
  'person.updated',
  'person.deleted',
  'mandate.created',
  'mandate.updated',
  'mandate.signed',
  'mandate.status_changed',
  'interaction.created',
  'task.created',
  'task.updated',
  'task.completed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by `POST /webhooks/{id}/test` to that endpoint only, whatever it subscribes to. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'organisation.created': 'An organisation was created',
  'organisation.updated': 'Fields of an organisation changed (`data.changes` lists them)',
  'organisation.deleted': 'An organisation was moved to the bin',
  'organisation.stage_changed': 'An organisation moved to another pipeline stage',
  'person.created': 'A person was created',
  'person.updated': 'Fields of a person changed (`data.changes` lists them)',
  'person.deleted': 'A person was moved to the bin',
  'mandate.created': 'A mandate was created',
  'mandate.updated': 'Fields of a mandate changed',
  'mandate.signed': 'A mandate was signed',
  'mandate.status_changed': 'A mandate moved to another status',
  'interaction.created': 'A call, meeting, email, note or event was logged',
  'task.created': 'A task was created',
  'task.updated': 'Fields of a task changed',
  'task.completed': 'A task was completed',
};

const ENTITY_PATTERN = '[a-z_]+';
/** A subscription: an event name, `entity.*`, `*.action` or `*`. */
export const SUBSCRIPTION_PATTERN = new RegExp(`^(\\*|(${ENTITY_PATTERN}|\\*)\\.(${ENTITY_PATTERN}|\\*))$`);

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);
}

/** True when the subscription names an existing event, directly or through a wildcard. */
export function subscriptionMatchesAny(subscription: string): boolean {
  return WEBHOOK_EVENT_TYPES.some((type) => subscriptionMatches(subscription, type));
}

export function subscriptionMatches(subscription: string, type: string): boolean {
  if (subscription === '*' || subscription === type) return true;
  const [entity, action] = subscription.split('.');
  const [typeEntity, typeAction] = type.split('.');
  return (entity === '*' || entity === typeEntity) && (action === '*' || action === typeAction);
}

export function endpointWants(subscriptions: readonly string[], type: string): boolean {
  return subscriptions.some((subscription) => subscriptionMatches(subscription, type));
}

/** Payloads stay under this size; past it `data` keeps only the record's id and type. */
export const MAX_PAYLOAD_BYTES = 20_000;

export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** `{ type, timestamp, data }` serialised once: the exact bytes signed on every attempt. */
export function payloadBody(
  event: Pick<DomainEventMessage, 'type' | 'occurredAt' | 'entityType' | 'entityId' | 'payload'>,
): string {
  const data = { id: event.entityId, ...event.payload };
  const full = JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data,
  } satisfies WebhookPayload);
  if (new TextEncoder().encode(full).byteLength <= MAX_PAYLOAD_BYTES) return full;
  const { changes: _changes, ...withoutChanges } = data as Record<string, unknown>;
  const lighter = JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: { ...withoutChanges, truncated: true },
  });
  if (new TextEncoder().encode(lighter).byteLength <= MAX_PAYLOAD_BYTES) return lighter;
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: { id: event.entityId, entityType: event.entityType, truncated: true },
  });
}
