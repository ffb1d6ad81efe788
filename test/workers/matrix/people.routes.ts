import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { createRecordAs } from '../support/records';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];

const personOf = (ctx: MatrixContext, options: { deleted?: boolean } = {}) =>
  createRecordAs(
    ctx.fx,
    ctx.owner ?? ctx.caller,
    'people',
    { firstName: 'Matrix', lastName: crypto.randomUUID() },
    options,
  );

export const PEOPLE_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/people',
    request: () => ({ path: '/api/v1/people?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/people',
    request: () => ({
      path: '/api/v1/people',
      init: json('POST', { firstName: 'Matrix', lastName: 'Person' }),
    }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/people/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/people/${await personOf(ctx)}` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'PATCH /api/v1/people/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/people/${await personOf(ctx)}`,
      init: json('PATCH', { city: 'Lyon' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/people/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/people/${await personOf(ctx)}`, init: { method: 'DELETE' } }),
    expect: expectFor(['admin', 'manager'], 204),
  },
  {
    route: 'POST /api/v1/people/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/people/${await personOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager'], 200),
  },
  {
    route: 'GET /api/v1/people/{id}/timeline',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/people/${await personOf(ctx)}/timeline` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'GET /api/v1/people/{id}/affiliations',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/people/${await personOf(ctx)}/affiliations` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'GET /api/v1/people/{id}/gdpr-export',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/people/${await personOf(ctx)}/gdpr-export` }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'POST /api/v1/people/{id}/erase',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/people/${await personOf(ctx)}/erase`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager'], 200),
  },
];
