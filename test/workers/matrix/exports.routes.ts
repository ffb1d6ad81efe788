import { env } from 'cloudflare:test';
import { exportJobs } from '../../../worker/db/schema';
import { signedDownloadUrl } from '../../../worker/modules/exports/exports.service';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import type { MatrixContext, MatrixRoute, Ownership } from '../support/authorization-matrix';
import { testDbHandle } from '../support/helpers';
import { mandateOf } from './mandates.routes';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];
const EXPORTERS: RoleId[] = ['admin', 'manager', 'user'];

/** Export jobs are personal: only their owner reads them, whatever the role. */
const ownerOnly = (role: RoleId, ownership?: Ownership) =>
  !EXPORTERS.includes(role) ? 403 : ownership === 'self' ? 200 : 404;

/** A finished CSV job of the case's owner, with its file in R2. */
async function completedJob(ctx: MatrixContext) {
  const owner = ctx.fx.users[ctx.owner ?? ctx.caller];
  const id = crypto.randomUUID();
  const fileKey = `exports/${id}/matrix.csv`;
  await env.EXPORTS_BUCKET.put(fileKey, '\uFEFFNom\r\nMatrix\r\n');
  const downloadKey = 'a'.repeat(64);
  const handle = testDbHandle(ctx.fx.databaseUrl);
  try {
    await handle.db.insert(exportJobs).values({
      id,
      entity: 'organisations',
      format: 'csv',
      status: 'completed',
      filters: {},
      totalRows: 1,
      processedRows: 1,
      fileName: 'matrix.csv',
      fileKey,
      contentType: 'text/csv; charset=utf-8',
      downloadKey,
      permissions: [],
      ownerId: owner.id,
      teamId: owner.teamId,
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  } finally {
    await handle.close();
  }
  return { id, downloadKey };
}

// Excel rather than CSV: the matrix reads bodies after the request's waitUntil work, and a CSV streams.
const listExport = (entity: string): MatrixRoute => ({
  route: `GET /api/v1/exports/${entity}/{format}`,
  request: () => ({ path: `/api/v1/exports/${entity}/excel` }),
  expect: (role) => (EXPORTERS.includes(role) ? 200 : 403),
});

export const EXPORT_ROUTES: MatrixRoute[] = [
  listExport('organisations'),
  listExport('people'),
  listExport('mandates'),
  listExport('mandats'),
  ...['mandates', 'mandats'].map(
    (alias): MatrixRoute => ({
      route: `GET /api/v1/exports/${alias}/{id}/pdf`,
      owners: OWNERS,
      request: async (ctx) => ({ path: `/api/v1/exports/${alias}/${await mandateOf(ctx)}/pdf` }),
      expect: expectFor(EXPORTERS, 200),
    }),
  ),
  {
    route: 'GET /api/v1/exports/jobs',
    request: () => ({ path: '/api/v1/exports/jobs' }),
    expect: (role) => (EXPORTERS.includes(role) ? 200 : 403),
  },
  {
    route: 'GET /api/v1/exports/jobs/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/exports/jobs/${(await completedJob(ctx)).id}` }),
    expect: ownerOnly,
  },
  {
    route: 'GET /api/v1/exports/jobs/{id}/download',
    owners: OWNERS,
    request: async (ctx) => ({ path: await signedDownloadUrl(await completedJob(ctx)) }),
    expect: ownerOnly,
  },
];
