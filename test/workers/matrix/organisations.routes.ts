import type { RoleId } from '../../../worker/modules/identity/permissions';
import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { createRecordAs } from '../support/records';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];

/** Who sees a record owned by self / a teammate / another team: Users own, Managers and Viewers team, Admins all. */
export function visible(role: RoleId, ownership: Ownership | undefined): boolean {
  if (role === 'admin' || ownership === 'self') return true;
  if (ownership === 'teammate') return role === 'manager' || role === 'viewer';
  return false;
}

/**
 * Without the permission → 403 whatever the record (nothing about it is revealed);
 * with it but outside the caller's scope → 404, as if it did not exist; otherwise `ok`.
 */
export function expectFor(permitted: RoleId[], ok: number) {
  return (role: RoleId, ownership?: Ownership) => {
    if (!permitted.includes(role)) return 403;
    return visible(role, ownership) ? ok : 404;
  };
}

const organisationOf = (ctx: MatrixContext, options: { deleted?: boolean } = {}) =>
  createRecordAs(
    ctx.fx,
    ctx.owner ?? ctx.caller,
    'organisations',
    { name: `Matrix ${crypto.randomUUID()}`, types: ['investor'] },
    options,
  );

export const ORGANISATION_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/organisations',
    request: () => ({ path: '/api/v1/organisations?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/organisations',
    request: () => ({
      path: '/api/v1/organisations',
      init: json('POST', { name: 'Matrix SA', types: ['distributor'] }),
    }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/organisations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/organisations/${await organisationOf(ctx)}` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'PATCH /api/v1/organisations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/organisations/${await organisationOf(ctx)}`,
      init: json('PATCH', { city: 'Lyon' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/organisations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/organisations/${await organisationOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: expectFor(['admin', 'manager'], 204),
  },
  {
    route: 'POST /api/v1/organisations/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/organisations/${await organisationOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager'], 200),
  },
  {
    route: 'GET /api/v1/organisations/{id}/timeline',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/organisations/${await organisationOf(ctx)}/timeline` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
];
