import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type AppEnv, actorDepsOf, createRouter } from '../../lib/context';
import { idParam, json, problemResponses } from '../../lib/openapi';
import {
  downloadQuery,
  EXPORT_ENTITIES,
  EXPORT_FORMATS,
  type ExportRequest,
  exportJobSchema,
  exportQueries,
  listExportJobsQuery,
} from './exports.schemas';
import {
  DOWNLOAD_URL_TTL_SECONDS,
  downloadExport,
  type FileResult,
  getExportJob,
  listExportJobs,
  MEDIA_TYPES,
  mandateSheet,
  requestExport,
  SYNC_LIMITS,
} from './exports.service';

const TAG = 'Exports';
const binary = z.string().openapi({ type: 'string', format: 'binary' });
const formatParam = z.object({
  format: z.enum(EXPORT_FORMATS).openapi({ param: { name: 'format', in: 'path' } }),
});
const fileContent = {
  [MEDIA_TYPES.csv]: { schema: binary },
  [MEDIA_TYPES.excel]: { schema: binary },
  [MEDIA_TYPES.pdf]: { schema: binary },
};
const SIZE_RULE = `Up to ${SYNC_LIMITS.csv} rows (CSV), ${SYNC_LIMITS.excel} (Excel) or ${SYNC_LIMITS.pdf} (PDF) the file comes back at once (CSV streamed page by page); above, or with mode=async, the answer is 202 with an export job to poll (GET /api/v1/exports/jobs/{id}).`;

export const exportsRoutes = createRouter();

/** pdf-lib and JSZip type their bytes over ArrayBufferLike; they are plain ArrayBuffers. */
function bodyOf(body: Uint8Array | ReadableStream<Uint8Array>): BodyInit {
  return body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : body;
}

function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"`;
}

function fileResponse(c: Context<AppEnv>, file: FileResult, finished: Promise<void>) {
  // The pool must outlive the handler while the CSV streams (close() waits for tracked work).
  c.var.dbHandle.track(finished);
  return new Response(bodyOf(file.body), {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': attachment(file.fileName),
      'Cache-Control': 'no-store',
    },
  });
}

for (const entity of EXPORT_ENTITIES) {
  const paths = entity === 'mandates' ? ['/mandates/{format}', '/mandats/{format}'] : [`/${entity}/{format}`];
  for (const path of paths) {
    exportsRoutes.openapi(
      createRoute({
        method: 'get',
        path,
        tags: [TAG],
        summary: path.startsWith('/mandats')
          ? 'Alias of /mandates/{format} (the original paths)'
          : `Export ${entity} as CSV, Excel (with charts) or PDF, with the list's filters`,
        description: `Takes the same filters as GET /api/v1/${entity}. Needs ${entity}:export and ${entity}:read; your scope applies. ${SIZE_RULE} CSV: UTF-8 with BOM, RFC 4180, CRLF; dates YYYY-MM-DD, timestamps YYYY-MM-DD HH:MM:SS UTC, amounts with two decimals (decimal comma with delimiter=;); text starting with = + - @ tab or CR is prefixed with an apostrophe.`,
        request: { params: formatParam, query: exportQueries[entity] },
        responses: {
          200: { description: 'The file', content: fileContent },
          202: {
            description: 'Too large to answer now: a queued export job',
            content: json(exportJobSchema),
          },
          ...problemResponses(401, 403, 422),
        },
      }),
      async (c) => {
        const request = {
          entity,
          format: c.req.valid('param').format,
          query: c.req.valid('query'),
        } as ExportRequest;
        const outcome = await requestExport(actorDepsOf(c), c.env.EXPORTS_QUEUE, request);
        if (outcome.kind === 'job') {
          c.header('Location', `/api/v1/exports/jobs/${outcome.job.id}`);
          return c.json(outcome.job, 202);
        }
        return fileResponse(c, outcome.file, outcome.finished);
      },
    );
  }
}

for (const path of ['/mandates/{id}/pdf', '/mandats/{id}/pdf']) {
  exportsRoutes.openapi(
    createRoute({
      method: 'get',
      path,
      tags: [TAG],
      summary: path.startsWith('/mandats') ? 'Alias of /mandates/{id}/pdf' : 'One mandate as a PDF sheet',
      description: 'Needs mandates:export; a mandate outside your scope answers 404.',
      request: { params: idParam },
      responses: {
        200: { description: 'The PDF', content: { [MEDIA_TYPES.pdf]: { schema: binary } } },
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const { bytes, fileName } = await mandateSheet(actorDepsOf(c), c.req.valid('param').id);
      return new Response(bodyOf(bytes), {
        status: 200,
        headers: {
          'Content-Type': MEDIA_TYPES.pdf,
          'Content-Disposition': attachment(fileName),
          'Cache-Control': 'no-store',
        },
      });
    },
  );
}

exportsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/jobs',
    tags: [TAG],
    summary: 'Your export jobs, newest first, with progress, expiry and a fresh download link',
    request: { query: listExportJobsQuery },
    responses: {
      200: {
        description: 'Jobs',
        content: json(z.object({ data: z.array(exportJobSchema) }).openapi('ExportJobList')),
      },
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => c.json({ data: await listExportJobs(actorDepsOf(c), c.req.valid('query').limit) }, 200),
);

exportsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/jobs/{id}',
    tags: [TAG],
    summary: 'An export job: status and progress (poll it); downloadUrl once completed',
    description: `downloadUrl is signed and works for ${DOWNLOAD_URL_TTL_SECONDS} s; read the job again for a new one.`,
    request: { params: idParam },
    responses: {
      200: { description: 'The job', content: json(exportJobSchema) },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => c.json(await getExportJob(actorDepsOf(c), c.req.valid('param').id), 200),
);

exportsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/jobs/{id}/download',
    tags: [TAG],
    summary: "A finished export's file, through its signed, short-lived URL",
    description: 'An invalid or expired signature answers 403; a job past its expiry answers 404.',
    request: { params: idParam, query: downloadQuery },
    responses: {
      200: { description: 'The file', content: fileContent },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const file = await downloadExport(
      actorDepsOf(c),
      c.env.EXPORTS_BUCKET,
      c.req.valid('param').id,
      c.req.valid('query'),
    );
    return new Response(file.body, {
      status: 200,
      headers: {
        'Content-Type': file.contentType,
        'Content-Disposition': attachment(file.fileName),
        'Content-Length': String(file.size),
        'Cache-Control': 'no-store',
      },
    });
  },
);
