import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { teams, users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Ownership, timestamps, soft delete and a version for optimistic concurrency (ETag). */
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

export const pipelineStages = pgTable('pipeline_stages', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  position: integer('position').notNull(),
  color: text('color').notNull().default('#366092'),
  isWon: boolean('is_won').notNull().default(false),
  isLost: boolean('is_lost').notNull().default(false),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
  deletedAt: at('deleted_at'),
});

export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    legalName: text('legal_name'),
    types: text('types').array().notNull().default(sql`'{}'::text[]`),
    category: text('category'),
    pipelineStageId: uuid('pipeline_stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('prospect'),
    country: char('country', { length: 2 }),
    city: text('city'),
    address: text('address'),
    website: text('website'),
    websiteDomain: text('website_domain'),
    email: text('email'),
    phone: text('phone'),
    aumAmount: numeric('aum_amount', { precision: 20, scale: 2 }),
    aumCurrency: char('aum_currency', { length: 3 }),
    notes: text('notes'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    externalId: text('external_id'),
    ...record(),
  },
  (table) => [
    uniqueIndex('organisations_external_id_key').on(table.externalId).where(sql`${table.deletedAt} is null`),
    index('organisations_name_idx').on(sql`lower(${table.name})`, table.id),
    index('organisations_updated_idx').on(table.updatedAt, table.id),
    index('organisations_team_idx').on(table.teamId, table.updatedAt),
    index('organisations_owner_idx').on(table.ownerId, table.updatedAt),
    index('organisations_stage_idx').on(table.pipelineStageId),
    index('organisations_status_idx').on(table.status),
    index('organisations_city_idx').on(sql`lower(${table.city})`),
    index('organisations_domain_idx').on(table.websiteDomain),
    index('organisations_types_idx').using('gin', table.types),
    index('organisations_tags_idx').using('gin', table.tags),
  ],
);

export const people = pgTable(
  'people',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    workEmail: text('work_email'),
    personalEmail: text('personal_email'),
    workPhone: text('work_phone'),
    mobilePhone: text('mobile_phone'),
    jobTitle: text('job_title'),
    language: text('language').notNull().default('fr'),
    city: text('city'),
    notes: text('notes'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    consentStatus: text('consent_status').notNull().default('unknown'),
    consentSource: text('consent_source'),
    consentAt: at('consent_at'),
    externalId: text('external_id'),
    erasedAt: at('erased_at'),
    ...record(),
  },
  (table) => [
    index('people_name_idx').on(sql`lower(${table.lastName})`, sql`lower(${table.firstName})`, table.id),
    index('people_updated_idx').on(table.updatedAt, table.id),
    index('people_team_idx').on(table.teamId, table.updatedAt),
    index('people_owner_idx').on(table.ownerId, table.updatedAt),
    index('people_work_email_idx').on(sql`lower(${table.workEmail})`),
    index('people_city_idx').on(sql`lower(${table.city})`),
    index('people_tags_idx').using('gin', table.tags),
    uniqueIndex('people_external_id_key').on(table.externalId).where(sql`${table.deletedAt} is null`),
  ],
);

/** Person ↔ organisation over time: ended affiliations are kept when people move. */
export const affiliations = pgTable(
  'affiliations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    roleTitle: text('role_title'),
    isPrimary: boolean('is_primary').notNull().default(false),
    startDate: date('start_date'),
    endDate: date('end_date'),
    ...record(),
  },
  (table) => [
    index('affiliations_person_idx').on(table.personId),
    index('affiliations_organisation_idx').on(table.organisationId),
    index('affiliations_updated_idx').on(table.updatedAt, table.id),
    uniqueIndex('affiliations_one_primary_key')
      .on(table.personId)
      .where(sql`${table.isPrimary} and ${table.endDate} is null and ${table.deletedAt} is null`),
  ],
);

export const mandateNumberCounters = pgTable('mandate_number_counters', {
  year: integer('year').primaryKey(),
  last: integer('last').notNull(),
});

export const mandates = pgTable(
  'mandates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: text('number').notNull().unique(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id),
    title: text('title').notNull(),
    type: text('type').notNull(),
    status: text('status').notNull().default('draft'),
    proposedAt: date('proposed_at'),
    signedAt: date('signed_at'),
    startDate: date('start_date'),
    endDate: date('end_date'),
    nextReviewAt: date('next_review_at'),
    amount: numeric('amount', { precision: 20, scale: 2 }),
    currency: char('currency', { length: 3 }).notNull().default('EUR'),
    managementFeeBps: integer('management_fee_bps'),
    performanceFeePct: numeric('performance_fee_pct', { precision: 5, scale: 2 }),
    feeNotes: text('fee_notes'),
    products: text('products').array().notNull().default(sql`'{}'::text[]`),
    ...record(),
  },
  (table) => [
    index('mandates_organisation_idx').on(table.organisationId),
    index('mandates_status_idx').on(table.status, table.updatedAt),
    index('mandates_updated_idx').on(table.updatedAt, table.id),
    index('mandates_team_idx').on(table.teamId, table.updatedAt),
    index('mandates_owner_idx').on(table.ownerId, table.updatedAt),
    index('mandates_review_idx').on(table.nextReviewAt),
    index('mandates_end_idx').on(table.endDate),
  ],
);

export const interactions = pgTable(
  'interactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    occurredAt: at('occurred_at').notNull(),
    subject: text('subject').notNull(),
    body: text('body'),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    mandateId: uuid('mandate_id').references(() => mandates.id, { onDelete: 'set null' }),
    ...record(),
  },
  (table) => [
    index('interactions_organisation_idx').on(table.organisationId, table.occurredAt),
    index('interactions_mandate_idx').on(table.mandateId),
    index('interactions_occurred_idx').on(table.occurredAt, table.id),
    index('interactions_updated_idx').on(table.updatedAt, table.id),
    index('interactions_team_idx').on(table.teamId, table.occurredAt),
    index('interactions_owner_idx').on(table.ownerId, table.occurredAt),
  ],
);

export const interactionParticipants = pgTable(
  'interaction_participants',
  {
    interactionId: uuid('interaction_id')
      .notNull()
      .references(() => interactions.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    participantId: uuid('participant_id').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.interactionId, table.kind, table.participantId] }),
    index('interaction_participants_participant_idx').on(table.participantId),
  ],
);

export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description'),
    dueDate: date('due_date'),
    priority: text('priority').notNull().default('normal'),
    status: text('status').notNull().default('todo'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    mandateId: uuid('mandate_id').references(() => mandates.id, { onDelete: 'set null' }),
    completedAt: at('completed_at'),
    ...record(),
  },
  (table) => [
    index('tasks_assignee_idx').on(table.assigneeId, table.status, table.dueDate),
    index('tasks_due_idx').on(table.dueDate, table.id),
    index('tasks_updated_idx').on(table.updatedAt, table.id),
    index('tasks_team_idx').on(table.teamId, table.dueDate),
    index('tasks_owner_idx').on(table.ownerId, table.dueDate),
    index('tasks_organisation_idx').on(table.organisationId),
  ],
);

export const stageHistory = pgTable(
  'stage_history',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    fromStageId: uuid('from_stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    toStageId: uuid('to_stage_id').references(() => pipelineStages.id, { onDelete: 'set null' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    changedAt: at('changed_at').notNull().defaultNow(),
  },
  (table) => [index('stage_history_organisation_idx').on(table.organisationId, table.changedAt)],
);

/** Every create, update, delete, restore and stage change, with the changed fields. */
export const timelineEvents = pgTable(
  'timeline_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    action: text('action').notNull(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    changes: jsonb('changes'),
    occurredAt: at('occurred_at').notNull().defaultNow(),
  },
  (table) => [index('timeline_entity_idx').on(table.entityType, table.entityId, table.occurredAt)],
);

/**
 * Transactional outbox: written in the same transaction as the change it
 * describes; a dispatcher moves undispatched rows to the domain-events queue.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    actorId: uuid('actor_id'),
    ownerId: uuid('owner_id'),
    teamId: uuid('team_id'),
    payload: jsonb('payload').notNull(),
    occurredAt: at('occurred_at').notNull().defaultNow(),
    dispatchedAt: at('dispatched_at'),
    attempts: integer('attempts').notNull().default(0),
  },
  (table) => [
    index('outbox_pending_idx').on(table.occurredAt).where(sql`${table.dispatchedAt} is null`),
    index('outbox_entity_idx').on(table.entityType, table.entityId),
  ],
);
