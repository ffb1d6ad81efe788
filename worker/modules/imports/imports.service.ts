/**
 * Imports: upload → column mapping → dry-run preview → commit (queued) →
 * error report. Jobs are personal: their owner works on them; Admins may read
 * anyone's. Every route needs `<entity>:import`; the rows themselves go
 * through the organisations/people/affiliations services at commit, so their
 * own permissions, scope and validation apply unchanged.
 */
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { importJobs } from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, encodeCursor, pageOf } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { type Actor, assertPermission, hasPermission, recordScope } from '../identity/actor';
import { loadImportActor } from './imports.actor';
import {
  assertValidMapping,
  autoMapping,
  fieldsOf,
  IMPORT_ENTITIES,
  type ImportEntity,
  type Mapping,
  missingFields,
} from './imports.fields';
import { CSV_MEDIA_TYPE, IMPORT_MEDIA_TYPES, MAX_FILE_BYTES, XLSX_MEDIA_TYPE } from './imports.limits';
import {
  type Delimiter,
  type FileType,
  fileProblem,
  looksLikeData,
  type ParsedFile,
  parseImportFile,
  toCsv,
} from './imports.parser';
import { type ImportPlan, type PlannedRow, planImport, type RowAction } from './imports.plan';
import type { IMPORT_STATUSES } from './imports.schemas';
import { ImportFileMissing, readParsed, readRejected, storeUpload } from './imports.storage';

export type ImportJobRow = typeof importJobs.$inferSelect;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export function toImportJob(row: ImportJobRow) {
  const entity = row.entity as ImportEntity;
  return {
    id: row.id,
    entity,
    status: row.status as ImportStatus,
    fileName: row.fileName,
    fileType: row.fileType as FileType,
    sizeBytes: row.sizeBytes,
    headers: row.headers,
    mapping: row.mapping,
    unmappedHeaders: row.headers.filter((header) => !row.mapping[header]),
    missingFields: missingFields(entity, row.mapping),
    rowCount: row.rowCount,
    processed: row.processed,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    errors: row.errors,
    error: row.error,
    attempts: row.attempts,
    ownerId: row.ownerId,
    teamId: row.teamId,
    createdAt: row.createdAt.toISOString(),
    queuedAt: row.queuedAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    heartbeatAt: row.heartbeatAt?.toISOString() ?? null,
  };
}

export type ImportJob = ReturnType<typeof toImportJob>;

// ---------------------------------------------------------------- access

function assertCanImportSomething(actor: Actor): void {
  if (!IMPORT_ENTITIES.some((entity) => hasPermission(actor, entity, 'import'))) {
    throw new AppError('FORBIDDEN', { detail: 'Missing permission organisations:import or people:import' });
  }
}

/**
 * A job the actor may read: their own, or anyone's for Admins. Others answer
 * 404 like a missing job. `write`: only the owner may change or commit it.
 */
async function loadJob(
  deps: ActorDeps,
  id: string,
  options: { write?: boolean } = {},
): Promise<ImportJobRow> {
  const { actor } = deps;
  assertCanImportSomething(actor);
  const [row] = await deps.db.select().from(importJobs).where(eq(importJobs.id, id));
  const own = row?.ownerId === actor.userId;
  if (!row || (!own && recordScope(actor) !== 'all')) {
    throw new AppError('NOT_FOUND', { detail: 'Import not found' });
  }
  assertPermission(actor, row.entity as ImportEntity, 'import');
  if (options.write && !own) {
    throw new AppError('FORBIDDEN', {
      detail: 'Only the person who uploaded the file can change or commit it',
    });
  }
  return row;
}

/** Previews are computed as the owner would run them (their scope), whoever looks. */
async function plannerOf(deps: ActorDeps, job: ImportJobRow): Promise<Actor> {
  if (job.ownerId === deps.actor.userId) return deps.actor;
  const owner = await loadImportActor(deps.db, job.ownerId);
  if (!owner) throw new AppError('CONFLICT', { detail: "The import's owner is no longer active" });
  return owner;
}

async function parsedOf(bucket: R2Bucket, job: ImportJobRow): Promise<ParsedFile> {
  try {
    return await readParsed(bucket, job.id, job.fileType as FileType);
  } catch (error) {
    if (error instanceof ImportFileMissing) {
      throw new AppError('CONFLICT', { detail: 'The uploaded file is no longer available; upload it again' });
    }
    throw error;
  }
}

// ---------------------------------------------------------------- upload

export function fileTypeOf(contentType: string | undefined): FileType {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === CSV_MEDIA_TYPE) return 'csv';
  if (mediaType === XLSX_MEDIA_TYPE) return 'xlsx';
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
    detail: `Send the file as ${IMPORT_MEDIA_TYPES.join(' or ')}, got ${mediaType || 'no Content-Type'}`,
  });
}

/** `C:\fakepath\Prospects%20%C3%A9t%C3%A9.csv` → `Prospects été.csv`. */
export function cleanFileName(raw: string | undefined, fileType: FileType): string {
  let name = raw ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoded: keep it as sent.
  }
  name = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 200);
  return name || `import.${fileType}`;
}

export interface Upload {
  entity: ImportEntity;
  contentType: string | undefined;
  fileName: string | undefined;
  bytes: Uint8Array;
}

/**
 * Parses and checks the whole file before anything is stored: a bad file is
 * a 422 that names the problem, and leaves no job behind.
 */
export async function uploadImport(deps: ActorDeps, bucket: R2Bucket, upload: Upload) {
  const { actor } = deps;
  assertPermission(actor, upload.entity, 'import');
  const fileType = fileTypeOf(upload.contentType);
  if (upload.bytes.byteLength > MAX_FILE_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      detail: `Files are limited to 5 MB (${MAX_FILE_BYTES} bytes)`,
    });
  }
  const parsed = await parseImportFile(upload.bytes, fileType);
  const mapping = autoMapping(upload.entity, parsed.headers);
  if (Object.values(mapping).every((field) => field === null)) {
    if (parsed.headers.some(looksLikeData)) {
      throw fileProblem(
        'no_header_row',
        `The first row (row ${parsed.headerRow}) holds values, not column names: add a header row naming the columns`,
        'headers',
      );
    }
    const examples = fieldsOf(upload.entity)
      .slice(0, 4)
      .map((field) => field.synonyms[0])
      .join(', ');
    throw fileProblem(
      'no_mappable_column',
      `No column header matches a field of ${upload.entity} (headers: ${parsed.headers.slice(0, 10).join(', ')}); name the columns e.g. ${examples}`,
      'headers',
    );
  }
  const id = crypto.randomUUID();
  const fileName = cleanFileName(upload.fileName, fileType);
  const fileKey = await storeUpload(
    bucket,
    id,
    { bytes: upload.bytes, contentType: upload.contentType ?? '', fileName },
    parsed,
  );
  const [row] = await deps.db
    .insert(importJobs)
    .values({
      id,
      entity: upload.entity,
      fileName,
      fileType,
      sizeBytes: upload.bytes.byteLength,
      fileKey,
      headers: parsed.headers,
      mapping,
      rowCount: parsed.rows.length,
      ownerId: actor.userId,
      teamId: actor.teamId,
    })
    .returning();
  if (!row) throw new Error('insert returned no row');
  const plan = await planImport(deps.db, actor, upload.entity, parsed.headers, mapping, parsed.rows);
  return { ...toImportJob(row), preview: previewPage(plan, { limit: 50 }) };
}

// ---------------------------------------------------------------- reads

export async function listImports(
  deps: ActorDeps,
  query: { limit: number; cursor?: string; entity?: ImportEntity },
) {
  const { actor } = deps;
  assertCanImportSomething(actor);
  const conditions: (SQL | undefined)[] = [
    eq(importJobs.ownerId, actor.userId),
    query.entity ? eq(importJobs.entity, query.entity) : undefined,
  ];
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor, 2);
    conditions.push(
      sql`(${importJobs.createdAt}, ${importJobs.id}) < (${String(createdAt)}::timestamptz, ${String(id)}::uuid)`,
    );
  }
  const rows = await deps.db
    .select()
    .from(importJobs)
    .where(and(...conditions))
    .orderBy(desc(importJobs.createdAt), desc(importJobs.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.createdAt.toISOString(), row.id]);
  return {
    data: page.data.map((row) => {
      const { errors: _errors, ...summary } = toImportJob(row);
      return summary;
    }),
    nextCursor: page.nextCursor,
  };
}

export async function getImport(deps: ActorDeps, id: string): Promise<ImportJob> {
  return toImportJob(await loadJob(deps, id));
}

function previewRow(row: PlannedRow) {
  return {
    row: row.row,
    action: row.action,
    reasons: row.reasons,
    values: row.values,
    matchId: row.matchId,
    matchedBy: row.matchedBy,
    changes: row.changes,
  };
}

/** A page of the plan (cursor: how many matching rows came before), with totals over the whole file. */
function previewPage(plan: ImportPlan, query: { limit: number; cursor?: string; action?: RowAction }) {
  const rows = query.action ? plan.rows.filter((row) => row.action === query.action) : plan.rows;
  const start = query.cursor ? Number(decodeCursor(query.cursor, 1)[0]) : 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'Invalid cursor',
      errors: [{ path: 'cursor', message: 'Use nextCursor from a previous page', code: 'invalid_cursor' }],
    });
  }
  const data = rows.slice(start, start + query.limit);
  const next = start + data.length;
  return {
    totals: plan.totals,
    data: data.map(previewRow),
    nextCursor: next < rows.length ? encodeCursor([next]) : null,
  };
}

async function planOf(
  deps: ActorDeps,
  bucket: R2Bucket,
  job: ImportJobRow,
): Promise<{ plan: ImportPlan; parsed: ParsedFile }> {
  const parsed = await parsedOf(bucket, job);
  const planner = await plannerOf(deps, job);
  const plan = await planImport(
    deps.db,
    planner,
    job.entity as ImportEntity,
    job.headers,
    job.mapping,
    parsed.rows,
  );
  return { plan, parsed };
}

/** The dry run: nothing is written. */
export async function previewImport(
  deps: ActorDeps,
  bucket: R2Bucket,
  id: string,
  query: { limit: number; cursor?: string; action?: RowAction },
) {
  const job = await loadJob(deps, id);
  const { plan } = await planOf(deps, bucket, job);
  return previewPage(plan, query);
}

// ---------------------------------------------------------------- writes

function assertStatus(job: ImportJobRow, doing: string): void {
  if (job.status !== 'uploaded') {
    throw new AppError('CONFLICT', {
      detail: `This import is ${job.status}; it can no longer be ${doing}. Upload the file again to start over`,
    });
  }
}

export async function updateMapping(deps: ActorDeps, bucket: R2Bucket, id: string, mapping: Mapping) {
  const job = await loadJob(deps, id, { write: true });
  assertStatus(job, 'remapped');
  const complete = assertValidMapping(job.entity as ImportEntity, job.headers, mapping);
  const [row] = await deps.db
    .update(importJobs)
    .set({ mapping: complete })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'uploaded')))
    .returning();
  if (!row) throw new AppError('CONFLICT', { detail: 'This import was committed meanwhile' });
  const { plan } = await planOf(deps, bucket, row);
  return { ...toImportJob(row), preview: previewPage(plan, { limit: 50 }) };
}

/** The queue message that makes the consumer run an import. */
export interface ImportCommitMessage {
  id: string;
  type: 'import.commit';
  jobId: string;
}

export function commitMessage(jobId: string): ImportCommitMessage {
  return { id: `import:${jobId}`, type: 'import.commit', jobId };
}

/**
 * Queues the import. The status change and the send happen in one
 * transaction: if the send fails nothing changes; if the commit fails after
 * the send, the consumer finds the job still `uploaded` and retries until it
 * is queued (or gives up, leaving it uploaded).
 */
export async function commitImport(deps: ActorDeps, queue: Queue, id: string): Promise<ImportJob> {
  const { actor } = deps;
  const job = await loadJob(deps, id, { write: true });
  assertStatus(job, 'committed');
  const missing = missingFields(job.entity as ImportEntity, job.mapping);
  if (missing.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'Map the required columns before committing',
      errors: missing.map((field) => ({
        path: 'mapping',
        message: `Map a column to ${field}: it is required`,
        code: 'required_field_unmapped',
      })),
    });
  }
  const row = await deps.db.transaction(async (tx) => {
    const [queued] = await tx
      .update(importJobs)
      .set({ status: 'queued', queuedAt: sql`now()`, permissions: [...actor.permissions], error: null })
      .where(and(eq(importJobs.id, id), eq(importJobs.status, 'uploaded')))
      .returning();
    if (!queued) throw new AppError('CONFLICT', { detail: 'This import was committed already' });
    await queue.send(commitMessage(id), { contentType: 'json' });
    return queued;
  });
  return toImportJob(row);
}

// ---------------------------------------------------------------- error report

const DELIMITERS: Record<'comma' | 'semicolon' | 'tab', Delimiter> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
};
const BOM = '\uFEFF';

/**
 * The CSV error report: original row number, reasons, then the row's original
 * values under the file's headers. UTF-8 with a BOM (so Excel reads accents).
 */
export function errorReportCsv(
  parsed: ParsedFile,
  rejected: readonly { row: number; reasons: string[] }[],
  delimiter: Delimiter,
): string {
  const byRow = new Map(parsed.rows.map((row) => [row.row, row.cells]));
  const records = [
    ['Row', 'Reasons', ...parsed.headers],
    ...rejected.map((entry) => [
      String(entry.row),
      entry.reasons.join(' | '),
      ...(byRow.get(entry.row) ?? parsed.headers.map(() => '')),
    ]),
  ];
  return BOM + toCsv(records, delimiter);
}

export function reportDelimiter(parsed: ParsedFile, choice?: keyof typeof DELIMITERS): Delimiter {
  if (choice) return DELIMITERS[choice];
  return parsed.delimiter ?? ';';
}

/**
 * Before the commit: the dry run's rejects. After it: the rows the commit
 * rejected (stored in R2 when it completed). Not while it runs, nor for a failed
 * job (which imported nothing: its preview says what would happen).
 */
export async function errorReport(
  deps: ActorDeps,
  bucket: R2Bucket,
  id: string,
  choice?: keyof typeof DELIMITERS,
): Promise<{ fileName: string; body: string }> {
  const job = await loadJob(deps, id);
  const fileName = `${job.fileName.replace(/\.(csv|xlsx)$/i, '')}-errors.csv`;
  if (job.status === 'queued' || job.status === 'running' || job.status === 'failed') {
    throw new AppError('CONFLICT', {
      detail:
        job.status === 'failed'
          ? 'This import failed and imported nothing; see its error, and the preview for row problems'
          : 'The import is running; its error report is ready when it completes',
    });
  }
  let parsed: ParsedFile;
  let rejected: readonly { row: number; reasons: string[] }[] | null;
  if (job.status === 'completed') {
    parsed = await parsedOf(bucket, job);
    rejected =
      (await readRejected(bucket, job.id, job.fileType as FileType)) ??
      (job.errors.length === job.rejected ? job.errors : null);
  } else {
    const dryRun = await planOf(deps, bucket, job);
    parsed = dryRun.parsed;
    rejected = dryRun.plan.rows.filter((row) => row.action === 'reject');
  }
  if (!rejected) {
    throw new AppError('CONFLICT', { detail: 'The full error report of this import is no longer available' });
  }
  return { fileName, body: errorReportCsv(parsed, rejected, reportDelimiter(parsed, choice)) };
}
