import { asc, isNull, sql } from 'drizzle-orm';
import { pipelineStages } from '../../../worker/db/schema';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import { json, type MatrixContext, type MatrixRoute } from '../support/authorization-matrix';
import { testDbHandle } from '../support/helpers';

/** Stage administration is settings:manage, which only Admins hold by default. */
const adminOnly = (ok: number) => (role: RoleId) => (role === 'admin' ? ok : 403);

async function withDb<T>(
  ctx: MatrixContext,
  work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>,
) {
  const handle = testDbHandle(ctx.fx.databaseUrl);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

/** A fresh, unused stage at the end of the pipeline. */
const stageOf = (ctx: MatrixContext) =>
  withDb(ctx, async (db) => {
    const [row] = await db
      .insert(pipelineStages)
      .values({
        name: `Matrix ${crypto.randomUUID()}`,
        position: sql`(select coalesce(max(position), 0) + 1 from pipeline_stages)`,
      })
      .returning({ id: pipelineStages.id });
    if (!row) throw new Error('stage not created');
    return row.id;
  });

const activeStageIds = (ctx: MatrixContext) =>
  withDb(ctx, async (db) =>
    (
      await db
        .select({ id: pipelineStages.id })
        .from(pipelineStages)
        .where(isNull(pipelineStages.deletedAt))
        .orderBy(asc(pipelineStages.position), asc(pipelineStages.id))
    ).map((row) => row.id),
  );

export const PIPELINE_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/pipeline-stages',
    request: () => ({ path: '/api/v1/pipeline-stages' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/pipeline-stages',
    request: () => ({
      path: '/api/v1/pipeline-stages',
      init: json('POST', { name: `Matrix ${crypto.randomUUID()}`, color: '#123456' }),
    }),
    expect: adminOnly(201),
  },
  {
    route: 'PUT /api/v1/pipeline-stages/order',
    request: async (ctx) => ({
      path: '/api/v1/pipeline-stages/order',
      init: json('PUT', { ids: (await activeStageIds(ctx)).reverse() }),
    }),
    expect: adminOnly(200),
  },
  {
    route: 'PATCH /api/v1/pipeline-stages/{id}',
    request: async (ctx) => ({
      path: `/api/v1/pipeline-stages/${await stageOf(ctx)}`,
      init: json('PATCH', { color: '#abcdef' }),
    }),
    expect: adminOnly(200),
  },
  {
    route: 'DELETE /api/v1/pipeline-stages/{id}',
    request: async (ctx) => ({
      path: `/api/v1/pipeline-stages/${await stageOf(ctx)}`,
      init: { method: 'DELETE' },
    }),
    expect: adminOnly(204),
  },
  {
    route: 'GET /api/v1/pipeline',
    request: () => ({ path: '/api/v1/pipeline?limit=5' }),
    expect: () => 200,
  },
];
