import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teams, users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One rejected row of an import: its number in the file and why. */
export interface ImportRowError {
  row: number;
  reasons: string[];
}

/**
 * A file import (CSV or XLSX) of organisations or people: uploaded, mapped,
 * previewed, then committed by the `imports` queue consumer in one transaction.
 * Progress columns are written outside that transaction so they can be polled.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entity: text('entity').notNull(),
    status: text('status').notNull().default('uploaded'),
    fileName: text('file_name').notNull(),
    fileType: text('file_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** The original file in EXPORTS_BUCKET, under `imports/`. */
    fileKey: text('file_key').notNull(),
    headers: text('headers').array().notNull(),
    /** `{ header: field | null }` for every header. */
    mapping: jsonb('mapping').$type<Record<string, string | null>>().notNull(),
    rowCount: integer('row_count').notNull(),
    processed: integer('processed').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    /** The first rejected rows (capped); the full list is the error report. */
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default(sql`'[]'::jsonb`),
    /** Why the job failed or was retried; null when all went well. */
    error: text('error'),
    /** The committer's permissions when they committed: the consumer never exceeds them. */
    permissions: text('permissions').array(),
    /** How many times the consumer started the import. */
    attempts: integer('attempts').notNull().default(0),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    queuedAt: at('queued_at'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    heartbeatAt: at('heartbeat_at'),
  },
  (table) => [
    index('import_jobs_owner_idx').on(table.ownerId, table.createdAt),
    check('import_jobs_entity_check', sql`${table.entity} in ('organisations', 'people')`),
    check(
      'import_jobs_status_check',
      sql`${table.status} in ('uploaded', 'queued', 'running', 'completed', 'failed')`,
    ),
    check('import_jobs_file_type_check', sql`${table.fileType} in ('csv', 'xlsx')`),
  ],
);
