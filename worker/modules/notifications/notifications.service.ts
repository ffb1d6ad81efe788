import {
  and,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Database } from '../../db/client';
import {
  interactions,
  mandates,
  type NotificationRow,
  notificationCounters,
  notificationPreferences,
  notifications,
  organisations,
  teams,
  users,
} from '../../db/schema';
import { decodeCursor, pageOf } from '../../lib/pagination';
import type { DomainEventMessage } from '../../queues/messages';
import {
  localeOf,
  NOTIFICATION_CATALOG,
  NOTIFICATION_TYPES,
  type NotificationPriority,
  type NotificationType,
  renderTemplate,
} from './notifications.catalog';
import type { ServerMessage, WireNotification } from './notifications.protocol';
import { type Audience, type NotificationRule, RULES, type RuleContext } from './notifications.rules';

const DAY_MS = 86_400_000;

/** Where notifications go once stored: each recipient's hub (see notifications.hub.ts). */
export interface HubPublisher {
  publish(userId: string, items: WireNotification[], unreadCount: number): Promise<void>;
  broadcast(userId: string, messages: ServerMessage[]): Promise<void>;
}

export function toWire(row: NotificationRow): WireNotification {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type as NotificationType,
    priority: row.priority as NotificationPriority,
    title: row.title,
    body: row.body,
    link: row.link,
    actorId: row.actorId,
    entityType: row.entityType,
    entityId: row.entityId,
    data: row.data,
    readAt: row.readAt?.toISOString() ?? null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const notExpired = () => or(isNull(notifications.expiresAt), gt(notifications.expiresAt, sql`now()`));

// ---------------------------------------------------------------- the rules engine

async function resolveAudience(
  db: Database,
  event: DomainEventMessage,
  audience: Audience,
  names: Record<string, string>,
): Promise<string[]> {
  const payloadId = (key: string) => {
    const value = event.payload[key];
    return typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value) ? value : null;
  };
  switch (audience) {
    case 'assignee':
      return [payloadId('assigneeId')].filter((id): id is string => id !== null);
    case 'owner':
    case 'requester':
      return [event.ownerId ?? (audience === 'requester' ? event.actorId : null)].filter(
        (id): id is string => id !== null,
      );
    case 'teamManager': {
      if (!event.teamId) return [];
      const rows = await db.select({ id: teams.managerId }).from(teams).where(eq(teams.id, event.teamId));
      return rows.flatMap((row) => (row.id ? [row.id] : []));
    }
    case 'admins': {
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.roleId, 'admin'), eq(users.active, true)));
      return rows.map((row) => row.id);
    }
    case 'recordOwners': {
      const ids: string[] = [];
      const organisationId = payloadId('organisationId');
      const mandateId = payloadId('mandateId');
      if (organisationId) {
        const [row] = await db
          .select({ ownerId: organisations.ownerId, name: organisations.name })
          .from(organisations)
          .where(eq(organisations.id, organisationId));
        if (row) {
          ids.push(row.ownerId);
          names.record = row.name;
        }
      }
      if (mandateId) {
        const [row] = await db
          .select({ ownerId: mandates.ownerId, number: mandates.number })
          .from(mandates)
          .where(eq(mandates.id, mandateId));
        if (row) {
          ids.push(row.ownerId);
          names.record ??= row.number;
        }
      }
      return ids;
    }
    case 'mentioned': {
      if (event.entityType !== 'interaction') return [];
      const rows = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(interactions, eq(interactions.id, event.entityId))
        .where(
          and(
            eq(users.active, true),
            sql`position(lower('@' || ${users.email}) in lower(${interactions.subject} || ' ' || coalesce(${interactions.body}, ''))) > 0`,
          ),
        );
      return rows.map((row) => row.id);
    }
  }
}

export interface PlannedNotification {
  rule: NotificationRule;
  recipientId: string;
}

/**
 * Applies the rules to an event: who gets which notification. One notification
 * per recipient and event; the first matching rule wins. Exported for tests.
 */
export async function planRecipients(
  db: Database,
  event: DomainEventMessage,
  names: Record<string, string> = {},
): Promise<PlannedNotification[]> {
  const rules = RULES[event.type] ?? [];
  const planned: PlannedNotification[] = [];
  const taken = new Set<string>();
  for (const rule of rules) {
    if (rule.when && !rule.when(event)) continue;
    for (const audience of rule.audience) {
      for (const recipientId of await resolveAudience(db, event, audience, names)) {
        if (taken.has(recipientId)) continue;
        if (!rule.notifyActor && recipientId === event.actorId) continue;
        taken.add(recipientId);
        planned.push({ rule, recipientId });
      }
    }
  }
  return planned;
}

class AlreadyDelivered extends Error {}

/**
 * Stores one notification at the end of its recipient's stream. The counter's
 * row lock serialises a recipient's inserts, so sequence numbers are contiguous
 * and commit in order; a duplicate event rolls the counter back with it.
 */
async function insertInStream(
  db: Database,
  values: Omit<typeof notifications.$inferInsert, 'seq'>,
): Promise<{ row: NotificationRow; unread: number } | null> {
  try {
    return await db.transaction(async (tx) => {
      const [counter] = await tx
        .insert(notificationCounters)
        .values({ userId: values.recipientId, lastSeq: 1 })
        .onConflictDoUpdate({
          target: notificationCounters.userId,
          set: { lastSeq: sql`${notificationCounters.lastSeq} + 1` },
        })
        .returning({ lastSeq: notificationCounters.lastSeq });
      if (!counter) throw new Error('notification counter upsert returned no row');
      // The unread count rides on the insert (one round trip fewer before the push): the
      // subquery sees the statement's snapshot, without the new row, hence + 1.
      const [inserted] = await tx
        .insert(notifications)
        .values({ ...values, seq: counter.lastSeq })
        .onConflictDoNothing({ target: [notifications.eventId, notifications.recipientId] })
        .returning({
          ...getTableColumns(notifications),
          unreadBefore: sql<number>`(select count(*)::int from ${notifications} n
            where n.recipient_id = ${values.recipientId} and n.read_at is null and n.archived_at is null
              and (n.expires_at is null or n.expires_at > now()))`,
        });
      if (!inserted) throw new AlreadyDelivered();
      const { unreadBefore, ...row } = inserted;
      const expired = values.expiresAt instanceof Date && values.expiresAt.getTime() <= Date.now();
      return { row, unread: unreadBefore + (expired ? 0 : 1) };
    });
  } catch (error) {
    if (error instanceof AlreadyDelivered) return null;
    throw error;
  }
}

export interface NotifyDeps {
  db: Database;
  hubs: HubPublisher;
}

/**
 * Event → rules → one stored notification per recipient (rendered in their
 * locale, skipped if they turned the type off) → pushed to their hub.
 * Idempotent: a redelivered event finds its rows and publishes nothing new.
 */
export async function notifyForEvent(
  deps: NotifyDeps,
  event: DomainEventMessage,
): Promise<WireNotification[]> {
  const names: Record<string, string> = {};
  const planned = await planRecipients(deps.db, event, names);
  if (planned.length === 0) return [];
  const recipientIds = [...new Set(planned.map((entry) => entry.recipientId))];
  const recipients = await deps.db
    .select({ id: users.id, locale: users.locale, active: users.active })
    .from(users)
    .where(inArray(users.id, recipientIds));
  const preferences = await deps.db
    .select()
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, recipientIds));
  let actorName = { fr: 'Le système', en: 'The system' };
  if (event.actorId) {
    const [actor] = await deps.db.select({ name: users.name }).from(users).where(eq(users.id, event.actorId));
    if (actor) actorName = { fr: actor.name, en: actor.name };
  }
  const context: RuleContext = { actorName, names };
  const created: WireNotification[] = [];
  for (const { rule, recipientId } of planned) {
    const recipient = recipients.find((row) => row.id === recipientId);
    if (!recipient?.active) continue;
    const preference = preferences.find((row) => row.userId === recipientId && row.type === rule.type);
    if (preference && !preference.inApp) continue;
    const { title, body } = renderTemplate(rule.type, localeOf(recipient.locale), rule.vars(event, context));
    const stored = await insertInStream(deps.db, {
      recipientId,
      eventId: event.id,
      type: rule.type,
      priority: rule.priority?.(event) ?? NOTIFICATION_CATALOG[rule.type].priority,
      title,
      body,
      link: rule.link?.(event) ?? null,
      actorId: event.actorId,
      entityType: event.entityType,
      entityId: event.entityId,
      data: { event: event.type },
      expiresAt: new Date(Date.parse(event.occurredAt) + NOTIFICATION_CATALOG[rule.type].ttlDays * DAY_MS),
    });
    if (!stored) continue;
    const wire = toWire(stored.row);
    created.push(wire);
    await deps.hubs.publish(recipientId, [wire], stored.unread);
  }
  return created;
}

// ---------------------------------------------------------------- reading and read state

export async function unreadCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(
        eq(notifications.recipientId, userId),
        isNull(notifications.readAt),
        isNull(notifications.archivedAt),
        notExpired(),
      ),
    );
  return row?.count ?? 0;
}

const CATCH_UP_LIMIT = 500;
const FIRST_VISIT_ITEMS = 20;

/**
 * What a (re)connecting socket missed: every live notification after `cursor`,
 * up to the recipient's last committed sequence number (read first: anything
 * above it is not committed yet and will arrive by publish).
 */
export async function catchUp(db: Database, userId: string, cursor: number | null) {
  const [counter] = await db
    .select({ lastSeq: notificationCounters.lastSeq })
    .from(notificationCounters)
    .where(eq(notificationCounters.userId, userId));
  const lastSeq = counter?.lastSeq ?? 0;
  const since = cursor === null ? undefined : gt(notifications.seq, cursor);
  const rows =
    cursor !== null && cursor >= lastSeq
      ? []
      : await db
          .select()
          .from(notifications)
          .where(
            and(eq(notifications.recipientId, userId), lte(notifications.seq, lastSeq), since, notExpired()),
          )
          .orderBy(desc(notifications.seq))
          .limit(cursor === null ? FIRST_VISIT_ITEMS : CATCH_UP_LIMIT + 1);
  const truncated = cursor !== null && rows.length > CATCH_UP_LIMIT;
  const items = rows.slice(0, CATCH_UP_LIMIT).reverse().map(toWire);
  return { items, cursor: Math.max(lastSeq, cursor ?? 0), truncated, unread: await unreadCount(db, userId) };
}

export async function markRead(
  db: Database,
  hubs: HubPublisher,
  userId: string,
  ids: string[] | 'all',
): Promise<{ ids: string[] | 'all'; unread: number }> {
  const readAt = new Date();
  const scope =
    ids === 'all'
      ? eq(notifications.recipientId, userId)
      : and(eq(notifications.recipientId, userId), inArray(notifications.id, ids));
  const updated = await db
    .update(notifications)
    .set({ readAt })
    .where(and(scope, isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  const unread = await unreadCount(db, userId);
  const changed = ids === 'all' ? 'all' : updated.map((row) => row.id);
  if (changed === 'all' || changed.length > 0) {
    await hubs.broadcast(userId, [
      { type: 'read', ids: changed, readAt: readAt.toISOString() },
      { type: 'unread', count: unread },
    ]);
  }
  return { ids: changed, unread };
}

export async function archive(
  db: Database,
  hubs: HubPublisher,
  userId: string,
  ids: string[],
): Promise<{ ids: string[]; unread: number }> {
  const updated = await db
    .update(notifications)
    .set({ archivedAt: new Date() })
    .where(
      and(
        eq(notifications.recipientId, userId),
        inArray(notifications.id, ids),
        isNull(notifications.archivedAt),
      ),
    )
    .returning({ id: notifications.id });
  const unread = await unreadCount(db, userId);
  const changed = updated.map((row) => row.id);
  if (changed.length > 0) {
    await hubs.broadcast(userId, [
      { type: 'archived', ids: changed },
      { type: 'unread', count: unread },
    ]);
  }
  return { ids: changed, unread };
}

export interface ListNotificationsQuery {
  status?: 'unread' | 'read' | 'all';
  archived?: boolean;
  type?: NotificationType[];
  priority?: NotificationPriority[];
  limit: number;
  cursor?: string;
}

/** The caller's own notifications, newest first; expired ones are never listed. */
export async function listNotifications(db: Database, userId: string, query: ListNotificationsQuery) {
  const conditions: (SQL | undefined)[] = [eq(notifications.recipientId, userId), notExpired()];
  if (query.status === 'unread') conditions.push(isNull(notifications.readAt));
  if (query.status === 'read') conditions.push(isNotNull(notifications.readAt));
  conditions.push(query.archived ? isNotNull(notifications.archivedAt) : isNull(notifications.archivedAt));
  if (query.type?.length) conditions.push(inArray(notifications.type, query.type));
  if (query.priority?.length) conditions.push(inArray(notifications.priority, query.priority));
  if (query.cursor) {
    const [seq] = decodeCursor(query.cursor, 1);
    conditions.push(sql`${notifications.seq} < ${Number(seq)}`);
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...conditions))
    .orderBy(desc(notifications.seq))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.seq]);
  return { data: page.data.map(toWire), nextCursor: page.nextCursor };
}

// ---------------------------------------------------------------- preferences

export interface NotificationPreference {
  type: NotificationType;
  inApp: boolean;
  email: boolean;
}

/** Every type with the user's choice, or the defaults (in-app on; email only for urgent). */
export async function getPreferences(db: Database, userId: string): Promise<NotificationPreference[]> {
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  return NOTIFICATION_TYPES.map((type) => {
    const row = rows.find((candidate) => candidate.type === type);
    return { type, inApp: row?.inApp ?? true, email: row?.email ?? false };
  });
}

export async function updatePreferences(
  db: Database,
  userId: string,
  changes: { type: NotificationType; inApp?: boolean; email?: boolean }[],
): Promise<NotificationPreference[]> {
  if (changes.length > 0) {
    const current = await getPreferences(db, userId);
    await db.transaction(async (tx) => {
      for (const change of changes) {
        const base = current.find((entry) => entry.type === change.type);
        const next = {
          inApp: change.inApp ?? base?.inApp ?? true,
          email: change.email ?? base?.email ?? false,
        };
        await tx
          .insert(notificationPreferences)
          .values({ userId, type: change.type, ...next })
          .onConflictDoUpdate({
            target: [notificationPreferences.userId, notificationPreferences.type],
            set: { ...next, updatedAt: sql`now()` },
          });
      }
    });
  }
  return getPreferences(db, userId);
}
