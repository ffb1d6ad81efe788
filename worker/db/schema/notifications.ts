import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Per recipient, the last sequence number handed out. Taking its row lock in the
 * inserting transaction makes a user's sequence numbers contiguous and committed
 * in order, so "everything after cursor N" is an exact catch-up query.
 */
export const notificationCounters = pgTable('notification_counters', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
});

/** One row per recipient: rendered in their locale when created. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipientId: uuid('recipient_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Position in the recipient's stream (see notification_counters). */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** What caused it: a domain event id, or a deterministic key for time-based ones. */
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    priority: text('priority').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    entityType: text('entity_type'),
    entityId: uuid('entity_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    readAt: at('read_at'),
    archivedAt: at('archived_at'),
    expiresAt: at('expires_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('notifications_event_recipient_key').on(table.eventId, table.recipientId),
    uniqueIndex('notifications_recipient_seq_key').on(table.recipientId, table.seq),
    index('notifications_unread_idx')
      .on(table.recipientId, table.seq)
      .where(sql`${table.readAt} is null and ${table.archivedAt} is null`),
    index('notifications_expires_idx').on(table.expiresAt).where(sql`${table.expiresAt} is not null`),
  ],
);

/** Per user and type; a missing row means the defaults (in-app on, email off). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    inApp: boolean('in_app').notNull().default(true),
    /** Read by the email feature (urgent notifications); nothing sends email here. */
    email: boolean('email').notNull().default(false),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.type] })],
);

export type NotificationRow = typeof notifications.$inferSelect;
