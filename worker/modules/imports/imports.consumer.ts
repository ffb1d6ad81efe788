/**
 * The `imports` queue consumer: runs a committed import in ONE database
 * transaction, so an import completes entirely or leaves nothing behind.
 *
 *  - Rows go through the entity services with `db` set to the transaction;
 *    their own `transaction()` calls become savepoints, so a row that fails
 *    with an expected error (validation, conflict, a constraint) is rolled back
 *    alone and reported as rejected. Any other error aborts the whole import.
 *  - Progress (counters, heartbeat) is written every PROGRESS_EVERY rows
 *    through the pool, i.e. another connection, so it is visible while the
 *    transaction is still open.
 *  - The job's `completed` status and its audit entry are written in the
 *    transaction: the import and "it is done" commit together.
 *  - A transaction-scoped advisory lock makes concurrent deliveries of one job
 *    wait their turn (retry); a delivery that finds the job completed or failed
 *    does nothing. A failed attempt is retried from scratch by the queue; after
 *    the last retry the dead-letter consumer marks the job failed. Failures no
 *    retry can fix (file gone, owner lost the permission) fail the job at once.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import { type ImportRowError, importJobs, outboxEvents } from '../../db/schema';
import { Cache } from '../../lib/cache';
import { AppError } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
// Types only: consumer.ts imports this module to register the handler.
import type { ConsumerDeps } from '../../queues/consumer';
import { envelopeSchema } from '../../queues/messages';
import { createAffiliation } from '../affiliations/affiliations.service';
import { recordAudit } from '../audit/audit.service';
import { hasPermission } from '../identity/actor';
import type {
  CreateOrganisationInput,
  UpdateOrganisationInput,
} from '../organisations/organisations.schemas';
import { createOrganisation, updateOrganisation } from '../organisations/organisations.service';
import { dispatchPending } from '../outbox/outbox.service';
import type { CreatePersonInput, UpdatePersonInput } from '../people/people.schemas';
import { createPerson, updatePerson } from '../people/people.service';
import { loadImportActor } from './imports.actor';
import type { ImportEntity } from './imports.fields';
import { MAX_STORED_ERRORS, PROGRESS_EVERY } from './imports.limits';
import type { FileType } from './imports.parser';
import { type PlannedRow, planImport } from './imports.plan';
import { ImportFileMissing, readParsed, storeRejected } from './imports.storage';

export const importCommitSchema = envelopeSchema.extend({
  type: z.literal('import.commit'),
  jobId: z.uuid(),
});

export type ImportCommit = z.infer<typeof importCommitSchema>;

type JobRow = typeof importJobs.$inferSelect;

interface Counters {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Postgres SQLSTATE of a driver error, possibly wrapped by drizzle. */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The reasons to reject a row for an error its service call raised, or null
 * when the error is not about the row (connection lost, bug): then the import
 * must stop, not carry on without that row.
 */
export function rowFailureReasons(error: unknown): string[] | null {
  if (error instanceof AppError && error.status < 500) {
    return error.errors?.length
      ? error.errors.map((item) => (item.path ? `${item.path}: ${item.message}` : item.message))
      : [error.detail];
  }
  const state = sqlState(error);
  // Class 22: data exception (value out of range…); 23: integrity constraint violation.
  if (state?.startsWith('22') || state?.startsWith('23')) {
    return [`The database refused this row (SQLSTATE ${state})`];
  }
  return null;
}

async function executeRow(deps: ActorDeps, entity: ImportEntity, row: PlannedRow): Promise<keyof Counters> {
  if (row.action === 'reject') return 'rejected';
  if (row.action === 'unchanged') return 'unchanged';
  const input = row.input ?? {};
  if (entity === 'organisations') {
    if (row.action === 'create') await createOrganisation(deps, input as CreateOrganisationInput);
    else await updateOrganisation(deps, row.matchId as string, input as UpdateOrganisationInput);
  } else {
    // Person and affiliation succeed or fail together: one savepoint around both.
    await deps.db.transaction(async (tx) => {
      const rowDeps = { ...deps, db: tx as unknown as Database };
      let personId = row.matchId;
      if (row.action === 'create') personId = (await createPerson(rowDeps, input as CreatePersonInput)).id;
      else if (Object.keys(input).length > 0) {
        await updatePerson(rowDeps, personId as string, input as UpdatePersonInput);
      }
      if (row.link) {
        await createAffiliation(rowDeps, { personId: personId as string, ...row.link });
      }
    });
  }
  return row.action === 'create' ? 'created' : 'updated';
}

async function writeProgress(db: Database, jobId: string, counters: Counters): Promise<void> {
  await db
    .update(importJobs)
    .set({ ...counters, heartbeatAt: sql`now()` })
    .where(and(eq(importJobs.id, jobId), eq(importJobs.status, 'running')));
}

/**
 * `import.completed` / `import.failed` for the outbox, written with the job's
 * final status (same transaction): the importer is told when it is done.
 * Not a `recordChange`: an import job has no timeline of its own.
 */
async function recordImportEvent(
  tx: Database,
  job: JobRow,
  type: 'import.completed' | 'import.failed',
  payload: { created: number; updated: number; rejected: number } & Record<string, unknown>,
): Promise<void> {
  await tx.insert(outboxEvents).values({
    type,
    entityType: 'import',
    entityId: job.id,
    actorId: job.ownerId,
    ownerId: job.ownerId,
    teamId: job.teamId,
    payload,
  });
}

/** Fails the job, with its audit entry and `import.failed` event, in one transaction. */
async function markFailed(db: Database, job: JobRow, error: string): Promise<void> {
  // Inside a caller's transaction this is a savepoint.
  await db.transaction((tx) => markFailedIn(tx as unknown as Database, job, error));
}

async function markFailedIn(db: Database, job: JobRow, error: string): Promise<void> {
  const [failed] = await db
    .update(importJobs)
    .set({
      status: 'failed',
      error,
      processed: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      finishedAt: sql`now()`,
    })
    .where(and(eq(importJobs.id, job.id), inArray(importJobs.status, ['queued', 'running'])))
    .returning();
  if (!failed) return;
  await recordAudit(db, {
    actorId: job.ownerId,
    action: 'import.failed',
    targetType: 'import',
    targetId: job.id,
    changes: {
      entity: { before: null, after: job.entity },
      fileName: { before: null, after: job.fileName },
      error: { before: null, after: error },
    },
  });
  await recordImportEvent(db, job, 'import.failed', {
    entity: job.entity,
    fileName: job.fileName,
    created: 0,
    updated: 0,
    rejected: 0,
    error,
  });
}

/** Takes the job's advisory lock for the rest of the transaction; false if another delivery holds it. */
async function tryLockJob(tx: Database, jobId: string): Promise<boolean> {
  const result = await tx.execute<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtextextended(${`import:${jobId}`}, 0)) as locked`,
  );
  return result.rows[0]?.locked === true;
}

/** The `import.commit` handler. */
export async function runImportCommit(message: ImportCommit, deps: ConsumerDeps): Promise<void> {
  const { db, env } = deps;
  const log = deps.log.child({ importJobId: message.jobId });
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, message.jobId));
  if (!job) {
    // Nothing can ever be done for it: settle the message.
    log.warn('import.job_not_found');
    return;
  }
  if (job.status === 'completed' || job.status === 'failed') {
    log.info('import.already_settled', { status: job.status });
    return;
  }
  if (job.status === 'uploaded') {
    // The commit request sends before its transaction commits: wait for it.
    throw new Error('import job not queued yet');
  }

  const entity = job.entity as ImportEntity;
  let parsed: Awaited<ReturnType<typeof readParsed>>;
  try {
    parsed = await readParsed(env.EXPORTS_BUCKET, job.id, job.fileType as FileType);
  } catch (error) {
    if (!(error instanceof ImportFileMissing)) throw error;
    // Retrying cannot bring the file back: the job fails now and the message is settled.
    log.error('import.failed', { error: error.message });
    await markFailed(
      db,
      job,
      'The uploaded file is no longer available; nothing was imported. Upload it again',
    );
    await dispatchEvents(deps, log);
    return;
  }
  const actor = await loadImportActor(db, job.ownerId, job.permissions);
  if (!actor || !hasPermission(actor, entity, 'import')) {
    log.warn('import.owner_cannot_import');
    await markFailed(
      db,
      job,
      actor
        ? `The owner no longer has ${entity}:import; nothing was imported`
        : "The owner's account is inactive; nothing was imported",
    );
    await dispatchEvents(deps, log);
    return;
  }

  let outcome: { counters: Counters; rejected: ImportRowError[] } | 'busy' | 'settled';
  try {
    outcome = await db.transaction(async (tx) => {
      const txDb = tx as unknown as Database;
      if (!(await tryLockJob(txDb, job.id))) return 'busy';
      const [fresh] = await tx
        .select({ status: importJobs.status })
        .from(importJobs)
        .where(eq(importJobs.id, job.id));
      if (!fresh || fresh.status === 'completed' || fresh.status === 'failed') return 'settled';
      await db
        .update(importJobs)
        .set({
          status: 'running',
          processed: 0,
          created: 0,
          updated: 0,
          unchanged: 0,
          rejected: 0,
          errors: [],
          error: null,
          attempts: sql`${importJobs.attempts} + 1`,
          startedAt: sql`now()`,
          heartbeatAt: sql`now()`,
        })
        .where(eq(importJobs.id, job.id));

      const plan = await planImport(txDb, actor, entity, job.headers, job.mapping, parsed.rows);
      const serviceDeps: ActorDeps = {
        db: txDb,
        actor,
        log,
        cache: new Cache(null, log),
        meta: { requestId: `import:${job.id}`, ip: null, userAgent: 'alforis-import' },
      };
      const counters: Counters = { processed: 0, created: 0, updated: 0, unchanged: 0, rejected: 0 };
      const rejected: ImportRowError[] = [];
      for (const row of plan.rows) {
        let result: keyof Counters;
        try {
          result = await executeRow(serviceDeps, entity, row);
        } catch (error) {
          const reasons = rowFailureReasons(error);
          if (!reasons) throw error;
          row.reasons = reasons;
          result = 'rejected';
        }
        if (result === 'rejected') rejected.push({ row: row.row, reasons: row.reasons });
        counters[result]++;
        counters.processed++;
        if (counters.processed % PROGRESS_EVERY === 0) await writeProgress(db, job.id, counters);
      }

      await storeRejected(env.EXPORTS_BUCKET, job.id, job.fileType as FileType, rejected);
      const [done] = await tx
        .update(importJobs)
        .set({
          ...counters,
          status: 'completed',
          errors: rejected.slice(0, MAX_STORED_ERRORS),
          error: null,
          finishedAt: sql`now()`,
          heartbeatAt: sql`now()`,
        })
        .where(and(eq(importJobs.id, job.id), eq(importJobs.status, 'running')))
        .returning({ id: importJobs.id });
      if (!done) throw new Error('import job left the running state during the import');
      await recordAudit(tx, {
        actorId: job.ownerId,
        action: 'import.completed',
        targetType: 'import',
        targetId: job.id,
        requestId: `import:${job.id}`,
        changes: {
          entity: { before: null, after: entity },
          fileName: { before: null, after: job.fileName },
          rows: { before: null, after: plan.rows.length },
          created: { before: null, after: counters.created },
          updated: { before: null, after: counters.updated },
          unchanged: { before: null, after: counters.unchanged },
          rejected: { before: null, after: counters.rejected },
        },
      });
      await recordImportEvent(txDb, job, 'import.completed', {
        entity,
        fileName: job.fileName,
        created: counters.created,
        updated: counters.updated,
        unchanged: counters.unchanged,
        rejected: counters.rejected,
      });
      return { counters, rejected };
    });
  } catch (error) {
    log.warn('import.attempt_failed', { error: describe(error) });
    // Nothing was imported: say so, and let the queue retry from scratch.
    await db
      .update(importJobs)
      .set({
        status: 'queued',
        processed: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        error: 'The import was interrupted and nothing was saved; it will be retried from the start',
        heartbeatAt: sql`now()`,
      })
      .where(and(eq(importJobs.id, job.id), eq(importJobs.status, 'running')))
      .catch((writeError: unknown) =>
        log.warn('import.progress_write_failed', { error: describe(writeError) }),
      );
    throw error;
  }
  if (outcome === 'busy') throw new Error('another delivery of this import is running');
  if (outcome === 'settled') return;
  log.info('import.completed', { ...outcome.counters });
  await dispatchEvents(deps, log);
}

/** Sends the outbox now (imported records, import.completed/failed) rather than wait for the cron sweep. */
async function dispatchEvents(deps: ConsumerDeps, log: ConsumerDeps['log']): Promise<void> {
  await dispatchPending(deps.db, deps.env.DOMAIN_EVENTS_QUEUE, 60).catch((error: unknown) =>
    log.warn('outbox.dispatch_failed', { error: describe(error) }),
  );
}

/** The dead-letter consumer's hook: retries are exhausted, so the job has failed. */
export async function failDeadImport(body: unknown, deps: ConsumerDeps): Promise<void> {
  const parsed = importCommitSchema.safeParse(body);
  if (!parsed.success) return;
  const { db } = deps;
  const [job] = await db.select().from(importJobs).where(eq(importJobs.id, parsed.data.jobId));
  if (!job || job.status === 'completed' || job.status === 'failed') return;
  await db.transaction(async (tx) => {
    // A delivery still running holds the lock: it will settle the job itself.
    if (!(await tryLockJob(tx as unknown as Database, job.id))) return;
    await markFailedIn(
      tx as unknown as Database,
      job,
      `The import failed ${job.attempts > 0 ? `after ${job.attempts} attempts ` : ''}and nothing was imported; upload the file again, or quote import ${job.id} to support`,
    );
  });
  await dispatchEvents(deps, deps.log);
}
