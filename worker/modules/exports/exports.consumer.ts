/**
 * The `exports` queue consumer: builds a large export into R2 in chunks —
 * CSV as a multipart upload, one part per ~5 MiB of keyset pages, so memory
 * stays bounded; Excel and PDF in memory, then one put — with progress written
 * per page, and `export.completed` / `export.failed` through the outbox in the
 * same transaction as the job's final status. Idempotent on the job id.
 */
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { exportJobs } from '../../db/schema';
import { Cache } from '../../lib/cache';
import { recordChange } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { type ConsumerDeps, PermanentFailure } from '../../queues/consumer';
import { envelopeSchema } from '../../queues/messages';
import type { Actor } from '../identity/actor';
import { loadImportActor } from '../imports/imports.actor';
import { dispatchPending } from '../outbox/outbox.service';
import { CSV_BOM, csvHeader, csvLines } from './exports.csv';
import { type ExportRequest, exportQueries } from './exports.schemas';
import { buildFile, EXPORT_BUILD, exportJobKey, langOf } from './exports.service';
import { exportSource } from './exports.source';

export const exportBuildSchema = envelopeSchema.extend({
  type: z.literal(EXPORT_BUILD),
  jobId: z.uuid(),
});
export type ExportBuild = z.infer<typeof exportBuildSchema>;

/** R2 multipart parts must be at least 5 MiB, except the last. */
const PART_BYTES = 5 * 1024 * 1024;

type JobRow = typeof exportJobs.$inferSelect;

function requestOf(job: JobRow): ExportRequest {
  const entity = job.entity as ExportRequest['entity'];
  const parsed = exportQueries[entity].safeParse(job.filters);
  if (!parsed.success) throw new PermanentFailure(`stored filters no longer valid: ${parsed.error.message}`);
  return { entity, format: job.format, query: parsed.data } as ExportRequest;
}

async function progress(deps: ConsumerDeps, jobId: string, rows: number) {
  await deps.db.update(exportJobs).set({ processedRows: rows }).where(eq(exportJobs.id, jobId));
}

async function uploadCsv(
  deps: ActorDeps & { consumer: ConsumerDeps },
  job: JobRow,
  request: ExportRequest,
  key: string,
) {
  const bucket = deps.consumer.env.EXPORTS_BUCKET;
  const lang = langOf(deps, request);
  const delimiter = request.query.delimiter;
  const source = exportSource(deps, request);
  const encoder = new TextEncoder();
  const upload = await bucket.createMultipartUpload(key, {
    httpMetadata: {
      contentType: job.contentType,
      contentDisposition: `attachment; filename="${job.fileName}"`,
    },
  });
  const parts: R2UploadedPart[] = [];
  let buffered: Uint8Array[] = [encoder.encode(CSV_BOM + csvHeader(source.columns, { delimiter, lang }))];
  let bufferedBytes = buffered[0]?.byteLength ?? 0;
  let size = 0;
  let rows = 0;
  const flush = async () => {
    const part = new Uint8Array(bufferedBytes);
    let offset = 0;
    for (const chunk of buffered) {
      part.set(chunk, offset);
      offset += chunk.byteLength;
    }
    parts.push(await upload.uploadPart(parts.length + 1, part));
    size += part.byteLength;
    buffered = [];
    bufferedBytes = 0;
  };
  try {
    for await (const page of source.pages()) {
      const chunk = encoder.encode(csvLines(page, source.columns, delimiter));
      buffered.push(chunk);
      bufferedBytes += chunk.byteLength;
      rows += page.length;
      if (bufferedBytes >= PART_BYTES) await flush();
      await progress(deps.consumer, job.id, rows);
    }
    if (bufferedBytes > 0 || parts.length === 0) await flush();
    await upload.complete(parts);
  } catch (error) {
    await upload.abort().catch(() => undefined);
    throw error;
  }
  return { rows, size };
}

async function finish(
  deps: ConsumerDeps,
  job: JobRow,
  actor: Actor | null,
  outcome:
    | { status: 'completed'; rows: number; size: number; key: string }
    | { status: 'failed'; error: string },
) {
  await deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(exportJobs).where(eq(exportJobs.id, job.id)).for('update');
    if (!current || current.status === 'completed' || current.status === 'failed') return;
    await tx
      .update(exportJobs)
      .set(
        outcome.status === 'completed'
          ? {
              status: 'completed',
              processedRows: outcome.rows,
              sizeBytes: outcome.size,
              fileKey: outcome.key,
              finishedAt: sql`now()`,
              error: null,
            }
          : { status: 'failed', error: outcome.error.slice(0, 1000), finishedAt: sql`now()` },
      )
      .where(eq(exportJobs.id, job.id));
    await recordChange(tx, {
      entityType: 'export',
      entityId: job.id,
      action: outcome.status,
      actor: actor ?? systemActor(job.ownerId),
      ownerId: job.ownerId,
      teamId: job.teamId,
      events: [
        {
          type: outcome.status === 'completed' ? 'export.completed' : 'export.failed',
          payload: {
            entity: job.entity,
            format: job.format,
            rows: outcome.status === 'completed' ? outcome.rows : job.processedRows,
            fileName: job.fileName,
            ...(outcome.status === 'failed' ? { error: outcome.error.slice(0, 300) } : {}),
          },
        },
      ],
    });
  });
  await dispatchPending(deps.db, deps.env.DOMAIN_EVENTS_QUEUE, 1).catch((error: unknown) =>
    deps.log.warn('exports.dispatch_failed', {
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}

/** When the owner is gone, events still name them as actor (the only user the job belongs to). */
function systemActor(userId: string): Actor {
  return {
    userId,
    email: '',
    name: '',
    roleId: 'viewer',
    level: 0,
    teamId: null,
    locale: 'fr',
    theme: 'system',
    permissions: new Set(),
    via: 'api-token',
  };
}

export async function runExportJob(message: ExportBuild, deps: ConsumerDeps): Promise<void> {
  const [job] = await deps.db.select().from(exportJobs).where(eq(exportJobs.id, message.jobId));
  if (!job) throw new PermanentFailure(`export job ${message.jobId} not found`);
  if (job.status === 'completed' || job.status === 'failed') return;
  await deps.db
    .update(exportJobs)
    .set({
      status: 'running',
      startedAt: sql`now()`,
      attempts: sql`${exportJobs.attempts} + 1`,
      processedRows: 0,
    })
    .where(eq(exportJobs.id, job.id));
  const actor = await loadImportActor(deps.db, job.ownerId, job.permissions);
  if (!actor) {
    await finish(deps, job, null, { status: 'failed', error: 'The requesting user is no longer active' });
    return;
  }
  let request: ExportRequest;
  try {
    request = requestOf(job);
  } catch (error) {
    await finish(deps, job, actor, { status: 'failed', error: String(error) });
    return;
  }
  const log = deps.log.child({ exportJob: job.id });
  const serviceDeps: ActorDeps & { consumer: ConsumerDeps } = {
    db: deps.db,
    actor,
    log,
    cache: new Cache(null, log),
    meta: { requestId: `export:${job.id}`, ip: null, userAgent: 'alforis-export' },
    consumer: deps,
  };
  const key = exportJobKey(job.id, job.fileName);
  if (request.format === 'csv') {
    const { rows, size } = await uploadCsv(serviceDeps, job, request, key);
    await finish(deps, job, actor, { status: 'completed', rows, size, key });
    return;
  }
  const file = await buildFile(serviceDeps, request, {
    at: job.createdAt,
    onPage: (rows) => progress(deps, job.id, rows),
  });
  if (file.kind !== 'bytes') throw new Error('expected a built file');
  await deps.env.EXPORTS_BUCKET.put(key, file.body, {
    httpMetadata: {
      contentType: file.contentType,
      contentDisposition: `attachment; filename="${job.fileName}"`,
    },
  });
  await finish(deps, job, actor, { status: 'completed', rows: file.rows, size: file.body.byteLength, key });
}

/** Retries exhausted: the job fails, and its owner hears about it. */
export async function failDeadExport(body: unknown, deps: ConsumerDeps): Promise<void> {
  const parsed = exportBuildSchema.safeParse(body);
  if (!parsed.success) return;
  const [job] = await deps.db.select().from(exportJobs).where(eq(exportJobs.id, parsed.data.jobId));
  if (!job) return;
  await finish(deps, job, null, { status: 'failed', error: 'The export failed after several attempts' });
}
