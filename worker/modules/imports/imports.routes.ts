import { createRoute, z } from '@hono/zod-openapi';
import { actorDepsOf, actorOf, createRouter } from '../../lib/context';
import { idParam, json, problemResponses } from '../../lib/openapi';
import { assertPermission } from '../identity/actor';
import { fieldsOf } from './imports.fields';
import { CSV_MEDIA_TYPE, LIMITS_DESCRIPTION, MAX_STORED_ERRORS, XLSX_MEDIA_TYPE } from './imports.limits';
import {
  entityQuery,
  errorReportQuery,
  fileNameHeader,
  importFieldSchema,
  importJobSchema,
  importJobSummarySchema,
  importWithPreviewSchema,
  listImportsQuery,
  mappingBodySchema,
  previewQuery,
  previewSchema,
} from './imports.schemas';
import {
  commitImport,
  errorReport,
  getImport,
  listImports,
  previewImport,
  updateMapping,
  uploadImport,
} from './imports.service';

const TAG = 'Imports';
const binary = z.string().openapi({ type: 'string', format: 'binary' });

export const importsRoutes = createRouter();

importsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/fields',
    tags: [TAG],
    summary: 'The fields columns can be mapped to, with the header names recognised automatically',
    request: { query: entityQuery },
    responses: {
      200: {
        description: 'Fields in form order',
        content: json(z.object({ data: z.array(importFieldSchema) }).openapi('ImportFieldList')),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  (c) => {
    const { entity } = c.req.valid('query');
    assertPermission(actorOf(c), entity, 'import');
    const data = fieldsOf(entity).map(({ key, label, description, required, synonyms }) => ({
      key,
      label,
      description,
      required,
      synonyms,
    }));
    return c.json({ data }, 200);
  },
);

importsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: [TAG],
    summary:
      'Upload a CSV or XLSX file: detected headers, automatic column mapping and the first preview page',
    description: `The body is the raw file. CSV: RFC 4180, delimiter detected among , ; and tab, UTF-8 with or without BOM (other encodings → 422 not_utf8). XLSX: the first worksheet; the header row is its first non-empty row. ${LIMITS_DESCRIPTION} Other file problems are 422 with errors[].code: empty_file, not_utf8, file_type_mismatch, unterminated_quote, no_header_row, no_data_rows, blank_header, duplicate_header, too_many_columns, too_many_rows, no_mappable_column, xlsx_unreadable, xlsx_too_large. Needs <entity>:import.`,
    request: {
      query: entityQuery,
      headers: fileNameHeader,
      body: {
        required: true,
        description: LIMITS_DESCRIPTION,
        content: { [CSV_MEDIA_TYPE]: { schema: binary }, [XLSX_MEDIA_TYPE]: { schema: binary } },
      },
    },
    responses: {
      201: {
        description: 'The job (status uploaded) with its first preview page',
        content: json(importWithPreviewSchema),
      },
      ...problemResponses(401, 403, 413, 415, 422),
    },
  }),
  async (c) => {
    const created = await uploadImport(actorDepsOf(c), c.env.EXPORTS_BUCKET, {
      entity: c.req.valid('query').entity,
      contentType: c.req.header('Content-Type'),
      fileName: c.req.valid('header')['x-file-name'],
      bytes: new Uint8Array(await c.req.arrayBuffer()),
    });
    c.header('Location', `/api/v1/imports/${created.id}`);
    return c.json(created, 201);
  },
);

importsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: [TAG],
    summary: 'Your imports, newest first',
    request: { query: listImportsQuery },
    responses: {
      200: {
        description: 'A page',
        content: json(
          z
            .object({ data: z.array(importJobSummarySchema), nextCursor: z.string().nullable() })
            .openapi('ImportJobPage'),
        ),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json(await listImports(actorDepsOf(c), c.req.valid('query')), 200),
);

importsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: [TAG],
    summary: 'An import: status, progress counters and rejected rows (poll it while it runs)',
    description: `Visible to its owner and to Admins. errors[] holds the first ${MAX_STORED_ERRORS} rejected rows; errors.csv has them all.`,
    request: { params: idParam },
    responses: {
      200: { description: 'The job', content: json(importJobSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getImport(actorDepsOf(c), c.req.valid('param').id), 200),
);

importsRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/mapping',
    tags: [TAG],
    summary: 'Replace the column mapping (owner only, before the commit); answers the first preview page',
    description:
      'Every field must exist for the entity, map from one column at most, and required fields must be mapped (422 otherwise).',
    request: { params: idParam, body: { required: true, content: json(mappingBodySchema) } },
    responses: {
      200: { description: 'The job with its new preview', content: json(importWithPreviewSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(
      await updateMapping(
        actorDepsOf(c),
        c.env.EXPORTS_BUCKET,
        c.req.valid('param').id,
        c.req.valid('json').mapping,
      ),
      200,
    ),
);

importsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/preview',
    tags: [TAG],
    summary:
      'Dry run: what each row would do (create, update, unchanged, reject with reasons); writes nothing',
    description:
      'Matching: organisations by external id, else website domain; people by external id, else work email (case-insensitive). Only records in your scope match; a match outside it rejects the row. Totals cover the whole file.',
    request: { params: idParam, query: previewQuery },
    responses: {
      200: { description: 'A page of rows and the totals', content: json(previewSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) =>
    c.json(
      await previewImport(
        actorDepsOf(c),
        c.env.EXPORTS_BUCKET,
        c.req.valid('param').id,
        c.req.valid('query'),
      ),
      200,
    ),
);

importsRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/commit',
    tags: [TAG],
    summary: 'Run the import in the background (owner only); poll GET /{id} for progress',
    description:
      'The whole file is imported in one database transaction: it completes entirely, or nothing is imported (a failed attempt is retried from the start). Rows that fail validation are rejected and reported; the others are imported.',
    request: { params: idParam },
    responses: {
      202: { description: 'Queued', content: json(importJobSchema) },
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const job = await commitImport(actorDepsOf(c), c.env.IMPORTS_QUEUE, c.req.valid('param').id);
    c.header('Location', `/api/v1/imports/${job.id}`);
    return c.json(job, 202);
  },
);

importsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/errors.csv',
    tags: [TAG],
    summary:
      'The error report: one line per rejected row with its number, the reasons and its original values',
    description:
      'Before the commit: the rows the dry run rejects; after it: the rows the commit rejected. UTF-8 with BOM. 409 while the import runs or when it failed.',
    request: { params: idParam, query: errorReportQuery },
    responses: {
      200: { description: 'CSV', content: { 'text/csv': { schema: binary } } },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const report = await errorReport(
      actorDepsOf(c),
      c.env.EXPORTS_BUCKET,
      c.req.valid('param').id,
      c.req.valid('query').delimiter,
    );
    const ascii = report.fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return c.body(report.body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      'Cache-Control': 'no-store',
    });
  },
);
