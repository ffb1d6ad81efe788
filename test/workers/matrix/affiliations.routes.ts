import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { createRecordAs } from '../support/records';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];

/** A person and an organisation owned by `owner`. */
async function endsOf(ctx: MatrixContext, owner = ctx.owner ?? ctx.caller) {
  const personId = await createRecordAs(ctx.fx, owner, 'people', {
    firstName: 'Matrix',
    lastName: crypto.randomUUID(),
  });
  const organisationId = await createRecordAs(ctx.fx, owner, 'organisations', {
    name: `Matrix ${crypto.randomUUID()}`,
    types: ['investor'],
  });
  return { personId, organisationId };
}

/** An affiliation whose row (and ends) belong to the case's owner. */
async function affiliationOf(ctx: MatrixContext, options: { deleted?: boolean } = {}) {
  const owner = ctx.owner ?? ctx.caller;
  return createRecordAs(ctx.fx, owner, 'affiliations', { ...(await endsOf(ctx, owner)) }, options);
}

export const AFFILIATION_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/affiliations',
    request: () => ({ path: '/api/v1/affiliations?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/affiliations',
    request: async (ctx) => ({
      path: '/api/v1/affiliations',
      init: json('POST', { ...(await endsOf(ctx, ctx.caller)), roleTitle: 'Matrix' }),
    }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/affiliations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/affiliations/${await affiliationOf(ctx)}` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'PATCH /api/v1/affiliations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/affiliations/${await affiliationOf(ctx)}`,
      init: json('PATCH', { roleTitle: 'Gérant' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/affiliations/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/affiliations/${await affiliationOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: expectFor(['admin', 'manager'], 204),
  },
  {
    route: 'POST /api/v1/affiliations/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/affiliations/${await affiliationOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager'], 200),
  },
  {
    route: 'GET /api/v1/organisations/{id}/people',
    owners: OWNERS,
    request: async (ctx) => {
      const { organisationId } = await endsOf(ctx);
      return { path: `/api/v1/organisations/${organisationId}/people` };
    },
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
];
