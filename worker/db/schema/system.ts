import { integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Liveness of the background pipeline: each cron tick enqueues a heartbeat and
 * the queue consumer records it here, so operators see cron → queue → consumer work.
 */
export const jobHeartbeats = pgTable('job_heartbeats', {
  source: text('source').primaryKey(),
  lastScheduledAt: timestamp('last_scheduled_at', { withTimezone: true, mode: 'date' }).notNull(),
  lastProcessedAt: timestamp('last_processed_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow(),
  runs: integer('runs').notNull().default(1),
});

/** Messages that exhausted their retries, kept for inspection and replay. */
export const deadLetters = pgTable('dead_letters', {
  id: uuid('id').primaryKey().defaultRandom(),
  queue: text('queue').notNull(),
  messageId: text('message_id').notNull().unique(),
  body: jsonb('body').notNull(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error'),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  replayedAt: timestamp('replayed_at', { withTimezone: true, mode: 'date' }),
});
