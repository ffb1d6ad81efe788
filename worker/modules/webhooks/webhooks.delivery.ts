import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { outboxEvents, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { createCache } from '../../lib/cache';
import { readConfig } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { type DomainEventMessage, envelopeSchema } from '../../queues/messages';
import { MAX_QUEUE_DELAY_SECONDS, RetryLater } from '../../queues/retry-later';
import { dispatchPending } from '../outbox/outbox.service';
import { endpointWants, isWebhookEventType, payloadBody } from './webhooks.events';
import { signatureHeader } from './webhooks.signing';
import { assertDestination, BlockedDestination, dohResolver, type Environment } from './webhooks.ssrf';

export const DELIVER_MESSAGE_TYPE = 'webhook.deliver';

export const webhookDeliverSchema = envelopeSchema.extend({
  type: z.literal(DELIVER_MESSAGE_TYPE),
  deliveryId: z.uuid(),
  generation: z.number().int().min(0),
});

export type WebhookDeliverMessage = z.infer<typeof webhookDeliverSchema>;

/** The queue API the fan-out needs (the `WEBHOOK_DELIVERIES_QUEUE` binding satisfies it). */
export interface DeliveryQueue {
  send(body: WebhookDeliverMessage, options?: QueueSendOptions): Promise<unknown>;
  sendBatch(messages: Iterable<MessageSendRequest<WebhookDeliverMessage>>): Promise<unknown>;
}

export interface DeliveryDeps {
  db: Database;
  log: Logger;
  env: Env;
}

/**
 * Seconds to wait after failed attempt n (1-based) before attempt n + 1:
 * attempts go out immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
 */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
export const JITTER = 0.2;
export const REQUEST_TIMEOUT_MS = 15_000;
/** How much of a response body the log keeps (and the only part ever read). */
export const RESPONSE_BODY_CAP = 2_048;
/** An endpoint failing without a success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
/** A consumer's hold on a delivery: above the request timeout plus the bookkeeping. */
const LOCK_SECONDS = 60;

/** The scheduled delay after failed attempt n, with ±20 % jitter, within the queue's 12 h cap. */
export function retryDelayFor(failedAttempt: number, random: () => number = Math.random): number | null {
  const base = RETRY_SCHEDULE_SECONDS[failedAttempt - 1];
  if (base === undefined) return null;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.round(jittered)));
}

/** `Retry-After` as seconds (delta or HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export function webhookMessageId(eventId: string): string {
  return `msg_${eventId.replaceAll('-', '')}`;
}

function deliverMessage(deliveryId: string, generation: number): MessageSendRequest<WebhookDeliverMessage> {
  return {
    body: { id: `${deliveryId}:${generation}`, type: DELIVER_MESSAGE_TYPE, deliveryId, generation },
    contentType: 'json',
  };
}

/** Sends delivery messages, 100 at a time (the queue's batch limit). */
export async function enqueueDeliveries(
  queue: DeliveryQueue,
  deliveries: { id: string; generation: number }[],
): Promise<void> {
  for (let index = 0; index < deliveries.length; index += 100) {
    const chunk = deliveries.slice(index, index + 100);
    await queue.sendBatch(chunk.map((delivery) => deliverMessage(delivery.id, delivery.generation)));
  }
}

/**
 * Domain-event subscriber: one delivery row per (endpoint, event) — the
 * unique key makes a redelivered event a no-op — then one queue message per
 * delivery not yet enqueued. Claiming `enqueued_at` before sending means two
 * consumers of the same event never both send; a failed send gives it back.
 */
export async function fanOutWebhooks(event: DomainEventMessage, deps: DeliveryDeps): Promise<void> {
  if (!isWebhookEventType(event.type)) return;
  const endpoints = await deps.db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.active, true));
  const targets = endpoints.filter((endpoint) => endpointWants(endpoint.events, event.type));
  if (targets.length === 0) return;
  const body = payloadBody(event);
  const messageId = webhookMessageId(event.id);
  await deps.db
    .insert(webhookDeliveries)
    .values(
      targets.map((endpoint) => ({
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        messageId,
        body,
      })),
    )
    .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId] });
  await enqueueClaimed(deps, eq(webhookDeliveries.eventId, event.id));
}

async function enqueueClaimed(deps: DeliveryDeps, condition: ReturnType<typeof eq>): Promise<number> {
  const claimed = await deps.db
    .update(webhookDeliveries)
    .set({ enqueuedAt: sql`now()` })
    .where(and(condition, isNull(webhookDeliveries.enqueuedAt), eq(webhookDeliveries.status, 'pending')))
    .returning({ id: webhookDeliveries.id, generation: webhookDeliveries.generation });
  if (claimed.length === 0) return 0;
  try {
    await enqueueDeliveries(deps.env.WEBHOOK_DELIVERIES_QUEUE, claimed);
  } catch (error) {
    await deps.db
      .update(webhookDeliveries)
      .set({ enqueuedAt: null })
      .where(
        inArray(
          webhookDeliveries.id,
          claimed.map((row) => row.id),
        ),
      );
    throw error;
  }
  return claimed.length;
}

/** Reads at most `cap` bytes of a body, then stops the download. */
async function readCapped(response: Response, cap: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < cap) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const joined = new Uint8Array(Math.min(size, cap));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, joined.byteLength - offset));
    joined.set(part, offset);
    offset += part.byteLength;
    if (offset >= joined.byteLength) break;
  }
  return new TextDecoder().decode(joined);
}

type Outcome = 'delivered' | 'retry' | 'failed' | 'disabled';

interface AttemptResult {
  statusCode: number | null;
  responseBody: string | null;
  error: string | null;
  retryAfter: number | null;
  blocked: boolean;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `timed out after ${REQUEST_TIMEOUT_MS / 1000} s`;
    return error.message;
  }
  return String(error);
}

/** Headers of a delivery attempt (secrets never among them). */
export async function deliveryHeaders(
  endpoint: typeof webhookEndpoints.$inferSelect,
  delivery: { messageId: string; body: string },
  timestamp: number,
  now = new Date(),
): Promise<Record<string, string>> {
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(endpoint.previousSecret);
  }
  return {
    'content-type': 'application/json',
    'user-agent': 'Alforis-Webhooks/1.0',
    'webhook-id': delivery.messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await signatureHeader(
      { secrets, privateKey: endpoint.signingPrivateKey },
      delivery.messageId,
      timestamp,
      delivery.body,
    ),
  };
}

/**
 * The `webhook-deliveries` handler: one HTTP attempt of one delivery, logged,
 * then delivered, failed, or retried on the schedule through `RetryLater`.
 * Stale messages (older generation, already settled, held by another
 * consumer) are dropped, so at-least-once queues deliver at most once per run.
 */
export async function deliverWebhook(message: WebhookDeliverMessage, deps: DeliveryDeps): Promise<void> {
  const config = readConfig(deps.env);
  const environment: Environment = config.ENVIRONMENT;
  const [delivery] = await deps.db
    .update(webhookDeliveries)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${LOCK_SECONDS})` })
    .where(
      and(
        eq(webhookDeliveries.id, message.deliveryId),
        eq(webhookDeliveries.generation, message.generation),
        eq(webhookDeliveries.status, 'pending'),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
      ),
    )
    .returning();
  if (!delivery) {
    deps.log.debug('webhooks.delivery.skipped', { deliveryId: message.deliveryId });
    return;
  }
  const [endpoint] = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, delivery.endpointId));
  if (!endpoint?.active) {
    await deps.db
      .update(webhookDeliveries)
      .set({ status: 'failed', lockedUntil: null, lastError: 'endpoint is disabled', updatedAt: sql`now()` })
      .where(eq(webhookDeliveries.id, delivery.id));
    return;
  }

  if (endpoint.rateLimitPerSecond) {
    const deferral = await rateLimitDeferral(deps, config, endpoint.id, endpoint.rateLimitPerSecond);
    if (deferral !== null) {
      // Waiting for the rate limit is not an attempt: a new message keeps the queue's retry budget intact.
      await deps.db
        .update(webhookDeliveries)
        .set({ lockedUntil: null })
        .where(eq(webhookDeliveries.id, delivery.id));
      await deps.env.WEBHOOK_DELIVERIES_QUEUE.send(message, { contentType: 'json', delaySeconds: deferral });
      return;
    }
  }

  const attempt = delivery.attempts + 1;
  const startedAt = new Date();
  const timestamp = Math.floor(startedAt.getTime() / 1000);
  const headers = await deliveryHeaders(endpoint, delivery, timestamp, startedAt);
  const result: AttemptResult = {
    statusCode: null,
    responseBody: null,
    error: null,
    retryAfter: null,
    blocked: false,
  };
  try {
    const url = await assertDestination(
      endpoint.url,
      environment,
      config.WEBHOOK_DNS_RESOLVER_URL ? dohResolver(config.WEBHOOK_DNS_RESOLVER_URL) : null,
    );
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    result.statusCode = response.status;
    result.retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    result.responseBody = await readCapped(response, RESPONSE_BODY_CAP).catch(() => null);
    if (response.status >= 300 && response.status < 400) {
      result.error = `redirect to ${response.headers.get('location') ?? '(no location)'} not followed`;
    }
  } catch (error) {
    result.blocked = error instanceof BlockedDestination;
    result.error = result.blocked ? `destination refused: ${describe(error)}` : describe(error);
  }
  const durationMs = Date.now() - startedAt.getTime();
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

  let outcome: Outcome;
  let retryIn: number | null = null;
  if (ok) outcome = 'delivered';
  else if (result.statusCode === 410) outcome = 'disabled';
  else if (result.blocked || attempt >= MAX_ATTEMPTS) outcome = 'failed';
  else {
    outcome = 'retry';
    const honoured = result.statusCode === 429 || result.statusCode === 503 ? result.retryAfter : null;
    retryIn =
      honoured !== null
        ? Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, honoured))
        : (retryDelayFor(attempt) as number);
  }

  const disableReason = await deps.db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      attempt,
      startedAt,
      durationMs,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
      error: result.error,
      outcome,
      retryInSeconds: retryIn,
      requestHeaders: { ...headers, 'webhook-signature': '(redacted)' },
    });
    await tx
      .update(webhookDeliveries)
      .set({
        status: outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : 'failed',
        attempts: attempt,
        lockedUntil: null,
        nextAttemptAt: retryIn === null ? null : new Date(Date.now() + retryIn * 1000),
        lastStatusCode: result.statusCode,
        lastError: result.error ?? (ok ? null : `HTTP ${result.statusCode}`),
        deliveredAt: ok ? startedAt : null,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookDeliveries.id, delivery.id));
    return recordEndpointHealth(tx, endpoint, { ok, gone: outcome === 'disabled', startedAt, result });
  });
  if (disableReason) await announceDisabled(deps, endpoint, disableReason);

  if (outcome === 'retry' && retryIn !== null) {
    throw new RetryLater(
      retryIn,
      `attempt ${attempt} failed: ${result.error ?? `HTTP ${result.statusCode}`}`,
    );
  }
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Keeps the endpoint's health columns; returns why it must be disabled, if it
 * must: a 410, or failures without a success for five days.
 */
async function recordEndpointHealth(
  tx: Tx,
  endpoint: typeof webhookEndpoints.$inferSelect,
  attempt: { ok: boolean; gone: boolean; startedAt: Date; result: AttemptResult },
): Promise<string | null> {
  const { ok, gone, startedAt, result } = attempt;
  if (ok) {
    // Healthy endpoints under load: skip the write unless something visible changes.
    const fresh = endpoint.lastSuccessAt && startedAt.getTime() - endpoint.lastSuccessAt.getTime() < 5_000;
    if (fresh && endpoint.failingSince === null && endpoint.lastStatusCode === result.statusCode) return null;
    await tx
      .update(webhookEndpoints)
      .set({
        failingSince: null,
        consecutiveFailures: 0,
        lastStatusCode: result.statusCode,
        lastAttemptAt: startedAt,
        lastSuccessAt: startedAt,
      })
      .where(eq(webhookEndpoints.id, endpoint.id));
    return null;
  }
  const failingSince = endpoint.failingSince ?? startedAt;
  const reason = gone
    ? 'gone'
    : startedAt.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS
      ? 'failing'
      : null;
  const [updated] = await tx
    .update(webhookEndpoints)
    .set({
      failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${startedAt})`,
      consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1`,
      lastStatusCode: result.statusCode,
      lastAttemptAt: startedAt,
      ...(reason ? { active: false, disabledReason: reason, disabledAt: startedAt } : {}),
    })
    .where(
      reason
        ? and(eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.active, true))
        : eq(webhookEndpoints.id, endpoint.id),
    )
    .returning({ id: webhookEndpoints.id });
  if (!reason || !updated) return null;
  // The agreed cross-team event: notifications turns it into an alert for Admins.
  await tx.insert(outboxEvents).values({
    type: 'webhook_endpoint.disabled',
    entityType: 'webhook_endpoint',
    entityId: endpoint.id,
    actorId: null,
    ownerId: null,
    teamId: null,
    payload: {
      url: endpoint.url,
      reason:
        reason === 'gone' ? 'The endpoint answered 410 Gone' : 'Every delivery attempt failed for 5 days',
    },
  });
  return reason;
}

async function announceDisabled(deps: DeliveryDeps, endpoint: { id: string; url: string }, reason: string) {
  deps.log.warn('webhooks.endpoint.disabled', { endpointId: endpoint.id, reason });
  try {
    await dispatchPending(deps.db, deps.env.DOMAIN_EVENTS_QUEUE, 1);
  } catch (error) {
    // The cron sweep sends it within a minute.
    deps.log.warn('outbox.dispatch_failed', { error: describe(error) });
  }
}

/**
 * Per-endpoint limit: a fixed one-second window counted in Redis (one INCR,
 * atomic, so concurrent consumers share it exactly). Returns the seconds to
 * wait, or null to go ahead. Without Redis, or if it fails, deliveries go
 * ahead: the limit protects partners, it must not stop delivery.
 */
async function rateLimitDeferral(
  deps: DeliveryDeps,
  config: ReturnType<typeof readConfig>,
  endpointId: string,
  perSecond: number,
): Promise<number | null> {
  const redis = createCache(config, deps.log).redis;
  if (!redis) return null;
  const second = Math.floor(Date.now() / 1000);
  const key = `rl:webhook:${endpointId}:${second}`;
  try {
    const [count] = await redis.pipeline().incr(key).expire(key, 5).exec<[number, number]>();
    return count > perSecond ? 1 + Math.floor((count - 1) / perSecond - 1) : null;
  } catch (error) {
    deps.log.warn('webhooks.ratelimit.unavailable', { error: describe(error) });
    return null;
  }
}

/** Dead-letter work: a delivery whose message died is marked failed, so it can be replayed. */
export async function failDeadDelivery(body: unknown, deps: { db: Database }): Promise<void> {
  const parsed = webhookDeliverSchema.safeParse(body);
  if (!parsed.success) return;
  await deps.db
    .update(webhookDeliveries)
    .set({ status: 'failed', lockedUntil: null, lastError: 'the queue gave up on this delivery' })
    .where(
      and(
        eq(webhookDeliveries.id, parsed.data.deliveryId),
        eq(webhookDeliveries.generation, parsed.data.generation),
        eq(webhookDeliveries.status, 'pending'),
      ),
    );
}

/** Used by replays: claims and enqueues pending deliveries matching a condition. */
export { enqueueClaimed };
