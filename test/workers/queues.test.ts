import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
} from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CRONS } from '../../worker/cron/scheduled';
import { deadLetters, jobHeartbeats, outboxEvents } from '../../worker/db/schema';
import worker from '../../worker/index';
import { heartbeatMessage } from '../../worker/queues/messages';
import { QUEUES, retryDelaySeconds } from '../../worker/queues/queues.config';
import wranglerToml from '../../wrangler.toml?raw';
import { expectErrorLogs } from './setup';
import { createTestDatabase, testDbHandle } from './support/helpers';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

type TestMessage = Parameters<typeof createMessageBatch>[1][number];

function message(id: string, body: unknown, attempts = 1): TestMessage {
  return { id, timestamp: new Date(), attempts, body };
}

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

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('queue consumers', () => {
  it('consumes a message and acks it; a redelivery is idempotent', async () => {
    const beat = heartbeatMessage('test:consume', Date.parse('2026-11-22T08:00:00Z'));
    const first = await runBatch('domain-events', [message('m1', beat)]);
    expect(first.explicitAcks).toEqual(['m1']);
    expect(first.retryMessages).toEqual([]);
    const again = await runBatch('domain-events', [message('m1-again', beat, 2)]);
    expect(again.explicitAcks).toEqual(['m1-again']);

    const handle = testDbHandle(database.url);
    try {
      const [row] = await handle.db
        .select()
        .from(jobHeartbeats)
        .where(eq(jobHeartbeats.source, 'test:consume'));
      expect(row?.runs).toBe(1);
      expect(row?.lastScheduledAt.toISOString()).toBe('2026-11-22T08:00:00.000Z');
    } finally {
      await handle.close();
    }
  });

  it('retries each failing message with its own growing delay', async () => {
    expectErrorLogs();
    const good = heartbeatMessage('test:good', Date.now());
    const result = await runBatch(
      'domain-events',
      [message('first', good), message('flaky', heartbeatMessage('test:flaky', Date.now()), 3)],
      // Postgres unreachable for this batch: a transient failure.
      { DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/none' },
    );
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: 'first' }, { msgId: 'flaky' }]);
    expect(result.delays).toEqual({ first: retryDelaySeconds(1), flaky: retryDelaySeconds(3) });
    expect(retryDelaySeconds(1)).toBe(10);
    expect(retryDelaySeconds(3)).toBe(40);
    expect(retryDelaySeconds(30)).toBe(3_600);
  });

  it('dead-letters a message after its last retry and stores it with its error', async () => {
    const logs = expectErrorLogs();
    const beat = heartbeatMessage('test:exhausted', Date.now());
    const attempts = QUEUES['domain-events'].maxRetries + 1;
    // A malformed message cannot succeed on retry: it is dead-lettered at once.
    const poison = { ...beat, id: 'poison-1', scheduledAt: 'not a date' };
    const neighbour = heartbeatMessage('test:neighbour', Date.now());
    const settled = await runBatch('domain-events', [message('p1', poison, 1), message('n1', neighbour, 1)]);
    // One bad message never holds back its batch.
    expect(settled.explicitAcks).toEqual(['p1', 'n1']);
    expect(settled.retryMessages).toEqual([]);

    // An exhausted transient failure is handed to the dead-letter queue (retry past max_retries).
    const exhausted = await runBatch('domain-events', [message('e1', beat, attempts)], {
      DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/none',
    });
    expect(exhausted.retryMessages).toEqual([{ msgId: 'e1' }]);
    expect(exhausted.delays).toEqual({ e1: null });

    // The dead-letter consumer keeps it (idempotently).
    const dlq = await runBatch('domain-events-dlq', [message('e1', beat, 1), message('e1-dup', beat, 1)]);
    expect(dlq.explicitAcks).toEqual(['e1', 'e1-dup']);

    const handle = testDbHandle(database.url);
    try {
      const rows = await handle.db.select().from(deadLetters).orderBy(deadLetters.receivedAt);
      expect(rows.map((row) => row.messageId)).toEqual([
        'domain-events:poison-1',
        `domain-events:${beat.id}`,
      ]);
      expect(rows[0]?.lastError).toMatch(/invalid system.heartbeat/);
      expect(rows[1]?.body).toEqual(beat);
    } finally {
      await handle.close();
    }
    expect(logs.some((args) => String(args[0]).includes('queue.message.dead'))).toBe(true);
  });

  it('a real queue delivers a sent message to the consumer', async () => {
    const scheduled = Date.parse('2026-11-22T09:30:00Z');
    const source = `test:real-${crypto.randomUUID()}`;
    await env.DOMAIN_EVENTS_QUEUE.send(heartbeatMessage(source, scheduled));
    const handle = testDbHandle();
    try {
      const row = await waitFor(async () => {
        const [found] = await handle.db.select().from(jobHeartbeats).where(eq(jobHeartbeats.source, source));
        return found;
      });
      expect(row.lastScheduledAt.getTime()).toBe(scheduled);
    } finally {
      await handle.close();
    }
  });
});

describe('cron', () => {
  it('each trigger enqueues a heartbeat that the consumer records', async () => {
    const scheduledTime = Date.parse('2026-11-22T10:15:00Z');
    const controller = createScheduledController({ cron: CRONS.everyQuarterHour, scheduledTime });
    await worker.scheduled(controller, env, createExecutionContext());
    const handle = testDbHandle();
    try {
      const row = await waitFor(async () => {
        const [found] = await handle.db
          .select()
          .from(jobHeartbeats)
          .where(eq(jobHeartbeats.source, `cron:${CRONS.everyQuarterHour}`));
        return found && found.lastScheduledAt.getTime() === scheduledTime ? found : undefined;
      });
      expect(row.runs).toBeGreaterThanOrEqual(1);
    } finally {
      await handle.close();
    }
  });

  it('the every-minute sweep moves pending outbox events to the queue, where they are consumed', async () => {
    const handle = testDbHandle();
    try {
      const entityId = crypto.randomUUID();
      const [event] = await handle.db
        .insert(outboxEvents)
        .values({
          type: 'organisation.created',
          entityType: 'organisation',
          entityId,
          payload: { id: entityId },
        })
        .returning();
      if (!event) throw new Error('outbox row not inserted');
      await worker.scheduled(
        createScheduledController({ cron: CRONS.everyMinute, scheduledTime: Date.now() }),
        env,
        createExecutionContext(),
      );
      const [row] = await handle.db.select().from(outboxEvents).where(eq(outboxEvents.id, event.id));
      expect(row?.dispatchedAt).toBeInstanceOf(Date);
      expect(row?.attempts).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it('wrangler.toml declares the same crons and retry budgets as the code', () => {
    const crons = /\[triggers\]\s*crons = \[([^\]]*)\]/.exec(wranglerToml)?.[1];
    expect(crons?.split(',').map((cron) => cron.trim().replaceAll('"', ''))).toEqual(Object.values(CRONS));
    for (const [queue, { maxRetries }] of Object.entries(QUEUES)) {
      const block = new RegExp(
        `\\[\\[queues\\.consumers\\]\\]\\s*queue = "${queue}"[^[]*max_retries = (\\d+)\\s*dead_letter_queue = "${queue}-dlq"`,
      ).exec(wranglerToml);
      expect(block?.[1], `${queue} in wrangler.toml`).toBe(String(maxRetries));
    }
  });
});
