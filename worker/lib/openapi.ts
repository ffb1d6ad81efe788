import { swaggerUI } from '@hono/swagger-ui';
import { z } from '@hono/zod-openapi';
import { registerWebhookDocs } from '../modules/webhooks/webhooks.openapi';
import type { AppRouter } from './context';
import { ERROR_CODES, type ErrorStatus, PROBLEM_CONTENT_TYPE } from './errors';

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://docs.alforis.example/problems/validation-failed' }),
    title: z.string().openapi({ example: 'Validation failed' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: '1 field failed validation' }),
    instance: z.string().openapi({ example: '/api/v1/organisations' }),
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...(keyof typeof ERROR_CODES)[]]),
    requestId: z.string().openapi({ example: '0b7c6f1e-2f6a-4c57-9d7e-0d1f5a8c9b21' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string(), code: z.string() }))
      .optional()
      .openapi({ example: [{ path: 'name', message: 'Required', code: 'invalid_type' }] }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

const DESCRIPTIONS: Partial<Record<ErrorStatus, string>> = {
  400: 'Malformed request (e.g. invalid JSON)',
  401: 'Authentication required',
  403: 'Not allowed',
  404: 'Not found or outside your scope',
  409: 'Conflict with the current state',
  412: 'The resource changed since it was read (If-Match)',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'Validation failed; see errors[]',
  429: 'Rate limited; see Retry-After',
  500: 'Unexpected error',
  503: 'A dependency is unavailable',
};

/** `{id}` path parameter of a record. */
export const idParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

/** Optional optimistic-concurrency header of writes (see lib/records.ts `assertIfMatch`). */
export const ifMatchHeader = z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .openapi({ example: '"v3"', description: 'ETag from a previous read; 412 if the record changed since' }),
});

/** Response header entry for routes that return a record's ETag. */
export const withEtag = {
  ETag: { schema: { type: 'string' as const }, description: 'Current version, for If-Match' },
};

/** `content` of a JSON request or response body. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** OpenAPI response entries for the problem statuses a route can answer. */
export function problemResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
      },
    ]),
  );
}

export function registerOpenApiDocs(app: AppRouter) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from POST /api/v1/auth/login or a personal API token (alt_…)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'alforis_session',
    description: 'The session cookie set at login (named __Host-alforis_session over https)',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Alforis CRM API',
      version: '1.0.0',
      description:
        'JSON API of Alforis CRM. Errors are RFC 9457 `application/problem+json` with a `code` and a `requestId`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    tags: [
      { name: 'Authentication', description: 'Sessions: login, logout, the current user' },
      { name: 'Organisations', description: 'Investors, distributors, suppliers and partners' },
      { name: 'People', description: 'Contacts' },
      { name: 'Affiliations', description: 'Who works where, over time' },
      { name: 'Mandates', description: 'Mandates and their lifecycle' },
      { name: 'Interactions', description: 'Calls, meetings, emails, notes and events' },
      { name: 'Tasks' },
      { name: 'Pipeline', description: 'Stages and the kanban' },
      { name: 'Imports', description: 'CSV and Excel imports of organisations and people' },
      { name: 'Search', description: 'Full-text search, autocomplete and typo tolerance across the CRM' },
      { name: 'GDPR', description: 'Subject access export and erasure' },
      { name: 'Users' },
      { name: 'Teams' },
      { name: 'Roles & permissions' },
      { name: 'API tokens' },
      { name: 'Audit' },
      { name: 'Operations', description: 'Health, readiness and system information' },
      {
        name: 'Webhooks',
        description: 'Outbound webhooks (Standard Webhooks): endpoints, delivery log, replay',
      },
    ],
  });
  registerWebhookDocs(app);
  app.get('/api/docs', swaggerUI({ url: '/api/openapi.json', title: 'Alforis CRM API' }));
}
