import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { createDbHandle, type Database } from '../db/client';
import { deadLetters } from '../db/schema';
import { readConfig } from '../lib/config';
import { createLogger, type Logger } from '../lib/logger';
import { createReporter, type ErrorReporter } from '../lib/sentry';
import { cacheInvalidationSubscriber } from '../modules/cache/cache.events';
import { decideCampaign, startCampaign } from '../modules/email/email.campaigns.service';
import {
  campaignDecideMessageSchema,
  campaignStartMessageSchema,
  emailSendMessageSchema,
  handleSendMessage,
} from '../modules/email/email.sending';
import {
  advanceEnrolments,
  handleEmailDomainEvent,
  sequenceAdvanceMessageSchema,
} from '../modules/email/email.sequences.service';
import { exportBuildSchema, failDeadExport, runExportJob } from '../modules/exports/exports.consumer';
import { failDeadImport, importCommitSchema, runImportCommit } from '../modules/imports/imports.consumer';
import {
  notificationsScanSchema,
  notificationsSweepSchema,
  runNotificationScan,
  runNotificationSweep,
} from '../modules/notifications/notifications.schedule';
import { notificationsSubscriber } from '../modules/notifications/notifications.subscriber';
import { recordHeartbeat } from '../modules/system/system.service';
import {
  DELIVER_MESSAGE_TYPE,
  deliverWebhook,
  failDeadDelivery,
  fanOutWebhooks,
  webhookDeliverSchema,
} from '../modules/webhooks/webhooks.delivery';
import { type DomainEventMessage, domainEventSchema, envelopeSchema, heartbeatSchema } from './messages';
import { DEAD_LETTER_SUFFIX, isQueueName, QUEUES, type QueueName, retryDelaySeconds } from './queues.config';
import { RetryLater } from './retry-later';

export interface ConsumerDeps {
  db: Database;
  log: Logger;
  env: Env;
}

/** Thrown by a handler when retrying cannot help (the message itself is wrong). */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}

interface Handler<S extends z.ZodType> {
  schema: S;
  handle(message: z.infer<S>, deps: ConsumerDeps): Promise<void>;
}

function handler<S extends z.ZodType>(schema: S, handle: Handler<S>['handle']): Handler<S> {
  return { schema, handle };
}

/**
 * Subscribers to domain events (notifications, webhooks, cache invalidation…).
 * Each must be idempotent on the event id: delivery is at least once.
 */
export const DOMAIN_EVENT_SUBSCRIBERS: {
  name: string;
  handle(event: DomainEventMessage, deps: ConsumerDeps): Promise<void>;
}[] = [
  cacheInvalidationSubscriber,
  notificationsSubscriber,
  { name: 'webhooks', handle: fanOutWebhooks },
  { name: 'email', handle: handleEmailDomainEvent },
];

const domainEventHandler = handler(domainEventSchema, async (event, deps) => {
  for (const subscriber of DOMAIN_EVENT_SUBSCRIBERS) await subscriber.handle(event, deps);
});

/** Handlers by queue and message type; feature modules add theirs here. */
const HANDLERS: Record<QueueName, Record<string, Handler<z.ZodType>>> = {
  'domain-events': {
    'system.heartbeat': handler(heartbeatSchema, (message, deps) => recordHeartbeat(deps.db, message)),
    'notifications.scan': handler(notificationsScanSchema, runNotificationScan),
    'notifications.sweep': handler(notificationsSweepSchema, runNotificationSweep),
  },
  'webhook-deliveries': {
    [DELIVER_MESSAGE_TYPE]: handler(webhookDeliverSchema, deliverWebhook),
  },
  'email-sends': {
    'email.send': handler(emailSendMessageSchema, (message, deps) => handleSendMessage(message, deps)),
    'email.campaign_start': handler(campaignStartMessageSchema, (message, deps) =>
      startCampaign(message.campaignId, deps),
    ),
    'email.campaign_decide': handler(campaignDecideMessageSchema, (message, deps) =>
      decideCampaign(message.campaignId, deps),
    ),
    'email.sequence_advance': handler(sequenceAdvanceMessageSchema, advanceEnrolments),
  },
  exports: {
    'export.build': handler(exportBuildSchema, runExportJob),
  },
  imports: {
    'import.commit': handler(importCommitSchema, runImportCommit),
  },
};

/**
 * Queues whose messages are independent and I/O-bound (an HTTP call each):
 * a batch's messages run concurrently instead of one after the other.
 */
const PARALLEL_QUEUES: ReadonlySet<QueueName> = new Set(['webhook-deliveries']);

/** Work to do when a queue's message is dead (retries exhausted), besides keeping it. */
const DEAD_LETTER_HANDLERS: Partial<Record<QueueName, (body: unknown, deps: ConsumerDeps) => Promise<void>>> =
  {
    imports: failDeadImport,
    'webhook-deliveries': failDeadDelivery,
    exports: failDeadExport,
  };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Keeps a dead message with its last error; the dead-letter consumer keeps one even if this fails. */
async function storeDeadLetter(
  db: Database,
  entry: { queue: string; key: string; body: unknown; attempts: number; lastError: string | null },
) {
  await db
    .insert(deadLetters)
    .values({
      queue: entry.queue,
      messageId: entry.key,
      body: entry.body,
      attempts: entry.attempts,
      lastError: entry.lastError,
    })
    .onConflictDoUpdate({
      target: deadLetters.messageId,
      set: { lastError: sql`coalesce(excluded.last_error, ${deadLetters.lastError})` },
    });
}

function messageKey(queue: string, message: Message<unknown>): string {
  const parsed = envelopeSchema.safeParse(message.body);
  return `${queue}:${parsed.success ? parsed.data.id : message.id}`;
}

async function consumeMessage(
  queue: QueueName,
  message: Message<unknown>,
  deps: ConsumerDeps,
  reporter: ErrorReporter | null,
) {
  const { maxRetries } = QUEUES[queue];
  const log = deps.log.child({ queue, messageId: message.id, attempts: message.attempts });
  try {
    const envelope = envelopeSchema.safeParse(message.body);
    if (!envelope.success) throw new PermanentFailure('message is not an envelope { id, type }');
    const entry =
      HANDLERS[queue][envelope.data.type] ??
      (queue === 'domain-events' && domainEventSchema.shape.type.safeParse(envelope.data.type).success
        ? domainEventHandler
        : undefined);
    if (!entry) throw new PermanentFailure(`no handler for ${envelope.data.type} on ${queue}`);
    const parsed = entry.schema.safeParse(message.body);
    if (!parsed.success) throw new PermanentFailure(`invalid ${envelope.data.type}: ${parsed.error.message}`);
    await entry.handle(parsed.data, deps);
    message.ack();
    log.debug('queue.message.done');
  } catch (error) {
    if (error instanceof RetryLater && message.attempts <= maxRetries) {
      log.info('queue.message.retry_later', { delaySeconds: error.delaySeconds, reason: error.message });
      message.retry({ delaySeconds: error.delaySeconds });
      return;
    }
    const permanent = error instanceof PermanentFailure;
    const final = permanent || message.attempts > maxRetries;
    if (!final) {
      const delaySeconds = retryDelaySeconds(message.attempts);
      log.warn('queue.message.retry', { delaySeconds, error: describe(error) });
      message.retry({ delaySeconds });
      return;
    }
    log.error('queue.message.dead', { error: describe(error), permanent });
    reporter?.captureException(error, { requestId: message.id });
    try {
      await storeDeadLetter(deps.db, {
        queue,
        key: messageKey(queue, message),
        body: message.body,
        attempts: message.attempts,
        lastError: describe(error),
      });
    } catch (storeError) {
      log.error('queue.dead_letter.store_failed', { error: describe(storeError) });
    }
    // A permanent failure is settled here; an exhausted one goes to the dead-letter queue.
    if (permanent) message.ack();
    else message.retry();
  }
}

async function consumeDeadLetter(queue: string, message: Message<unknown>, deps: ConsumerDeps) {
  try {
    await deps.db
      .insert(deadLetters)
      .values({
        queue,
        messageId: messageKey(queue, message),
        body: message.body,
        attempts: message.attempts,
      })
      .onConflictDoNothing({ target: deadLetters.messageId });
    if (isQueueName(queue)) await DEAD_LETTER_HANDLERS[queue]?.(message.body, deps);
    message.ack();
  } catch (error) {
    deps.log.error('queue.dead_letter.store_failed', {
      queue,
      messageId: message.id,
      error: describe(error),
    });
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

/** The `queue` export: one bad message never retries the whole batch. */
export async function handleQueueBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const config = readConfig(env);
  const log = createLogger(config.LOG_LEVEL, { queue: batch.queue });
  const reporter = createReporter(config, ctx);
  const dbHandle = createDbHandle({ databaseUrl: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY, log });
  const deps: ConsumerDeps = {
    get db() {
      return dbHandle.db;
    },
    log,
    env,
  };
  try {
    if (batch.queue.endsWith(DEAD_LETTER_SUFFIX)) {
      const origin = batch.queue.slice(0, -DEAD_LETTER_SUFFIX.length);
      for (const message of batch.messages) await consumeDeadLetter(origin, message, deps);
      return;
    }
    const queue = batch.queue;
    if (!isQueueName(queue)) {
      log.error('queue.unknown', { queue });
      batch.retryAll({ delaySeconds: 60 });
      return;
    }
    if (PARALLEL_QUEUES.has(queue)) {
      await Promise.all(batch.messages.map((message) => consumeMessage(queue, message, deps, reporter)));
    } else {
      for (const message of batch.messages) await consumeMessage(queue, message, deps, reporter);
    }
  } finally {
    ctx.waitUntil(dbHandle.close());
  }
}
