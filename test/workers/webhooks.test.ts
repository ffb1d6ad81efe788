import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { outboxEvents, webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../worker/db/schema';
import worker from '../../worker/index';
import {
  JITTER,
  MAX_ATTEMPTS,
  RETRY_SCHEDULE_SECONDS,
  retryDelayFor,
  type WebhookDeliverMessage,
} from '../../worker/modules/webhooks/webhooks.delivery';
import { MAX_PAYLOAD_BYTES, payloadBody } from '../../worker/modules/webhooks/webhooks.events';
import { verifyEd25519 } from '../../worker/modules/webhooks/webhooks.signing';
import { assertDestinationUrl, classifyAddress } from '../../worker/modules/webhooks/webhooks.ssrf';
import type { DomainEventMessage } from '../../worker/queues/messages';
import { QUEUES } from '../../worker/queues/queues.config';
import { callWorker, createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';

const RECEIVER = inject('WEBHOOK_RECEIVER_URL');

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

// ------------------------------------------------------------------ helpers

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  disabledReason: string | null;
  publicKey: string | null;
  secret?: string;
  previousSecretExpiresAt: string | null;
  health: { consecutiveFailures: number; failingSince: string | null; lastStatusCode: number | null };
}

interface Captured {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  hmacVerified: boolean | null;
  verifiedWith: number[];
  ed25519Verified: boolean | null;
  verifyError: string | null;
}

/** Calls the worker as the fixture Admin, with this file's database and optional binding overrides. */
function admin(path: string, init: RequestInit = {}, overrides: Partial<Env> = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${fx.users.admin.token}`);
  return callWorker(path, { ...init, headers }, { DATABASE_URL: database.url, ...overrides });
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const receiverPath = (label: string) => `/t/${label}-${crypto.randomUUID().slice(0, 8)}`;

async function control(action: string, body: unknown) {
  const response = await fetch(`${RECEIVER}/_control/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  await response.body?.cancel();
}

async function captured(path: string): Promise<Captured[]> {
  const response = await fetch(`${RECEIVER}/_control/captured?path=${encodeURIComponent(path)}`);
  return (await response.json()) as Captured[];
}

async function createEndpoint(body: Record<string, unknown>): Promise<Endpoint> {
  const response = await admin('/api/v1/webhooks', jsonBody('POST', body), {
    DATABASE_URL: database.url,
  } as Partial<Env>);
  expect(response.status).toBe(201);
  return (await response.json()) as Endpoint;
}

/** A queue producer that records what it is given, so tests drive the consumer themselves. */
function recordingQueue() {
  const sent: { body: WebhookDeliverMessage; delaySeconds?: number }[] = [];
  const queue = {
    async send(body: WebhookDeliverMessage, options?: QueueSendOptions) {
      sent.push({ body, delaySeconds: options?.delaySeconds });
    },
    async sendBatch(messages: Iterable<MessageSendRequest<WebhookDeliverMessage>>) {
      for (const message of messages) sent.push({ body: message.body, delaySeconds: message.delaySeconds });
    },
  };
  return { sent, queue: queue as unknown as Queue };
}

type TestMessage = Parameters<typeof createMessageBatch>[1][number];

async function runBatch(queue: string, messages: TestMessage[], overrides: Partial<Env> = {}) {
  const batch = createMessageBatch(queue, messages);
  // The pool records which messages were retried but not their delays: observe the calls themselves.
  const retries = batch.messages.map((message) => vi.spyOn(message, 'retry'));
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DATABASE_URL: database.url, ...overrides }, ctx);
  const result = await getQueueResult(batch, ctx);
  const delays = Object.fromEntries(
    batch.messages.flatMap((message, index) => {
      const call = retries[index]?.mock.calls[0];
      return call ? [[message.id, call[0]?.delaySeconds ?? null]] : [];
    }),
  );
  return { ...result, delays };
}

/** Runs one delivery message as the queue would on its n-th attempt. */
function deliver(message: WebhookDeliverMessage, attempts = 1, overrides: Partial<Env> = {}) {
  return runBatch(
    'webhook-deliveries',
    [{ id: `${message.id}#${attempts}`, timestamp: new Date(), attempts, body: message }],
    overrides,
  );
}

function domainEvent(type: string, payload: Record<string, unknown> = {}): DomainEventMessage {
  const entityId = crypto.randomUUID();
  return {
    id: crypto.randomUUID(),
    type,
    entityType: type.split('.')[0] ?? 'organisation',
    entityId,
    actorId: fx.users.admin.id,
    ownerId: fx.users.admin.id,
    teamId: fx.teams.a,
    payload: { id: entityId, name: 'Caisse des Dépôts', ...payload },
    occurredAt: new Date().toISOString(),
  };
}

/** Fans an event out through the domain-events consumer; returns the delivery messages it queued. */
async function fanOut(event: DomainEventMessage) {
  const { sent, queue } = recordingQueue();
  const result = await runBatch(
    'domain-events',
    [{ id: `evt-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body: event }],
    { WEBHOOK_DELIVERIES_QUEUE: queue } as Partial<Env>,
  );
  expect(result.retryMessages).toEqual([]);
  return sent.map((entry) => entry.body);
}

async function deliveryRow(id: string) {
  return withDb(async (db) => {
    const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    if (!row) throw new Error('delivery not found');
    return row;
  });
}

async function endpointRow(id: string) {
  return withDb(async (db) => {
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!row) throw new Error('endpoint not found');
    return row;
  });
}

/** Earlier tests' endpoints stop receiving, so each test sees only its own deliveries. */
function pauseAllEndpoints() {
  return withDb((db) => db.update(webhookEndpoints).set({ active: false }));
}

/** A fresh endpoint on its own receiver path, subscribed to organisation events, with its keys registered. */
async function endpointAtReceiver(label: string, extra: Record<string, unknown> = {}) {
  await pauseAllEndpoints();
  const path = receiverPath(label);
  const endpoint = await createEndpoint({ url: `${RECEIVER}${path}`, events: ['organisation.*'], ...extra });
  await control('keys', { path, secrets: [endpoint.secret], publicKey: endpoint.publicKey });
  return { endpoint, path };
}

async function oneDelivery(label: string, extra: Record<string, unknown> = {}) {
  const { endpoint, path } = await endpointAtReceiver(label, extra);
  const [message] = await fanOut(domainEvent('organisation.created'));
  if (!message) throw new Error('no delivery message');
  return { endpoint, path, message };
}

// ------------------------------------------------------------------ endpoints API

describe('webhook endpoints', () => {
  it('creates an endpoint whose whsec_ secret is shown once, with an optional Ed25519 public key', async () => {
    const endpoint = await createEndpoint({
      url: `${RECEIVER}/t/create`,
      description: 'Partner CRM',
      events: ['organisation.*', '*.created', 'mandate.signed'],
      ed25519: true,
      rateLimitPerSecond: 20,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(endpoint.secret?.slice(6) ?? '')).toHaveLength(32);
    expect(endpoint.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const read = await admin(`/api/v1/webhooks/${endpoint.id}`, {}, {
      DATABASE_URL: database.url,
    } as Partial<Env>);
    const body = (await read.json()) as Record<string, unknown>;
    expect(read.status).toBe(200);
    expect(body).not.toHaveProperty('secret');
    expect(JSON.stringify(body)).not.toContain(endpoint.secret);
    expect(body.events).toEqual(['organisation.*', '*.created', 'mandate.signed']);
  });

  it('refuses subscriptions that match no event, with field errors', async () => {
    const response = await admin(
      '/api/v1/webhooks',
      jsonBody('POST', { url: `${RECEIVER}/t/x`, events: ['organisation.created', 'invoice.*', 'bad name'] }),
      { DATABASE_URL: database.url } as Partial<Env>,
    );
    expect(response.status).toBe(422);
    const problem = await problemOf(response);
    expect([...new Set(problem.errors?.map((error) => error.path))].sort()).toEqual(['events.1', 'events.2']);
  });

  it('lists the event catalogue', async () => {
    const response = await admin('/api/v1/webhooks/event-types', {}, {
      DATABASE_URL: database.url,
    } as Partial<Env>);
    const { data } = (await response.json()) as { data: { type: string }[] };
    expect(data.map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['organisation.stage_changed', 'mandate.signed', 'task.completed']),
    );
  });

  it('describes every event in the OpenAPI webhooks section', async () => {
    const response = await admin('/api/openapi.json');
    const document = (await response.json()) as { webhooks?: Record<string, unknown> };
    expect(Object.keys(document.webhooks ?? {})).toEqual(
      expect.arrayContaining([
        'organisation.created',
        'person.deleted',
        'interaction.created',
        'task.completed',
      ]),
    );
  });
});

// ------------------------------------------------------------------ SSRF

describe('SSRF guard', () => {
  it('classifies addresses, including encoded and IPv6 forms of link-local ones', () => {
    expect(classifyAddress('169.254.169.254')).toBe('link-local');
    expect(classifyAddress('[::ffff:a9fe:a9fe]')).toBe('link-local');
    expect(classifyAddress('::ffff:169.254.169.254')).toBe('link-local');
    expect(classifyAddress('fe80::1')).toBe('link-local');
    expect(classifyAddress('fd00:ec2::254')).toBe('metadata');
    expect(classifyAddress('100.100.100.200')).toBe('metadata');
    expect(classifyAddress('127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::1')).toBe('loopback');
    expect(classifyAddress('10.0.0.8')).toBe('private');
    expect(classifyAddress('172.20.1.1')).toBe('private');
    expect(classifyAddress('192.168.1.1')).toBe('private');
    expect(classifyAddress('fd12:3456::1')).toBe('private');
    expect(classifyAddress('93.184.216.34')).toBe('public');
    expect(classifyAddress('2606:4700::1111')).toBe('public');
    expect(classifyAddress('partner.example')).toBeNull();
  });

  it('refuses link-local and metadata everywhere; http, private and loopback only in production', () => {
    for (const environment of ['development', 'production'] as const) {
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://2852039166/', // 169.254.169.254 as one number: URL parsing normalises it
        'http://0xa9.0xfe.0xa9.0xfe/',
        'https://[::ffff:169.254.169.254]/',
        'https://[fe80::1]/',
        'http://metadata.google.internal/computeMetadata/v1/',
        'https://[fd00:ec2::254]/',
        'file:///etc/passwd',
      ]) {
        expect(() => assertDestinationUrl(url, environment), `${url} in ${environment}`).toThrow();
      }
    }
    expect(assertDestinationUrl('http://127.0.0.1:8788/hooks', 'development').hostname).toBe('127.0.0.1');
    expect(() => assertDestinationUrl('http://10.0.0.8/hooks', 'development')).not.toThrow();
    for (const url of [
      'http://partner.example/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost/hooks',
      'https://10.0.0.8/hooks',
      'https://[::1]/hooks',
      'https://192.168.0.10/',
    ]) {
      expect(() => assertDestinationUrl(url, 'production'), url).toThrow();
    }
    expect(() => assertDestinationUrl('https://partner.example/hooks', 'production')).not.toThrow();
  });

  it('answers 422 at creation for a metadata address, an IP literal or a name resolving to one', async () => {
    const withResolver = {
      DATABASE_URL: database.url,
      WEBHOOK_DNS_RESOLVER_URL: `${RECEIVER}/dns-query`,
    } as Partial<Env>;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/',
      'https://metadata.attacker.example/hooks',
      'https://mixed.attacker.example/hooks',
    ]) {
      const response = await admin(
        '/api/v1/webhooks',
        jsonBody('POST', { url, events: ['*'] }),
        withResolver,
      );
      expect(response.status, url).toBe(422);
      const problem = await problemOf(response);
      expect(problem.errors?.[0]).toMatchObject({ path: 'url', code: 'blocked_destination' });
    }
    // Private addresses are fine outside production (the local receiver is one).
    const allowed = await admin(
      '/api/v1/webhooks',
      jsonBody('POST', { url: 'https://intranet.attacker.example/hooks', events: ['*'] }),
      withResolver,
    );
    expect(allowed.status).toBe(201);
    await admin(
      `/api/v1/webhooks/${((await allowed.json()) as Endpoint).id}`,
      { method: 'DELETE' },
      withResolver,
    );
  });

  it('checks again at delivery time, after resolving the host: nothing is sent to a refused address', async () => {
    const path = receiverPath('ssrf');
    await pauseAllEndpoints();
    // The name resolved to a public address when the endpoint was saved; now it points at the metadata service.
    const endpoint = await withDb(async (db) => {
      const [row] = await db
        .insert(webhookEndpoints)
        .values({
          url: `https://metadata.attacker.example${path}`,
          events: ['organisation.*'],
          secret: 'whsec_' + btoa('x'.repeat(32)),
        })
        .returning();
      return row;
    });
    const [message] = await fanOut(domainEvent('organisation.created'));
    if (!message || !endpoint) throw new Error('no delivery');
    const result = await deliver(message, 1, {
      WEBHOOK_DNS_RESOLVER_URL: `${RECEIVER}/dns-query`,
    } as Partial<Env>);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const row = await deliveryRow(message.deliveryId);
    expect(row.status).toBe('failed');
    expect(row.lastError).toMatch(
      /destination refused: metadata.attacker.example resolves to 169.254.169.254/,
    );
    await withDb((db) => db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)));
  });
});

// ------------------------------------------------------------------ fan-out

describe('fan-out', () => {
  it('creates one delivery per matching endpoint, exact names and wildcards, and never twice per event', async () => {
    await pauseAllEndpoints();
    const orgs = await createEndpoint({ url: `${RECEIVER}/t/fan-orgs`, events: ['organisation.*'] });
    const created = await createEndpoint({ url: `${RECEIVER}/t/fan-created`, events: ['*.created'] });
    const tasks = await createEndpoint({ url: `${RECEIVER}/t/fan-tasks`, events: ['task.completed'] });
    const inactive = await createEndpoint({ url: `${RECEIVER}/t/fan-off`, events: ['*'], active: false });

    const event = domainEvent('organisation.created');
    const first = await fanOut(event);
    const deliveries = await withDb((db) =>
      db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, event.id)),
    );
    expect(deliveries.map((row) => row.endpointId).sort()).toEqual([orgs.id, created.id].sort());
    expect(first.map((message) => message.deliveryId).sort()).toEqual(deliveries.map((row) => row.id).sort());

    // The queue delivers the same domain event again: no new delivery, no new message.
    const again = await fanOut(event);
    expect(again).toEqual([]);
    const after = await withDb((db) =>
      db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, event.id)),
    );
    expect(after).toHaveLength(2);

    const completed = await fanOut(domainEvent('task.completed'));
    expect(completed).toHaveLength(1);
    // Internal events (restores, erasures…) are not partner events.
    expect(await fanOut(domainEvent('person.erased'))).toEqual([]);
    expect(completed[0]?.deliveryId).toBeDefined();
    const [taskDelivery] = await withDb((db) =>
      db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.id, completed[0]?.deliveryId ?? '')),
    );
    expect(taskDelivery?.endpointId).toBe(tasks.id);
    expect(
      await withDb((db) =>
        db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, inactive.id)),
      ),
    ).toEqual([]);
  });

  it('builds { type, timestamp, data } under 20 kB', () => {
    const event = domainEvent('organisation.updated', {
      changes: { notes: { before: 'x'.repeat(30_000), after: '' } },
    });
    const body = payloadBody(event);
    expect(new TextEncoder().encode(body).byteLength).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const parsed = JSON.parse(body) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(parsed).toMatchObject({
      type: 'organisation.updated',
      timestamp: event.occurredAt,
      data: { id: event.entityId, truncated: true, name: 'Caisse des Dépôts' },
    });
    expect(parsed.data).not.toHaveProperty('changes');
  });
});

// ------------------------------------------------------------------ delivery

describe('delivery', () => {
  it('POSTs a Standard Webhooks request that verifies with the standardwebhooks library (v1) and Ed25519 (v1a)', async () => {
    const { endpoint, path, message } = await oneDelivery('sign', { ed25519: true });
    const result = await deliver(message);
    expect(result.explicitAcks).toHaveLength(1);
    const [received] = await captured(path);
    if (!received || !endpoint.secret || !endpoint.publicKey) throw new Error('nothing received');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(received.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(received.headers['webhook-signature']).toMatch(/^v1,\S+ v1a,\S+$/);
    // Verified by the receiver (Node, standardwebhooks) and here (workerd, same library + WebCrypto).
    expect(received).toMatchObject({ hmacVerified: true, ed25519Verified: true });
    expect(new Webhook(endpoint.secret).verify(received.body, received.headers)).toMatchObject({
      type: 'organisation.created',
    });
    expect(
      await verifyEd25519(
        endpoint.publicKey,
        received.headers['webhook-id'] ?? '',
        Number(received.headers['webhook-timestamp']),
        received.body,
        received.headers['webhook-signature'] ?? '',
      ),
    ).toBe(true);
    // A tampered body fails both.
    expect(() =>
      new Webhook(endpoint.secret as string).verify(`${received.body} `, received.headers),
    ).toThrow();

    const row = await deliveryRow(message.deliveryId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
    const health = await endpointRow(endpoint.id);
    expect(health).toMatchObject({ lastStatusCode: 204, consecutiveFailures: 0, failingSince: null });
  });

  it('signs with both secrets for 24 h after a rotation', async () => {
    const { endpoint, path } = await endpointAtReceiver('rotate');
    const rotate = await admin(`/api/v1/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST' }, {
      DATABASE_URL: database.url,
    } as Partial<Env>);
    expect(rotate.status).toBe(200);
    const { secret, previousSecretExpiresAt } = (await rotate.json()) as {
      secret: string;
      previousSecretExpiresAt: string;
    };
    expect(secret).not.toBe(endpoint.secret);
    expect(Date.parse(previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    await control('keys', { path, secrets: [endpoint.secret, secret] });

    const [message] = await fanOut(domainEvent('organisation.updated'));
    if (!message) throw new Error('no delivery');
    await deliver(message);
    const [received] = await captured(path);
    expect(received?.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    // Partners who have not switched yet and those who have both verify.
    expect(received).toMatchObject({ hmacVerified: true, verifiedWith: [0, 1] });

    // Once the grace period is over only the new secret signs.
    await withDb((db) =>
      db
        .update(webhookEndpoints)
        .set({ previousSecretExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(webhookEndpoints.id, endpoint.id)),
    );
    const [later] = await fanOut(domainEvent('organisation.updated'));
    if (!later) throw new Error('no delivery');
    await deliver(later);
    const all = await captured(path);
    expect(all[1]).toMatchObject({ hmacVerified: true, verifiedWith: [1] });
  });

  it('retries on the schedule with the same webhook-id, then delivers exactly once', async () => {
    const { path, message } = await oneDelivery('retry');
    // The receiver is down for three attempts (a 500, a redirect, a timeout-free 502), then up.
    await control('script', {
      path,
      answers: [{ status: 500 }, { status: 302, location: 'https://elsewhere.example/' }, { status: 502 }],
    });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await deliver(message, attempt);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(Object.values(result.delays)[0] as number);
    }
    delays.forEach((delay, index) => {
      const base = RETRY_SCHEDULE_SECONDS[index] as number;
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - JITTER)));
      expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + JITTER)));
    });
    const success = await deliver(message, 4);
    expect(success.explicitAcks).toHaveLength(1);
    expect(success.retryMessages).toEqual([]);
    // The queue runs the message once more (at least once): nothing is sent again.
    const duplicate = await deliver(message, 5);
    expect(duplicate.explicitAcks).toHaveLength(1);

    const received = await captured(path);
    expect(received.map((entry) => entry.status)).toEqual([500, 302, 502, 204]);
    expect(new Set(received.map((entry) => entry.headers['webhook-id'])).size).toBe(1);
    expect(received.filter((entry) => entry.status === 204)).toHaveLength(1);
    const row = await deliveryRow(message.deliveryId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 4 });
    const log = await withDb((db) =>
      db
        .select()
        .from(webhookAttempts)
        .where(eq(webhookAttempts.deliveryId, message.deliveryId))
        .orderBy(webhookAttempts.attempt),
    );
    expect(log.map((entry) => entry.outcome)).toEqual(['retry', 'retry', 'retry', 'delivered']);
    expect(log[1]?.error).toMatch(/redirect to https:\/\/elsewhere.example\/ not followed/);
    expect(log[0]?.responseBody).toBe('refused with 500');
  });

  it('honours Retry-After on 429 and 503', async () => {
    const { path, message } = await oneDelivery('retry-after');
    await control('script', {
      path,
      answers: [
        { status: 429, retryAfter: '120' },
        { status: 503, retryAfter: '7' },
      ],
    });
    expect((await deliver(message, 1)).delays).toEqual({ [`${message.id}#1`]: 120 });
    expect((await deliver(message, 2)).delays).toEqual({ [`${message.id}#2`]: 7 });
    expect((await deliver(message, 3)).explicitAcks).toHaveLength(1);
  });

  it('schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±20 % jitter, within the queue limits', () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    // The queue's retry budget covers the schedule.
    expect(QUEUES['webhook-deliveries'].maxRetries).toBeGreaterThanOrEqual(MAX_ATTEMPTS - 1);
    RETRY_SCHEDULE_SECONDS.forEach((base, index) => {
      expect(retryDelayFor(index + 1, () => 0)).toBe(Math.round(base * 0.8));
      expect(retryDelayFor(index + 1, () => 0.999_999)).toBe(Math.min(43_200, Math.round(base * 1.2)));
    });
    expect(retryDelayFor(8)).toBeNull();
  });

  it('marks a delivery failed after the last attempt, and replays it later under the same webhook-id', async () => {
    const { endpoint, path, message } = await oneDelivery('final');
    await withDb((db) =>
      db
        .update(webhookDeliveries)
        .set({ attempts: MAX_ATTEMPTS - 1 })
        .where(eq(webhookDeliveries.id, message.deliveryId)),
    );
    await control('script', { path, answers: [{ status: 500 }] });
    const last = await deliver(message, MAX_ATTEMPTS);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    expect(await deliveryRow(message.deliveryId)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });

    const { sent, queue } = recordingQueue();
    const overrides = { DATABASE_URL: database.url, WEBHOOK_DELIVERIES_QUEUE: queue } as Partial<Env>;
    const replay = await admin(
      `/api/v1/webhooks/${endpoint.id}/deliveries/${message.deliveryId}/replay`,
      { method: 'POST' },
      overrides,
    );
    expect(replay.status).toBe(202);
    const [replayMessage] = sent.map((entry) => entry.body);
    if (!replayMessage) throw new Error('replay not queued');
    expect(replayMessage.generation).toBe(1);
    // The old run's message is inert; the replay delivers.
    expect((await deliver(message, 1)).explicitAcks).toHaveLength(1);
    expect(await captured(path)).toHaveLength(1);
    await deliver(replayMessage, 1);
    const received = await captured(path);
    expect(received.map((entry) => entry.status)).toEqual([500, 204]);
    expect(received[1]?.headers['webhook-id']).toBe(received[0]?.headers['webhook-id']);

    const detail = await admin(
      `/api/v1/webhooks/${endpoint.id}/deliveries/${message.deliveryId}`,
      {},
      overrides,
    );
    const body = (await detail.json()) as { status: string; log: { outcome: string }[] };
    expect(body.status).toBe('delivered');
    expect(body.log.map((entry) => entry.outcome)).toEqual(['delivered', 'failed']);
  });

  it('replays every failed delivery since a time', async () => {
    const { endpoint, path } = await endpointAtReceiver('replay-all');
    await control('script', { path, answers: [{ status: 400, times: 10 }] });
    const messages = [
      ...(await fanOut(domainEvent('organisation.created'))),
      ...(await fanOut(domainEvent('organisation.deleted'))),
    ];
    await withDb((db) =>
      db
        .update(webhookDeliveries)
        .set({ attempts: MAX_ATTEMPTS - 1 })
        .where(eq(webhookDeliveries.endpointId, endpoint.id)),
    );
    for (const message of messages) await deliver(message, 1);
    await control('script', { path, answers: [] });
    const { sent, queue } = recordingQueue();
    const overrides = { DATABASE_URL: database.url, WEBHOOK_DELIVERIES_QUEUE: queue } as Partial<Env>;
    const response = await admin(
      `/api/v1/webhooks/${endpoint.id}/deliveries/replay-failed`,
      jsonBody('POST', { since: new Date(Date.now() - 60_000).toISOString() }),
      overrides,
    );
    expect(await response.json()).toEqual({ replayed: 2 });
    for (const entry of sent) await deliver(entry.body, 1);
    const list = await admin(`/api/v1/webhooks/${endpoint.id}/deliveries?status=delivered`, {}, overrides);
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('410 Gone disables the endpoint and announces it with webhook_endpoint.disabled', async () => {
    const { endpoint, path, message } = await oneDelivery('gone');
    await control('script', { path, answers: [{ status: 410 }] });
    const result = await deliver(message);
    expect(result.retryMessages).toEqual([]);
    expect(await endpointRow(endpoint.id)).toMatchObject({ active: false, disabledReason: 'gone' });
    expect(await deliveryRow(message.deliveryId)).toMatchObject({ status: 'failed', lastStatusCode: 410 });
    const [event] = await withDb((db) =>
      db
        .select()
        .from(outboxEvents)
        .where(
          and(eq(outboxEvents.type, 'webhook_endpoint.disabled'), eq(outboxEvents.entityId, endpoint.id)),
        ),
    );
    expect(event).toMatchObject({ entityType: 'webhook_endpoint', actorId: null });
    expect(event?.payload).toMatchObject({ url: endpoint.url, reason: expect.stringMatching(/410/) });
    // A disabled endpoint receives nothing more.
    expect(await fanOut(domainEvent('organisation.created'))).toEqual([]);
  });

  it('disables an endpoint that has been failing for five days', async () => {
    const { endpoint, path, message } = await oneDelivery('five-days');
    await withDb((db) =>
      db
        .update(webhookEndpoints)
        .set({ failingSince: new Date(Date.now() - 5 * 24 * 3_600_000 - 60_000), consecutiveFailures: 40 })
        .where(eq(webhookEndpoints.id, endpoint.id)),
    );
    await control('script', { path, answers: [{ status: 500 }] });
    await deliver(message);
    expect(await endpointRow(endpoint.id)).toMatchObject({
      active: false,
      disabledReason: 'failing',
      consecutiveFailures: 41,
    });
    // Re-enabling by an Admin clears the failure streak.
    const patched = await admin(`/api/v1/webhooks/${endpoint.id}`, jsonBody('PATCH', { active: true }), {
      DATABASE_URL: database.url,
    } as Partial<Env>);
    expect(await patched.json()).toMatchObject({
      active: true,
      disabledReason: null,
      health: { consecutiveFailures: 0, failingSince: null },
    });
  });

  it('defers, without using an attempt, past the per-endpoint rate limit', async () => {
    if (!inject('REDIS_AVAILABLE')) return;
    const { path } = await endpointAtReceiver('rate', { rateLimitPerSecond: 1 });
    const messages: WebhookDeliverMessage[] = [];
    for (let index = 0; index < 6; index++)
      messages.push(...(await fanOut(domainEvent('organisation.created'))));
    const { sent, queue } = recordingQueue();
    // One batch, consumed back to back: more than one delivery per second for this endpoint.
    const result = await runBatch(
      'webhook-deliveries',
      messages.map((body, index) => ({ id: `rate-${index}`, timestamp: new Date(), attempts: 1, body })),
      { WEBHOOK_DELIVERIES_QUEUE: queue } as Partial<Env>,
    );
    expect(result.explicitAcks).toHaveLength(6);
    const delivered = await captured(path);
    expect(delivered.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    // Every delivery was either sent or handed back to the queue for later: none lost, none doubled.
    expect(delivered.length + sent.length).toBe(6);
    for (const deferral of sent) {
      expect(deferral.delaySeconds).toBeGreaterThanOrEqual(1);
      expect(await deliveryRow(deferral.body.deliveryId)).toMatchObject({ status: 'pending', attempts: 0 });
    }
  });

  it('sends a test event on request', async () => {
    const { endpoint, path } = await endpointAtReceiver('test-event');
    const { sent, queue } = recordingQueue();
    const response = await admin(`/api/v1/webhooks/${endpoint.id}/test`, { method: 'POST' }, {
      DATABASE_URL: database.url,
      WEBHOOK_DELIVERIES_QUEUE: queue,
    } as Partial<Env>);
    expect(response.status).toBe(202);
    const [message] = sent;
    if (!message) throw new Error('not queued');
    await deliver(message.body);
    const [received] = await captured(path);
    expect(JSON.parse(received?.body ?? '{}')).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id },
    });
    expect(received?.hmacVerified).toBe(true);
  });
});
