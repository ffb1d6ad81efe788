import { and, desc, eq, gte, ne, type SQL, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, pageOf } from '../../lib/pagination';
import { assertIfMatch } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { diffChanges, recordAudit } from '../audit/audit.service';
import { assertPermission } from '../identity/actor';
import { type DeliveryQueue, enqueueDeliveries, webhookMessageId } from './webhooks.delivery';
import { EVENT_DESCRIPTIONS, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from './webhooks.events';
import type { CreateEndpointInput, ListDeliveriesQuery, UpdateEndpointInput } from './webhooks.schemas';
import { generateSecret, generateSigningKeyPair } from './webhooks.signing';
import { assertDestination, BlockedDestination, dohResolver, type Environment } from './webhooks.ssrf';

/** How long a rotated-out secret keeps signing. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

/** What the webhook services need besides the request's dependencies. */
export interface WebhookSettings {
  environment: Environment;
  resolverUrl: string | undefined;
  queue: DeliveryQueue;
}

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookAttempts.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toEndpoint(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    active: row.active,
    disabledReason: row.disabledReason as 'gone' | 'failing' | null,
    disabledAt: iso(row.disabledAt),
    rateLimitPerSecond: row.rateLimitPerSecond,
    publicKey: row.signingPublicKey,
    previousSecretExpiresAt:
      row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    health: {
      lastStatusCode: row.lastStatusCode,
      lastAttemptAt: iso(row.lastAttemptAt),
      lastSuccessAt: iso(row.lastSuccessAt),
      failingSince: iso(row.failingSince),
      consecutiveFailures: row.consecutiveFailures,
    },
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type WebhookEndpoint = ReturnType<typeof toEndpoint>;

export function toDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.eventType,
    webhookId: row.messageId,
    status: row.status as 'pending' | 'delivered' | 'failed',
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type WebhookDelivery = ReturnType<typeof toDelivery>;

function toAttempt(row: AttemptRow) {
  return {
    id: row.id,
    attempt: row.attempt,
    startedAt: row.startedAt.toISOString(),
    durationMs: row.durationMs,
    statusCode: row.statusCode,
    responseBody: row.responseBody,
    error: row.error,
    outcome: row.outcome as 'delivered' | 'retry' | 'failed' | 'disabled',
    retryInSeconds: row.retryInSeconds,
  };
}

function assertAdmin(deps: ActorDeps): void {
  assertPermission(deps.actor, 'settings', 'manage');
}

/** 422 on `url` when the destination is refused (see webhooks.ssrf.ts). */
async function checkUrl(settings: WebhookSettings, url: string): Promise<void> {
  const resolve = settings.resolverUrl ? dohResolver(settings.resolverUrl) : null;
  try {
    // At creation a name that does not resolve yet is accepted (DNS may come later); a forbidden address is not.
    await assertDestination(url, settings.environment, resolve, { allowUnresolved: true });
  } catch (error) {
    if (!(error instanceof BlockedDestination)) throw error;
    throw new AppError('VALIDATION_FAILED', {
      detail: `This URL cannot receive webhooks: ${error.message}`,
      errors: [{ path: 'url', message: error.message, code: 'blocked_destination' }],
    });
  }
}

export function listEventTypes(deps: ActorDeps) {
  assertAdmin(deps);
  return WEBHOOK_EVENT_TYPES.map((type) => ({ type, description: EVENT_DESCRIPTIONS[type] }));
}

export async function listEndpoints(deps: ActorDeps, query: { limit: number; cursor?: string | undefined }) {
  assertAdmin(deps);
  const conditions: (SQL | undefined)[] = [];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    conditions.push(
      sql`(${webhookEndpoints.createdAt}, ${webhookEndpoints.id}) > (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`,
    );
  }
  const rows = await deps.db
    .select()
    .from(webhookEndpoints)
    .where(and(...conditions))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id)
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id]);
  return { data: page.data.map(toEndpoint), nextCursor: page.nextCursor };
}

async function loadEndpoint(deps: ActorDeps, id: string): Promise<EndpointRow> {
  const [row] = await deps.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Webhook endpoint not found' });
  return row;
}

export async function getEndpoint(deps: ActorDeps, id: string): Promise<WebhookEndpoint> {
  assertAdmin(deps);
  return toEndpoint(await loadEndpoint(deps, id));
}

const AUDITED = ['url', 'description', 'events', 'active', 'rateLimitPerSecond', 'signingPublicKey'] as const;

export async function createEndpoint(
  deps: ActorDeps,
  settings: WebhookSettings,
  input: CreateEndpointInput,
): Promise<WebhookEndpoint & { secret: string }> {
  assertAdmin(deps);
  await checkUrl(settings, input.url);
  const secret = generateSecret();
  const keys = input.ed25519 ? await generateSigningKeyPair() : null;
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        url: input.url,
        description: input.description ?? null,
        events: [...new Set(input.events)],
        active: input.active ?? true,
        rateLimitPerSecond: input.rateLimitPerSecond ?? null,
        secret,
        signingPrivateKey: keys?.privateKey ?? null,
        signingPublicKey: keys?.publicKey ?? null,
        createdBy: deps.actor.userId,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'webhook_endpoint.created',
      targetType: 'webhook_endpoint',
      targetId: created.id,
      changes: diffChanges({}, created, AUDITED),
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
    return created;
  });
  return { ...toEndpoint(row), secret };
}

export async function updateEndpoint(
  deps: ActorDeps,
  settings: WebhookSettings,
  id: string,
  input: UpdateEndpointInput,
  ifMatch?: string,
): Promise<WebhookEndpoint> {
  assertAdmin(deps);
  if (input.url !== undefined) await checkUrl(settings, input.url);
  const keys = input.ed25519 === true ? await generateSigningKeyPair() : null;
  const row = await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, id))
      .for('update');
    if (!before) throw new AppError('NOT_FOUND', { detail: 'Webhook endpoint not found' });
    assertIfMatch(ifMatch, before.version);
    const reactivating = input.active === true && !before.active;
    const [after] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.rateLimitPerSecond !== undefined ? { rateLimitPerSecond: input.rateLimitPerSecond } : {}),
        // Turning v1a on keeps an existing key pair: partners already hold its public key.
        ...(keys && !before.signingPublicKey
          ? { signingPrivateKey: keys.privateKey, signingPublicKey: keys.publicKey }
          : {}),
        ...(input.ed25519 === false ? { signingPrivateKey: null, signingPublicKey: null } : {}),
        ...(reactivating
          ? { disabledReason: null, disabledAt: null, failingSince: null, consecutiveFailures: 0 }
          : {}),
        version: sql`${webhookEndpoints.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'webhook_endpoint.updated',
      targetType: 'webhook_endpoint',
      targetId: id,
      changes: diffChanges(before, after, AUDITED),
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
    return after;
  });
  return toEndpoint(row);
}

export async function deleteEndpoint(deps: ActorDeps, id: string, ifMatch?: string): Promise<void> {
  assertAdmin(deps);
  await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, id))
      .for('update');
    if (!before) throw new AppError('NOT_FOUND', { detail: 'Webhook endpoint not found' });
    assertIfMatch(ifMatch, before.version);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'webhook_endpoint.deleted',
      targetType: 'webhook_endpoint',
      targetId: id,
      changes: { url: { before: before.url, after: null } },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
}

/** A new secret; the old one keeps signing (both signatures sent) for 24 hours. */
export async function rotateSecret(deps: ActorDeps, id: string, now = new Date()) {
  assertAdmin(deps);
  const secret = generateSecret();
  const expiresAt = new Date(now.getTime() + ROTATION_GRACE_MS);
  await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        previousSecret: sql`${webhookEndpoints.secret}`,
        previousSecretExpiresAt: expiresAt,
        secret,
        version: sql`${webhookEndpoints.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning({ id: webhookEndpoints.id });
    if (!updated) throw new AppError('NOT_FOUND', { detail: 'Webhook endpoint not found' });
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'webhook_endpoint.secret_rotated',
      targetType: 'webhook_endpoint',
      targetId: id,
      changes: { secret: { before: '[redacted]', after: '[redacted]' } },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
  return { secret, previousSecretExpiresAt: expiresAt.toISOString() };
}

/** Queues a `webhook.test` event to this endpoint only. */
export async function sendTestEvent(
  deps: ActorDeps,
  settings: WebhookSettings,
  id: string,
): Promise<WebhookDelivery> {
  assertAdmin(deps);
  const endpoint = await loadEndpoint(deps, id);
  if (!endpoint.active) {
    throw new AppError('CONFLICT', { detail: 'The endpoint is disabled; activate it first' });
  }
  const eventId = crypto.randomUUID();
  const body = JSON.stringify({
    type: TEST_EVENT_TYPE,
    timestamp: new Date().toISOString(),
    data: { endpointId: id, message: 'Test event from Alforis CRM', sentBy: deps.actor.email },
  });
  const [row] = await deps.db
    .insert(webhookDeliveries)
    .values({
      endpointId: id,
      eventId,
      eventType: TEST_EVENT_TYPE,
      messageId: webhookMessageId(eventId),
      body,
      enqueuedAt: new Date(),
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await enqueueDeliveries(settings.queue, [row]);
  return toDelivery(row);
}

export async function listDeliveries(deps: ActorDeps, endpointId: string, query: ListDeliveriesQuery) {
  assertAdmin(deps);
  await loadEndpoint(deps, endpointId);
  const conditions: (SQL | undefined)[] = [
    eq(webhookDeliveries.endpointId, endpointId),
    query.status ? eq(webhookDeliveries.status, query.status) : undefined,
    query.eventType ? eq(webhookDeliveries.eventType, query.eventType) : undefined,
    query.since ? gte(webhookDeliveries.createdAt, new Date(query.since)) : undefined,
  ];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    conditions.push(
      sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`,
    );
  }
  const rows = await deps.db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id]);
  return { data: page.data.map(toDelivery), nextCursor: page.nextCursor };
}

async function loadDelivery(deps: ActorDeps, endpointId: string, deliveryId: string): Promise<DeliveryRow> {
  const [row] = await deps.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId)));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Delivery not found' });
  return row;
}

export async function getDelivery(deps: ActorDeps, endpointId: string, deliveryId: string) {
  assertAdmin(deps);
  const row = await loadDelivery(deps, endpointId, deliveryId);
  const attempts = await deps.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, deliveryId))
    .orderBy(desc(webhookAttempts.startedAt));
  return { ...toDelivery(row), payload: row.body, log: attempts.map(toAttempt) };
}

async function assertActive(deps: ActorDeps, endpointId: string): Promise<void> {
  const endpoint = await loadEndpoint(deps, endpointId);
  if (!endpoint.active) {
    throw new AppError('CONFLICT', { detail: 'The endpoint is disabled; activate it before replaying' });
  }
}

/**
 * Sends a settled delivery again, same body and webhook-id, with a fresh
 * retry schedule. The new generation makes any older queue message inert.
 */
export async function replayDelivery(
  deps: ActorDeps,
  settings: WebhookSettings,
  endpointId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  assertAdmin(deps);
  await assertActive(deps, endpointId);
  const [row] = await deps.db
    .update(webhookDeliveries)
    .set(replayed)
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.endpointId, endpointId),
        ne(webhookDeliveries.status, 'pending'),
      ),
    )
    .returning();
  if (!row) {
    await loadDelivery(deps, endpointId, deliveryId);
    throw new AppError('CONFLICT', { detail: 'This delivery is still in progress' });
  }
  await enqueueDeliveries(settings.queue, [row]);
  return toDelivery(row);
}

const replayed = {
  status: 'pending',
  attempts: 0,
  generation: sql`${webhookDeliveries.generation} + 1`,
  enqueuedAt: sql`now()`,
  lockedUntil: null,
  nextAttemptAt: null,
  deliveredAt: null,
  updatedAt: sql`now()`,
} as const;

/** Replays every failed delivery of the endpoint created since a time (at most 1,000 at once). */
export async function replayFailed(
  deps: ActorDeps,
  settings: WebhookSettings,
  endpointId: string,
  since: string,
): Promise<{ replayed: number }> {
  assertAdmin(deps);
  await assertActive(deps, endpointId);
  const rows = await deps.db
    .update(webhookDeliveries)
    .set(replayed)
    .where(
      sql`${webhookDeliveries.id} in (${deps.db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.endpointId, endpointId),
            eq(webhookDeliveries.status, 'failed'),
            gte(webhookDeliveries.createdAt, new Date(since)),
          ),
        )
        .limit(1_000)})`,
    )
    .returning({ id: webhookDeliveries.id, generation: webhookDeliveries.generation });
  await enqueueDeliveries(settings.queue, rows);
  return { replayed: rows.length };
}
