import { json, type MatrixContext, type MatrixRoute, type Ownership } from '../support/authorization-matrix';
import { createRecordAs } from '../support/records';
import { expectFor } from './organisations.routes';

const OWNERS: Ownership[] = ['self', 'teammate', 'other-team'];

/** A task owned by, and assigned to, the case's owner (assignee visibility is covered in tasks.test.ts). */
const taskOf = (ctx: MatrixContext, options: { deleted?: boolean } = {}) => {
  const owner = ctx.owner ?? ctx.caller;
  return createRecordAs(
    ctx.fx,
    owner,
    'tasks',
    { title: `Matrix ${crypto.randomUUID()}`, assigneeId: ctx.fx.users[owner].id },
    options,
  );
};

export const TASK_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/tasks',
    request: () => ({ path: '/api/v1/tasks?limit=5' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/tasks',
    request: () => ({ path: '/api/v1/tasks', init: json('POST', { title: 'Matrix task' }) }),
    expect: (role) => (role === 'viewer' ? 403 : 201),
  },
  {
    route: 'GET /api/v1/tasks/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/tasks/${await taskOf(ctx)}` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
  {
    route: 'PATCH /api/v1/tasks/{id}',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/tasks/${await taskOf(ctx)}`,
      init: json('PATCH', { status: 'in_progress' }),
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'DELETE /api/v1/tasks/{id}',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/tasks/${await taskOf(ctx)}`, init: { method: 'DELETE' } }),
    expect: expectFor(['admin', 'manager', 'user'], 204),
  },
  {
    route: 'POST /api/v1/tasks/{id}/restore',
    owners: OWNERS,
    request: async (ctx) => ({
      path: `/api/v1/tasks/${await taskOf(ctx, { deleted: true })}/restore`,
      init: { method: 'POST' },
    }),
    expect: expectFor(['admin', 'manager', 'user'], 200),
  },
  {
    route: 'GET /api/v1/tasks/{id}/timeline',
    owners: OWNERS,
    request: async (ctx) => ({ path: `/api/v1/tasks/${await taskOf(ctx)}/timeline` }),
    expect: expectFor(['admin', 'manager', 'user', 'viewer'], 200),
  },
];
