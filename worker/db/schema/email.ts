import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { people } from './crm';
import { teams, users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Ownership, timestamps, soft delete and a version (ETag), as on CRM records. */
const record = () => ({
  ownerId: uuid('owner_id')
    .notNull()
    .references(() => users.id),
  teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  deletedAt: at('deleted_at'),
  version: integer('version').notNull().default(1),
});

/** A block document (see worker/modules/email/email.blocks.ts) and what it renders to. */
export const emailTemplates = pgTable(
  'email_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    subject: text('subject').notNull(),
    preheader: text('preheader'),
    blocks: jsonb('blocks').notNull(),
    /** Sanitised, email-client-safe HTML with `{{variables}}` still in place. */
    html: text('html').notNull(),
    text: text('text').notNull(),
    ...record(),
  },
  (table) => [index('email_templates_updated_idx').on(table.updatedAt, table.id)],
);

/** Dynamic segments (saved filters) and static lists (members by hand or CSV). */
export const emailSegments = pgTable(
  'email_segments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').notNull().default('dynamic'),
    filters: jsonb('filters').notNull().default(sql`'{}'::jsonb`),
    ...record(),
  },
  (table) => [index('email_segments_updated_idx').on(table.updatedAt, table.id)],
);

export const emailListMembers = pgTable(
  'email_list_members',
  {
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => emailSegments.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    addedAt: at('added_at').notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.segmentId, table.personId] }),
    index('email_list_members_person_idx').on(table.personId),
  ],
);

export const emailCampaigns = pgTable(
  'email_campaigns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => emailSegments.id),
    fromName: text('from_name').notNull(),
    fromEmail: text('from_email').notNull(),
    /** draft → scheduled → sending (→ testing → sending) → sent; paused / cancelled. */
    status: text('status').notNull().default('draft'),
    scheduledAt: at('scheduled_at'),
    startedAt: at('started_at'),
    completedAt: at('completed_at'),
    /** `{ testPercent, metric: 'opens'|'clicks', waitMinutes, defaultVariant }` or null (no test). */
    abTest: jsonb('ab_test'),
    winnerVariantId: uuid('winner_variant_id'),
    /** Why the winner was chosen: z score, p value, or "not significant: default". */
    winnerReason: text('winner_reason'),
    testEndsAt: at('test_ends_at'),
    ...record(),
  },
  (table) => [
    index('email_campaigns_updated_idx').on(table.updatedAt, table.id),
    index('email_campaigns_due_idx')
      .on(table.scheduledAt)
      .where(sql`${table.status} = 'scheduled' and ${table.deletedAt} is null`),
    index('email_campaigns_testing_idx')
      .on(table.testEndsAt)
      .where(sql`${table.status} = 'testing' and ${table.deletedAt} is null`),
  ],
);

/** Variant A, B…: a subject and a template each; a campaign without a test has one. */
export const emailCampaignVariants = pgTable(
  'email_campaign_variants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    campaignId: uuid('campaign_id')
      .notNull()
      .references(() => emailCampaigns.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    subject: text('subject').notNull(),
    templateId: uuid('template_id')
      .notNull()
      .references(() => emailTemplates.id),
    /** Share of the test group, in percent (variants of a campaign add up to 100). */
    splitPercent: integer('split_percent').notNull().default(100),
  },
  (table) => [uniqueIndex('email_campaign_variants_label_key').on(table.campaignId, table.label)],
);

export const emailSequences = pgTable(
  'email_sequences',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    status: text('status').notNull().default('draft'),
    fromName: text('from_name').notNull(),
    fromEmail: text('from_email').notNull(),
    /** Domain events that stop an enrolment (interaction.created, mandate.signed…). */
    stopOn: text('stop_on').array().notNull().default(sql`'{interaction.created}'::text[]`),
    /** `{ weekdays: [1..7], startHour, endHour, timeZone }`: when emails may leave. */
    sendingWindow: jsonb('sending_window'),
    ...record(),
  },
  (table) => [index('email_sequences_updated_idx').on(table.updatedAt, table.id)],
);

export const emailSequenceSteps = pgTable(
  'email_sequence_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sequenceId: uuid('sequence_id')
      .notNull()
      .references(() => emailSequences.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** email | wait | branch | task | stop */
    kind: text('kind').notNull(),
    config: jsonb('config').notNull().default(sql`'{}'::jsonb`),
  },
  (table) => [uniqueIndex('email_sequence_steps_position_key').on(table.sequenceId, table.position)],
);

/** One person in one sequence: a small state machine advanced by the cron. */
export const emailEnrolments = pgTable(
  'email_enrolments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sequenceId: uuid('sequence_id')
      .notNull()
      .references(() => emailSequences.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** active | completed | stopped */
    state: text('state').notNull().default('active'),
    stepPosition: integer('step_position').notNull().default(0),
    nextRunAt: at('next_run_at'),
    stopReason: text('stop_reason'),
    enrolledAt: at('enrolled_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('email_enrolments_person_key').on(table.sequenceId, table.personId),
    index('email_enrolments_due_idx').on(table.nextRunAt).where(sql`${table.state} = 'active'`),
    index('email_enrolments_person_idx').on(table.personId),
  ],
);

/**
 * One email to one recipient. `idempotency_key` is (campaign or step, recipient):
 * queue redelivery finds the row already sent and never sends twice.
 */
export const emailSends = pgTable(
  'email_sends',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    idempotencyKey: text('idempotency_key').notNull(),
    campaignId: uuid('campaign_id').references(() => emailCampaigns.id, { onDelete: 'cascade' }),
    variantId: uuid('variant_id').references(() => emailCampaignVariants.id, { onDelete: 'cascade' }),
    enrolmentId: uuid('enrolment_id').references(() => emailEnrolments.id, { onDelete: 'cascade' }),
    stepId: uuid('step_id').references(() => emailSequenceSteps.id, { onDelete: 'cascade' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    /** queued | sending | sent | failed | skipped */
    status: text('status').notNull().default('queued'),
    /** For A/B: `test` (the test group) or `final` (the rest, after the winner). */
    phase: text('phase'),
    providerMessageId: text('provider_message_id'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /** A consumer holds a `sending` row until then; a crashed one's rows are taken back after it. */
    leasedUntil: at('leased_until'),
    queuedAt: at('queued_at').notNull().defaultNow(),
    sentAt: at('sent_at'),
  },
  (table) => [
    uniqueIndex('email_sends_idempotency_key').on(table.idempotencyKey),
    index('email_sends_campaign_idx').on(table.campaignId, table.status),
    index('email_sends_person_idx').on(table.personId),
    index('email_sends_provider_idx').on(table.providerMessageId),
    index('email_sends_sent_idx').on(table.sentAt),
    index('email_sends_queued_idx').on(table.queuedAt).where(sql`${table.status} = 'queued'`),
  ],
);

/** Provider events and our own tracking hits, deduplicated by `event_key`. */
export const emailEvents = pgTable(
  'email_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `sg:<sg_event_id>` for SendGrid, `t:<uuid>` for our pixel and redirects. */
    eventKey: text('event_key').notNull(),
    sendId: uuid('send_id').references(() => emailSends.id, { onDelete: 'cascade' }),
    /** processed | delivered | deferred | bounce | dropped | open | click | spamreport | unsubscribe */
    type: text('type').notNull(),
    email: text('email'),
    url: text('url'),
    /** Opens by mail-privacy proxies and security scanners, not by a person. */
    machine: boolean('machine').notNull().default(false),
    occurredAt: at('occurred_at').notNull().defaultNow(),
    payload: jsonb('payload'),
  },
  (table) => [
    uniqueIndex('email_events_key').on(table.eventKey),
    index('email_events_send_idx').on(table.sendId, table.type),
    index('email_events_occurred_idx').on(table.occurredAt),
  ],
);

/** Addresses never mailed again (marketing): unsubscribes, hard bounces, spam reports, by hand. */
export const emailSuppressions = pgTable('email_suppressions', {
  email: text('email').primaryKey(),
  reason: text('reason').notNull(),
  source: text('source'),
  createdAt: at('created_at').notNull().defaultNow(),
});
