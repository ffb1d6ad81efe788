import { z } from '@hono/zod-openapi';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { timelineEvents, users } from '../../db/schema';
import { decodeCursor, pageOf } from '../../lib/pagination';

export const timelineEntrySchema = z
  .object({
    id: z.uuid(),
    action: z.string().openapi({ example: 'stage_changed' }),
    actorId: z.uuid().nullable(),
    actorName: z.string().nullable(),
    changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
    occurredAt: z.iso.datetime(),
  })
  .openapi('TimelineEntry');

export const timelinePageSchema = z
  .object({ data: z.array(timelineEntrySchema), nextCursor: z.string().nullable() })
  .openapi('TimelinePage');

/**
 * A record's history, newest first. Callers check that the record is visible
 * to the actor before asking: the timeline inherits the record's scope.
 */
export async function listTimeline(
  db: Database,
  entityType: string,
  entityId: string,
  options: { limit: number; cursor?: string },
) {
  const conditions = [eq(timelineEvents.entityType, entityType), eq(timelineEvents.entityId, entityId)];
  if (options.cursor) {
    const [occurredAt, id] = decodeCursor(options.cursor, 2);
    conditions.push(
      sql`(${timelineEvents.occurredAt}, ${timelineEvents.id}) < (${String(occurredAt)}::timestamptz, ${String(id)}::uuid)`,
    );
  }
  const rows = await db
    .select({
      id: timelineEvents.id,
      action: timelineEvents.action,
      actorId: timelineEvents.actorId,
      actorName: users.name,
      changes: timelineEvents.changes,
      occurredAt: timelineEvents.occurredAt,
    })
    .from(timelineEvents)
    .leftJoin(users, eq(users.id, timelineEvents.actorId))
    .where(and(...conditions))
    .orderBy(desc(timelineEvents.occurredAt), desc(timelineEvents.id))
    .limit(options.limit + 1);
  const page = pageOf(rows, options.limit, (row) => [row.occurredAt.toISOString(), row.id]);
  return {
    data: page.data.map((row) => ({
      ...row,
      changes: row.changes as Record<string, { before: unknown; after: unknown }> | null,
      occurredAt: row.occurredAt.toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}
