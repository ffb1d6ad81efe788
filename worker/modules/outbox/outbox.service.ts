import { asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, DbHandle } from '../../db/client';
import { outboxEvents } from '../../db/schema';
import type { Logger } from '../../lib/logger';
import type { DomainEventMessage } from '../../queues/messages';

/** The queue API the dispatcher needs (Cloudflare's `Queue` binding satisfies it). */
export interface EventQueue {
  sendBatch(messages: Iterable<MessageSendRequest<DomainEventMessage>>): Promise<unknown>;
}

const BATCH = 100; // Queues accept at most 100 messages per sendBatch.

/**
 * Moves undispatched outbox rows to the domain-events queue. Rows are locked
 * with SKIP LOCKED, so concurrent dispatchers (a request's waitUntil and the
 * cron sweep) never send the same row twice at once; if the commit fails after
 * the send, the row is sent again later — consumers deduplicate on the event id.
 */
export async function dispatchPending(db: Database, queue: EventQueue, maxBatches = 10): Promise<number> {
  let dispatched = 0;
  for (let round = 0; round < maxBatches; round++) {
    const sent = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outboxEvents)
        .where(isNull(outboxEvents.dispatchedAt))
        .orderBy(asc(outboxEvents.occurredAt))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      await queue.sendBatch(
        rows.map((row) => ({
          body: {
            id: row.id,
            type: row.type,
            entityType: row.entityType,
            entityId: row.entityId,
            actorId: row.actorId,
            ownerId: row.ownerId,
            teamId: row.teamId,
            payload: row.payload as Record<string, unknown>,
            occurredAt: row.occurredAt.toISOString(),
          },
          contentType: 'json' as const,
        })),
      );
      await tx
        .update(outboxEvents)
        .set({ dispatchedAt: sql`now()`, attempts: sql`${outboxEvents.attempts} + 1` })
        .where(
          inArray(
            outboxEvents.id,
            rows.map((row) => row.id),
          ),
        );
      return rows.length;
    });
    dispatched += sent;
    if (sent < BATCH) break;
  }
  return dispatched;
}

/** Fire-and-forget dispatch tied to a request's pool: the pool closes only after it. */
export function dispatchOutboxSoon(handle: DbHandle, queue: EventQueue, log: Logger): void {
  handle.track(
    dispatchPending(handle.db, queue, 1).catch((error: unknown) => {
      log.warn('outbox.dispatch_failed', { error: error instanceof Error ? error.message : String(error) });
    }),
  );
}
