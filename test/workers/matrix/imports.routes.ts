import { env } from 'cloudflare:test';
import { importJobs } from '../../../worker/db/schema';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import { autoMapping } from '../../../worker/modules/imports/imports.fields';
import { CSV_MEDIA_TYPE } from '../../../worker/modules/imports/imports.limits';
import { parseImportFile } from '../../../worker/modules/imports/imports.parser';
import { storeUpload } from '../../../worker/modules/imports/imports.storage';
import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { testDbHandle } from '../support/helpers';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];
const CSV = 'Nom;Type;Ville\nMatrix SA;investor;Paris\nSans type;;Lyon\n';

/** An uploaded organisations import owned by the case's owner, stored as an upload would store it. */
async function importOf(ctx: MatrixContext): Promise<string> {
  const owner = ctx.fx.users[ctx.owner ?? ctx.caller];
  const bytes = new TextEncoder().encode(CSV);
  const parsed = await parseImportFile(bytes, 'csv');
  const id = crypto.randomUUID();
  const fileKey = await storeUpload(
    env.EXPORTS_BUCKET,
    id,
    { bytes, contentType: CSV_MEDIA_TYPE, fileName: 'matrix.csv' },
    parsed,
  );
  const handle = testDbHandle(ctx.fx.databaseUrl);
  try {
    await handle.db.insert(importJobs).values({
      id,
      entity: 'organisations',
      fileName: 'matrix.csv',
      fileType: 'csv',
      sizeBytes: bytes.byteLength,
      fileKey,
      headers: parsed.headers,
      mapping: autoMapping('organisations', parsed.headers),
      rowCount: parsed.rows.length,
      ownerId: owner.id,
      teamId: owner.teamId,
    });
  } finally {
    await handle.close();
  }
  return id;
}

const IMPORTERS: RoleId[] = ['admin', 'manager'];

/** Jobs are personal: the owner sees them, Admins see everyone's; others get 404. Without :import, 403. */
function readable(ok: number) {
  return (role: RoleId, ownership?: Ownership) => {
    if (!IMPORTERS.includes(role)) return 403;
    if (ownership === 'self' || role === 'admin') return ok;
    return 404;
  };
}

/** Only the owner changes or commits a job: an Admin looking at someone else's gets 403. */
function writable(ok: number) {
  return (role: RoleId, ownership?: Ownership) => {
    if (!IMPORTERS.includes(role)) return 403;
    if (ownership === 'self') return ok;
    return role === 'admin' ? 403 : 404;
  };
}

export const IMPORT_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/imports/fields',
    request: () => ({ path: '/api/v1/imports/fields?entity=people' }),
    expect: (role) => (IMPORTERS.includes(role) ? 200 : 403),
  },
  {
    route: 'POST /api/v1/imports',
    request: () => ({
      path: '/api/v1/imports?entity=organisations',
      init: {
        method: 'POST',
        headers: { 'Content-Type': CSV_MEDIA_TYPE, 'X-File-Name': 'm.csv' },
        body: CSV,
      },
    }),
    expect: (role) => (IMPORTERS.includes(role) ? 201 : 403),
  },
  {
    route: 'GET /api/v1/imports',
    request: () => ({ path: '/api/v1/imports?limit=5' }),
    expect: (role) => (IMPORTERS.includes(role) ? 200 : 403),
  },
  {
    route: 'GET /api/v1/imports/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/imports/${await importOf(ctx)}` }),
    expect: readable(200),
  },
  {
    route: 'PUT /api/v1/imports/{id}/mapping',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/imports/${await importOf(ctx)}/mapping`,
      init: json('PUT', { mapping: { Nom: 'name', Type: 'types' } }),
    }),
    expect: writable(200),
  },
  {
    route: 'GET /api/v1/imports/{id}/preview',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/imports/${await importOf(ctx)}/preview?limit=1` }),
    expect: readable(200),
  },
  {
    route: 'POST /api/v1/imports/{id}/commit',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/imports/${await importOf(ctx)}/commit`,
      init: { method: 'POST' },
    }),
    expect: writable(202),
  },
  {
    route: 'GET /api/v1/imports/{id}/errors.csv',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/imports/${await importOf(ctx)}/errors.csv` }),
    expect: readable(200),
  },
];
