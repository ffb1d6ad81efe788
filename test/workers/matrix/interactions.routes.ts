import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { createRecordAs } from '../support/records';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];

const interactionOf = (ctx: MatrixContext, options: { deleted?: boolean } = {}) =>
  createRecordAs(
    ctx.fx,
    ctx.owner ?? ctx.caller,
    'interactions',
    { type: 'call', occurredAt: new Date(), subject: `Matrix ${crypto.randomUUID()}` },
    options,
  );

export const INTERACTION_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/interactions',
    request: () => ({ path: '/api/v1/interactions?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/interactions',
    request: () => ({
      path: '/api/v1/interactions',
      init: json('POST', { type: 'meeting', occurredAt: new Date().toISOString(), subject: 'Matrix' }),
    }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/interactions/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/interactions/${await interactionOf(ctx)}` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'PATCH /api/v1/interactions/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/interactions/${await interactionOf(ctx)}`,
      init: json('PATCH', { subject: 'Renamed' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/interactions/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/interactions/${await interactionOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: expectFor(['admin', 'manager', 'user'], 204),
  },
  {
    route: 'POST /api/v1/interactions/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/interactions/${await interactionOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'GET /api/v1/interactions/{id}/timeline',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/interactions/${await interactionOf(ctx)}/timeline` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
];
