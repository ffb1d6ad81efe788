import { and, between, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { CRONS } from '../../cron/scheduled';
import type { Database } from '../../db/client';
import { mandates, notifications, tasks } from '../../db/schema';
import type { ConsumerDeps } from '../../queues/consumer';
import { type DomainEventMessage, envelopeSchema } from '../../queues/messages';
import { hubPublisher } from './notifications.hub';
import { notifyForEvent } from './notifications.service';

/**
 * Time-based notifications. Cron enqueues a scan; the consumer turns what is
 * due into synthetic events whose ids are deterministic (`task.overdue:<id>:<date>`),
 * so each is notified exactly once however often the scan runs or is retried.
 */
export const notificationsScanSchema = envelopeSchema.extend({
  type: z.literal('notifications.scan'),
  scheduledAt: z.iso.datetime(),
});
export const notificationsSweepSchema = envelopeSchema.extend({
  type: z.literal('notifications.sweep'),
  scheduledAt: z.iso.datetime(),
});
type ScanMessage = z.infer<typeof notificationsScanSchema>;
type SweepMessage = z.infer<typeof notificationsSweepSchema>;

/** What cron enqueues for notifications on a tick: the scan every quarter hour, the sweep daily. */
export function notificationJobs(cron: string, scheduledTime: number): (ScanMessage | SweepMessage)[] {
  const scheduledAt = new Date(scheduledTime).toISOString();
  if (cron === CRONS.everyQuarterHour) {
    return [{ id: `notifications.scan:${scheduledTime}`, type: 'notifications.scan', scheduledAt }];
  }
  if (cron === CRONS.daily) {
    return [{ id: `notifications.sweep:${scheduledTime}`, type: 'notifications.sweep', scheduledAt }];
  }
  return [];
}

const OPEN_TASKS = ['todo', 'in_progress'];
const RUNNING_MANDATES = ['signed', 'active'];
/** Overdue reminders only for recent deadlines: a task two years late is not news. */
const OVERDUE_LOOKBACK_DAYS = 7;
const EXPIRY_NOTICE_DAYS = 30;
const REVIEW_NOTICE_DAYS = 7;
const SCAN_LIMIT = 1_000;

const isoDay = (date: Date, offsetDays = 0) =>
  new Date(date.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function syntheticEvent(
  type: string,
  entityType: string,
  row: { id: string; ownerId: string; teamId: string | null },
  key: string,
  payload: Record<string, unknown>,
  now: Date,
): DomainEventMessage {
  return {
    id: `${type}:${row.id}:${key}`,
    type,
    entityType,
    entityId: row.id,
    actorId: null,
    ownerId: row.ownerId,
    teamId: row.teamId,
    payload,
    occurredAt: now.toISOString(),
  };
}

/** The time-based events due at `now` (UTC dates). */
export async function dueEvents(db: Database, now: Date): Promise<DomainEventMessage[]> {
  const today = isoDay(now);
  const taskColumns = {
    id: tasks.id,
    title: tasks.title,
    dueDate: tasks.dueDate,
    priority: tasks.priority,
    assigneeId: sql<string>`coalesce(${tasks.assigneeId}, ${tasks.ownerId})`,
    ownerId: tasks.ownerId,
    teamId: tasks.teamId,
  };
  const openTask = and(isNull(tasks.deletedAt), inArray(tasks.status, OPEN_TASKS), isNotNull(tasks.dueDate));
  const dueSoon = await db
    .select(taskColumns)
    .from(tasks)
    .where(and(openTask, between(tasks.dueDate, today, isoDay(now, 1))))
    .limit(SCAN_LIMIT);
  const overdue = await db
    .select(taskColumns)
    .from(tasks)
    .where(and(openTask, between(tasks.dueDate, isoDay(now, -OVERDUE_LOOKBACK_DAYS), isoDay(now, -1))))
    .limit(SCAN_LIMIT);
  const mandateColumns = {
    id: mandates.id,
    number: mandates.number,
    title: mandates.title,
    endDate: mandates.endDate,
    nextReviewAt: mandates.nextReviewAt,
    ownerId: mandates.ownerId,
    teamId: mandates.teamId,
  };
  const running = and(isNull(mandates.deletedAt), inArray(mandates.status, RUNNING_MANDATES));
  const expiring = await db
    .select(mandateColumns)
    .from(mandates)
    .where(and(running, between(mandates.endDate, today, isoDay(now, EXPIRY_NOTICE_DAYS))))
    .limit(SCAN_LIMIT);
  const reviews = await db
    .select(mandateColumns)
    .from(mandates)
    .where(and(running, between(mandates.nextReviewAt, today, isoDay(now, REVIEW_NOTICE_DAYS))))
    .limit(SCAN_LIMIT);
  return [
    ...dueSoon.map((row) => syntheticEvent('task.due_soon', 'task', row, String(row.dueDate), row, now)),
    ...overdue.map((row) => syntheticEvent('task.overdue', 'task', row, String(row.dueDate), row, now)),
    ...expiring.map((row) =>
      syntheticEvent('mandate.expiring', 'mandate', row, String(row.endDate), row, now),
    ),
    ...reviews.map((row) =>
      syntheticEvent('mandate.review_due', 'mandate', row, String(row.nextReviewAt), row, now),
    ),
  ];
}

export async function runNotificationScan(message: ScanMessage, deps: ConsumerDeps): Promise<void> {
  const hubs = hubPublisher(deps.env, deps.log);
  const events = await dueEvents(deps.db, new Date(message.scheduledAt));
  let created = 0;
  for (const event of events) created += (await notifyForEvent({ db: deps.db, hubs }, event)).length;
  deps.log.info('notifications.scan', { events: events.length, created });
}

/** Expired notifications are never listed nor sent; the sweep deletes them. */
export async function sweepExpiredNotifications(db: Database, now = new Date()): Promise<number> {
  const removed = await db
    .delete(notifications)
    .where(lte(notifications.expiresAt, now))
    .returning({ id: notifications.id });
  return removed.length;
}

export async function runNotificationSweep(message: SweepMessage, deps: ConsumerDeps): Promise<void> {
  const removed = await sweepExpiredNotifications(deps.db, new Date(message.scheduledAt));
  deps.log.info('notifications.sweep', { removed });
}
