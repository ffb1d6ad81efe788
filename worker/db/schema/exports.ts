import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teams, users } from './identity';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A large export built in the background by the `exports` queue into R2
 * (EXPORTS_BUCKET, under `exports/<id>/`). Small exports never get a row:
 * they stream straight to the caller.
 */
export const exportJobs = pgTable(
  'export_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    entity: text('entity').notNull(),
    format: text('format').notNull(),
    status: text('status').notNull().default('queued'),
    /** The validated filters and options, replayed by the consumer. */
    filters: jsonb('filters').$type<Record<string, unknown>>().notNull(),
    /** Rows matching the filters when the job was created. */
    totalRows: integer('total_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    fileName: text('file_name').notNull(),
    fileKey: text('file_key'),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    error: text('error'),
    /** Per-job HMAC key of the signed download URLs (so no global secret is needed to verify them). */
    downloadKey: text('download_key').notNull(),
    /** The requester's permissions at request time: the consumer never exceeds them. */
    permissions: text('permissions').array().notNull(),
    attempts: integer('attempts').notNull().default(0),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull().defaultNow(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    /** After this the file is deleted and the job can no longer be downloaded. */
    expiresAt: at('expires_at').notNull(),
  },
  (table) => [
    index('export_jobs_owner_idx').on(table.ownerId, table.createdAt),
    index('export_jobs_expires_idx').on(table.expiresAt),
    check('export_jobs_entity_check', sql`${table.entity} in ('organisations', 'people', 'mandates')`),
    check('export_jobs_format_check', sql`${table.format} in ('csv', 'excel', 'pdf')`),
    check(
      'export_jobs_status_check',
      sql`${table.status} in ('queued', 'running', 'completed', 'failed', 'expired')`,
    ),
  ],
);
