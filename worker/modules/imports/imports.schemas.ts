import { z } from '@hono/zod-openapi';
import { paginationQuery } from '../../lib/pagination';
import { IMPORT_ENTITIES } from './imports.fields';

export const IMPORT_STATUSES = ['uploaded', 'queued', 'running', 'completed', 'failed'] as const;
export const ROW_ACTIONS = ['create', 'update', 'unchanged', 'reject'] as const;

export const importEntitySchema = z
  .enum(IMPORT_ENTITIES)
  .openapi({ description: 'What the rows are', example: 'organisations' });

export const entityQuery = z.object({ entity: importEntitySchema });

export const fileNameHeader = z.object({
  'x-file-name': z.string().max(1_000).optional().openapi({
    description: 'The file name, shown in the job list (percent-encode non-ASCII characters)',
    example: 'prospects-2026.csv',
  }),
});

const at = z.iso.datetime().nullable();

export const importJobSchema = z
  .object({
    id: z.uuid(),
    entity: importEntitySchema,
    status: z.enum(IMPORT_STATUSES).openapi({
      description: 'uploaded (mapping and preview) → queued → running → completed | failed',
    }),
    fileName: z.string(),
    fileType: z.enum(['csv', 'xlsx']),
    sizeBytes: z.number().int(),
    headers: z.array(z.string()).openapi({ description: 'Column headers, in file order' }),
    mapping: z.record(z.string(), z.string().nullable()).openapi({
      description: '{ header: field | null }',
      example: { Nom: 'name', Ville: 'city', Divers: null },
    }),
    unmappedHeaders: z.array(z.string()).openapi({ description: 'Columns that will be ignored' }),
    missingFields: z
      .array(z.string())
      .openapi({ description: 'Required fields no column is mapped to; commit needs none' }),
    rowCount: z.number().int().openapi({ description: 'Data rows (blank rows are not counted)' }),
    processed: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    errors: z
      .array(z.object({ row: z.number().int(), reasons: z.array(z.string()) }))
      .openapi({ description: 'Rejected rows of the commit (the first 1000; errors.csv has them all)' }),
    error: z.string().nullable().openapi({ description: 'Why the job failed or is being retried' }),
    attempts: z.number().int(),
    ownerId: z.uuid(),
    teamId: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    queuedAt: at,
    startedAt: at,
    finishedAt: at,
    heartbeatAt: at.openapi({ description: 'Last progress write of a running import' }),
  })
  .openapi('ImportJob');

export const importJobSummarySchema = importJobSchema.omit({ errors: true }).openapi('ImportJobSummary');

export const previewRowSchema = z
  .object({
    row: z.number().int().openapi({ description: 'Row number in the file (the header row counts)' }),
    action: z.enum(ROW_ACTIONS),
    reasons: z.array(z.string()).openapi({ description: 'Why the row would be rejected' }),
    values: z.record(z.string(), z.string()).openapi({ description: 'The cell read for each mapped field' }),
    matchId: z.uuid().nullable().openapi({ description: 'The existing record an update targets' }),
    matchedBy: z.enum(['externalId', 'websiteDomain', 'workEmail']).nullable(),
    changes: z.array(z.string()).openapi({ description: 'Fields an update would change' }),
  })
  .openapi('ImportPreviewRow');

export const previewTotalsSchema = z
  .object({
    rows: z.number().int(),
    create: z.number().int(),
    update: z.number().int(),
    unchanged: z.number().int(),
    reject: z.number().int(),
  })
  .openapi('ImportPreviewTotals');

export const previewSchema = z
  .object({
    totals: previewTotalsSchema,
    data: z.array(previewRowSchema),
    nextCursor: z.string().nullable(),
  })
  .openapi('ImportPreview');

export const importWithPreviewSchema = importJobSchema
  .extend({ preview: previewSchema })
  .openapi('ImportJobWithPreview');

export const previewQuery = z.object({
  ...paginationQuery,
  action: z.enum(ROW_ACTIONS).optional().openapi({ description: 'Only rows with this action' }),
});

export const listImportsQuery = z.object({
  ...paginationQuery,
  entity: importEntitySchema.optional(),
});

export const mappingBodySchema = z
  .object({
    mapping: z
      .record(z.string().max(500), z.string().max(100).nullable())
      .openapi({ example: { Nom: 'name', Type: 'types', 'Site web': 'website', Divers: null } }),
  })
  .openapi('ImportMappingInput', {
    description: 'Replaces the mapping; headers left out are ignored columns',
  });

export const importFieldSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    description: z.string(),
    required: z.boolean(),
    synonyms: z
      .array(z.string())
      .openapi({ description: 'Header names mapped to it automatically (normalised)' }),
  })
  .openapi('ImportField');

export const errorReportQuery = z.object({
  delimiter: z.enum(['comma', 'semicolon', 'tab']).optional().openapi({
    description:
      "Defaults to the uploaded CSV's delimiter; semicolon for XLSX uploads (what French Excel opens)",
  }),
});
