import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PIPELINE } from '../../worker/db/reference-data';
import { auditLog, organisations } from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import {
  createIdentityFixture,
  type FixtureUserKey,
  type IdentityFixture,
  jsonBody,
} from './support/identity-fixture';
import { createRecordAs } from './support/records';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

interface Stage {
  id: string;
  name: string;
  position: number;
  color: string;
  isWon: boolean;
  isLost: boolean;
}
interface Board {
  stages: (Stage & {
    count: number;
    organisations: {
      id: string;
      name: string;
      city: string | null;
      aum: { amount: string; currency: string } | null;
      ownerId: string;
      updatedAt: string;
    }[];
  })[];
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

async function stages(who: FixtureUserKey = 'viewer') {
  const response = await fx.as(who, '/api/v1/pipeline-stages');
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Stage[] }).data;
}

async function createStage(body: Record<string, unknown>) {
  const response = await fx.as('admin', '/api/v1/pipeline-stages', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Stage;
}

const auditFor = (targetId: string | null, action: string) =>
  withDb((db) =>
    db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, action),
          targetId ? eq(auditLog.targetId, targetId) : sql`${auditLog.targetId} is null`,
        ),
      ),
  );

describe('pipeline stages', () => {
  it('everyone who reads organisations lists the default pipeline in order', async () => {
    const list = await stages('viewer');
    expect(list.map((stage) => stage.name)).toEqual(DEFAULT_PIPELINE.map((stage) => stage.name));
    expect(list.map((stage) => stage.position)).toEqual(list.map((_, index) => index));
    expect(list.filter((stage) => stage.isWon).map((stage) => stage.name)).toEqual(['Gagné']);
  });

  it('Admins add stages at the end; duplicates are 409, bad input 422, others 403; audited', async () => {
    const count = (await stages()).length;
    const stage = await createStage({ name: 'Onboarding', color: '#AABBCC' });
    expect(stage).toMatchObject({ name: 'Onboarding', color: '#aabbcc', position: count, isWon: false });
    expect((await stages()).at(-1)?.id).toBe(stage.id);
    const [entry] = await auditFor(stage.id, 'pipeline_stage.created');
    expect(entry).toMatchObject({ actorId: fx.users.admin.id, targetType: 'pipeline_stage' });
    expect(entry?.changes).toMatchObject({ name: { before: null, after: 'Onboarding' } });

    const duplicate = await fx.as(
      'admin',
      '/api/v1/pipeline-stages',
      jsonBody('POST', { name: 'onboarding' }),
    );
    expect(duplicate.status).toBe(409);
    expect((await problemOf(duplicate)).errors?.[0]?.path).toBe('name');

    const invalid = await fx.as(
      'admin',
      '/api/v1/pipeline-stages',
      jsonBody('POST', { name: '', color: 'blue', isWon: 'yes' }),
    );
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors?.map((error) => error.path).sort()).toEqual([
      'color',
      'isWon',
      'name',
    ]);
    const both = await fx.as(
      'admin',
      '/api/v1/pipeline-stages',
      jsonBody('POST', { name: 'Limbo', isWon: true, isLost: true }),
    );
    expect(both.status).toBe(422);

    expect(
      (await fx.as('manager', '/api/v1/pipeline-stages', jsonBody('POST', { name: 'Par un manager' })))
        .status,
    ).toBe(403);
  });

  it('PATCH renames and recolours (audited); won and lost together are 422; unknown stage 404', async () => {
    const stage = await createStage({ name: 'Relance' });
    const renamed = await fx.as(
      'admin',
      `/api/v1/pipeline-stages/${stage.id}`,
      jsonBody('PATCH', { name: 'Relance client', color: '#112233' }),
    );
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Relance client', color: '#112233' });
    const [entry] = await auditFor(stage.id, 'pipeline_stage.updated');
    expect(entry?.changes).toEqual({
      name: { before: 'Relance', after: 'Relance client' },
      color: { before: '#366092', after: '#112233' },
    });

    const lost = (await stages()).find((candidate) => candidate.isLost);
    const wonAndLost = await fx.as(
      'admin',
      `/api/v1/pipeline-stages/${lost?.id}`,
      jsonBody('PATCH', { isWon: true }),
    );
    expect(wonAndLost.status).toBe(422);
    expect(
      (
        await fx.as(
          'admin',
          `/api/v1/pipeline-stages/${crypto.randomUUID()}`,
          jsonBody('PATCH', { name: 'X' }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await fx.as('manager', `/api/v1/pipeline-stages/${stage.id}`, jsonBody('PATCH', { name: 'X' })))
        .status,
    ).toBe(403);
  });

  it('a stage in use cannot be deleted (409); an unused one is, and leaves the list', async () => {
    const stage = await createStage({ name: 'Temporaire' });
    const organisationId = await createRecordAs(fx, 'user', 'organisations', {
      name: 'Occupant SA',
      types: ['investor'],
      pipelineStageId: stage.id,
    });
    const inUse = await fx.as('admin', `/api/v1/pipeline-stages/${stage.id}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect((await problemOf(inUse)).detail).toContain('1 organisation is in the stage Temporaire');

    // Organisations in the bin do not hold a stage.
    await withDb((db) =>
      db.update(organisations).set({ deletedAt: sql`now()` }).where(eq(organisations.id, organisationId)),
    );
    expect((await fx.as('admin', `/api/v1/pipeline-stages/${stage.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await stages()).map((candidate) => candidate.id)).not.toContain(stage.id);
    expect((await fx.as('admin', `/api/v1/pipeline-stages/${stage.id}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect(await auditFor(stage.id, 'pipeline_stage.deleted')).toHaveLength(1);
  });

  it('reorder must list every active stage exactly once', async () => {
    const current = (await stages()).map((stage) => stage.id);
    const reorder = (ids: string[], who: FixtureUserKey = 'admin') =>
      fx.as(who, '/api/v1/pipeline-stages/order', jsonBody('PUT', { ids }));
    const paths = async (response: Response) => {
      expect(response.status).toBe(422);
      return (await problemOf(response)).errors?.map((error) => `${error.path}:${error.code}`);
    };

    expect(await paths(await reorder(current.slice(1)))).toEqual(['ids:incomplete']);
    expect(await paths(await reorder([...current, current[0] ?? '']))).toEqual([
      `ids.${current.length}:duplicate`,
    ]);
    expect(await paths(await reorder([...current, crypto.randomUUID()]))).toEqual([
      `ids.${current.length}:unknown_reference`,
    ]);
    expect(await paths(await reorder([]))).toEqual(['ids:too_small']);
    expect((await reorder([...current].reverse(), 'manager')).status).toBe(403);

    const reversed = [...current].reverse();
    const response = await reorder(reversed);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Stage[] };
    expect(body.data.map((stage) => stage.id)).toEqual(reversed);
    expect(body.data.map((stage) => stage.position)).toEqual(reversed.map((_, index) => index));
    expect((await stages()).map((stage) => stage.id)).toEqual(reversed);
    const [entry] = await auditFor(null, 'pipeline_stages.reordered');
    expect(entry?.changes).toEqual({ order: { before: current, after: reversed } });

    expect((await reorder(current)).status).toBe(200);
  });
});

describe('pipeline board', () => {
  it('counts and lists organisations per stage within the caller’s scope, most recent first', async () => {
    const board = async (who: FixtureUserKey, query = '') => {
      const response = await fx.as(who, `/api/v1/pipeline${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Board;
    };
    const [first, second] = await stages();
    if (!first || !second) throw new Error('pipeline missing');
    const place = async (owner: FixtureUserKey, name: string, stageId: string, updatedAt: string) => {
      const id = await createRecordAs(fx, owner, 'organisations', {
        name,
        types: ['investor'],
        pipelineStageId: stageId,
        city: 'Lyon',
        aumAmount: '1500000.50',
        aumCurrency: 'EUR',
      });
      await withDb((db) =>
        db
          .update(organisations)
          .set({ updatedAt: new Date(updatedAt) })
          .where(eq(organisations.id, id)),
      );
      return id;
    };
    const mineOld = await place('user', 'Ancienne', first.id, '2026-01-01T00:00:00Z');
    const mineNew = await place('user', 'Récente', first.id, '2026-02-01T00:00:00Z');
    await place('teammate', 'Collègue', first.id, '2026-01-15T00:00:00Z');
    await place('otherUser', 'Autre équipe', second.id, '2026-01-20T00:00:00Z');
    await createRecordAs(
      fx,
      'user',
      'organisations',
      { name: 'En corbeille', types: ['investor'], pipelineStageId: first.id },
      { deleted: true },
    );

    const forUser = await board('user');
    expect(forUser.stages.map((stage) => stage.id)).toEqual((await stages()).map((stage) => stage.id));
    const userFirst = forUser.stages[0];
    expect(userFirst?.count).toBe(2);
    expect(userFirst?.organisations.map((card) => card.id)).toEqual([mineNew, mineOld]);
    expect(userFirst?.organisations[0]).toEqual({
      id: mineNew,
      name: 'Récente',
      city: 'Lyon',
      aum: { amount: '1500000.50', currency: 'EUR' },
      ownerId: fx.users.user.id,
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(forUser.stages[1]?.count).toBe(0);
    expect(forUser.stages[1]?.organisations).toEqual([]);

    const forManager = await board('manager', '?limit=1');
    expect(forManager.stages[0]?.count).toBe(3);
    expect(forManager.stages[0]?.organisations.map((card) => card.name)).toEqual(['Récente']);
    expect(forManager.stages[1]?.count).toBe(0);

    const forAdmin = await board('admin');
    expect(forAdmin.stages[0]?.count).toBe(3);
    expect(forAdmin.stages[1]?.organisations.map((card) => card.name)).toEqual(['Autre équipe']);
    const byOwner = await board('admin', `?ownerId=${fx.users.teammate.id}`);
    expect(byOwner.stages[0]?.organisations.map((card) => card.name)).toEqual(['Collègue']);

    expect((await fx.as('viewer', '/api/v1/pipeline?limit=0')).status).toBe(422);
  });
});
