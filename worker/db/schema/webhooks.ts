import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A partner's webhook endpoint (Standard Webhooks). The HMAC secret must stay
 * readable to sign; after a rotation the previous one signs too until it expires.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    description: text('description'),
    /** Exact event names and wildcards (`organisation.*`, `*.created`, `*`). */
    events: text('events').array().notNull(),
    active: boolean('active').notNull().default(true),
    /** Why the system (not an Admin) switched it off: `gone` (HTTP 410) or `failing` (5 days). */
    disabledReason: text('disabled_reason'),
    disabledAt: at('disabled_at'),
    /** Deliveries per second to this endpoint; null for the default. */
    rateLimitPerSecond: integer('rate_limit_per_second'),
    /** `whsec_` + base64 of 32 random bytes. */
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: at('previous_secret_expires_at'),
    /** Ed25519 (`v1a`) signing: PKCS#8 private key (base64), and the `whpk_` public key shown to partners. */
    signingPrivateKey: text('signing_private_key'),
    signingPublicKey: text('signing_public_key'),
    /** Start of the current run of failed attempts; null once one succeeds. */
    failingSince: at('failing_since'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastAttemptAt: at('last_attempt_at'),
    lastSuccessAt: at('last_success_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    version: integer('version').notNull().default(1),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    index('webhook_endpoints_created_idx').on(table.createdAt, table.id),
    check(
      'webhook_endpoints_disabled_reason_check',
      sql`${table.disabledReason} is null or ${table.disabledReason} in ('gone', 'failing')`,
    ),
  ],
);

/**
 * One event for one endpoint. Unique per (endpoint, event): a domain event
 * delivered twice by the queue never fans out twice. `body` is the exact JSON
 * signed and sent on every attempt; `generation` grows on each replay so a
 * stale queue message of an earlier run is ignored.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The `webhook-id` header: the same on every attempt and replay. */
    messageId: text('message_id').notNull(),
    body: text('body').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    generation: integer('generation').notNull().default(0),
    enqueuedAt: at('enqueued_at'),
    /** A consumer holds the delivery until then (at-least-once queues may run a message twice). */
    lockedUntil: at('locked_until'),
    nextAttemptAt: at('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: at('delivered_at'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_endpoint_event_key').on(table.endpointId, table.eventId),
    index('webhook_deliveries_endpoint_created_idx').on(table.endpointId, table.createdAt, table.id),
    index('webhook_deliveries_status_idx').on(table.status, table.updatedAt),
    check('webhook_deliveries_status_check', sql`${table.status} in ('pending', 'delivered', 'failed')`),
  ],
);

/** Every HTTP attempt of a delivery, for the delivery log. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: at('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    /** The first bytes of the response body. */
    responseBody: text('response_body'),
    error: text('error'),
    /** delivered | retry | failed | disabled */
    outcome: text('outcome').notNull(),
    /** Seconds until the next attempt, when one is scheduled. */
    retryInSeconds: integer('retry_in_seconds'),
    requestHeaders: jsonb('request_headers').$type<Record<string, string>>(),
  },
  (table) => [index('webhook_attempts_delivery_idx').on(table.deliveryId, table.startedAt)],
);
