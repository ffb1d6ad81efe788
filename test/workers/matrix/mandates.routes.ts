import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import type { FixtureUserKey } from '../support/identity-fixture';
import { createRecordAs } from '../support/records';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];
const EVERYONE = ['admin', 'manager', 'user', 'viewer'] as const;

export const organisationFor = (ctx: MatrixContext, owner: FixtureUserKey) =>
  createRecordAs(ctx.fx, owner, 'organisations', {
    name: `Matrix ${crypto.randomUUID()}`,
    types: ['investor'],
  });

/** A draft mandate (of an organisation) owned by the case's owner. */
export async function mandateOf(ctx: MatrixContext, options: { deleted?: boolean } = {}) {
  const owner = ctx.owner ?? ctx.caller;
  return createRecordAs(
    ctx.fx,
    owner,
    'mandates',
    {
      number: `M-MATRIX-${crypto.randomUUID()}`,
      organisationId: await organisationFor(ctx, owner),
      title: 'Matrix mandate',
      type: 'advisory',
    },
    options,
  );
}

export const MANDATE_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/mandates',
    request: () => ({ path: '/api/v1/mandates?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/mandates',
    request: async (ctx) => ({
      path: '/api/v1/mandates',
      init: json('POST', {
        organisationId: await organisationFor(ctx, ctx.caller),
        title: 'Matrix mandate',
        type: 'discretionary',
      }),
    }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/mandates/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/mandates/${await mandateOf(ctx)}` }),
    expect: expectFor([...EVERYONE], 200),
  },
  {
    route: 'PATCH /api/v1/mandates/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/mandates/${await mandateOf(ctx)}`,
      init: json('PATCH', { title: 'Renamed' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'POST /api/v1/mandates/{id}/transition',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/mandates/${await mandateOf(ctx)}/transition`,
      init: json('POST', { to: 'proposed' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/mandates/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/mandates/${await mandateOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: expectFor(['admin', 'manager'], 204),
  },
  {
    route: 'POST /api/v1/mandates/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/mandates/${await mandateOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager'], 200),
  },
  {
    route: 'GET /api/v1/mandates/{id}/timeline',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/mandates/${await mandateOf(ctx)}/timeline` }),
    expect: expectFor([...EVERYONE], 200),
  },
];
