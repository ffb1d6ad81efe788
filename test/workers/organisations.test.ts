import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations, outboxEvents, pipelineStages, stageHistory } from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;
let stages: { id: string; name: string }[];

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
  const handle = testDbHandle(database.url);
  try {
    stages = await handle.db
      .select({ id: pipelineStages.id, name: pipelineStages.name })
      .from(pipelineStages)
      .orderBy(pipelineStages.position);
  } finally {
    await handle.close();
  }
});
afterAll(async () => {
  await database.drop();
});

interface Org {
  id: string;
  name: string;
  version: number;
  ownerId: string;
  teamId: string | null;
  city: string | null;
  websiteDomain: string | null;
  aum: { amount: string; currency: string } | null;
  pipelineStageId: string | null;
}

async function create(who: Parameters<IdentityFixture['as']>[0], body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/organisations', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { org: (await response.json()) as Org, response };
}

async function outboxFor(entityId: string) {
  const handle = testDbHandle(database.url);
  try {
    return await handle.db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.entityId, entityId))
      .orderBy(outboxEvents.occurredAt);
  } finally {
    await handle.close();
  }
}

describe('organisations API', () => {
  it('creates with defaults from the caller, derived fields, ETag, Location and an outbox event', async () => {
    const { org, response } = await create('user', {
      name: 'Caisse de Retraite des Cadres',
      types: ['investor'],
      category: 'pension_fund',
      website: 'https://www.CRC-retraite.fr/contact',
      country: 'fr',
      city: 'Paris',
      aum: { amount: 1250000000.5, currency: 'eur' },
      tags: ['retraite', 'institutionnel'],
    });
    expect(org).toMatchObject({
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      websiteDomain: 'crc-retraite.fr',
      aum: { amount: '1250000000.50', currency: 'EUR' },
      version: 1,
    });
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(response.headers.get('Location')).toBe(`/api/v1/organisations/${org.id}`);
    const events = await outboxFor(org.id);
    expect(events.map((event) => event.type)).toEqual(['organisation.created']);
    expect(events[0]).toMatchObject({
      actorId: fx.users.user.id,
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
    });
  });

  it('422 with field paths for invalid input; 409 for a duplicate external id', async () => {
    const invalid = await fx.as(
      'user',
      '/api/v1/organisations',
      jsonBody('POST', {
        name: '',
        types: ['alien'],
        country: 'France',
        aum: { amount: '-5', currency: 'EUR' },
      }),
    );
    expect(invalid.status).toBe(422);
    const paths = (await problemOf(invalid)).errors?.map((error) => error.path).sort();
    expect(paths).toEqual(['aum.amount', 'country', 'name', 'types.0']);

    await create('user', { name: 'Ext 1', types: ['supplier'], externalId: 'EXT-42' });
    const duplicate = await fx.as(
      'user',
      '/api/v1/organisations',
      jsonBody('POST', { name: 'Ext 2', types: ['supplier'], externalId: 'EXT-42' }),
    );
    expect(duplicate.status).toBe(409);
    expect((await problemOf(duplicate)).errors?.[0]?.path).toBe('externalId');
  });

  it('PATCH with a stale If-Match is 412 and writes nothing; a fresh one succeeds', async () => {
    const { org } = await create('user', { name: 'Concurrency SA', types: ['distributor'] });
    const first = await fx.as('user', `/api/v1/organisations/${org.id}`, {
      ...jsonBody('PATCH', { city: 'Lyon' }),
      headers: { 'Content-Type': 'application/json', 'If-Match': '"v1"' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('ETag')).toBe('"v2"');
    const stale = await fx.as('user', `/api/v1/organisations/${org.id}`, {
      ...jsonBody('PATCH', { city: 'Marseille' }),
      headers: { 'Content-Type': 'application/json', 'If-Match': '"v1"' },
    });
    expect(stale.status).toBe(412);
    expect((await problemOf(stale)).code).toBe('PRECONDITION_FAILED');
    const current = (await (await fx.as('user', `/api/v1/organisations/${org.id}`)).json()) as Org;
    expect(current).toMatchObject({ city: 'Lyon', version: 2 });
    expect((await outboxFor(org.id)).map((event) => event.type)).toEqual([
      'organisation.created',
      'organisation.updated',
    ]);
  });

  it('a stage change writes stage history, a stage_changed timeline entry and event', async () => {
    const [first, second] = stages;
    if (!first || !second) throw new Error('default pipeline missing');
    const { org } = await create('manager', {
      name: 'Pipeline SA',
      types: ['investor'],
      pipelineStageId: first.id,
    });
    const moved = await fx.as(
      'manager',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { pipelineStageId: second.id }),
    );
    expect(moved.status).toBe(200);

    const handle = testDbHandle(database.url);
    try {
      const history = await handle.db
        .select()
        .from(stageHistory)
        .where(eq(stageHistory.organisationId, org.id))
        .orderBy(stageHistory.changedAt);
      expect(history.map((row) => [row.fromStageId, row.toStageId])).toEqual([
        [null, first.id],
        [first.id, second.id],
      ]);
    } finally {
      await handle.close();
    }
    const timeline = (await (await fx.as('manager', `/api/v1/organisations/${org.id}/timeline`)).json()) as {
      data: {
        action: string;
        changes: Record<string, { before: unknown; after: unknown }> | null;
        actorName: string | null;
      }[];
    };
    expect(timeline.data.map((entry) => entry.action)).toEqual(['stage_changed', 'created']);
    expect(timeline.data[0]?.changes).toEqual({ pipelineStageId: { before: first.id, after: second.id } });
    expect(timeline.data[0]?.actorName).toContain('manager');
    expect((await outboxFor(org.id)).map((event) => event.type)).toEqual([
      'organisation.created',
      'organisation.updated',
      'organisation.stage_changed',
    ]);

    const unknownStage = await fx.as(
      'manager',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { pipelineStageId: crypto.randomUUID() }),
    );
    expect(unknownStage.status).toBe(422);
  });

  it('soft delete hides the record, the bin lists it, restore brings it back; all on the timeline', async () => {
    const { org } = await create('manager', { name: 'Corbeille SA', types: ['partner'] });
    expect((await fx.as('manager', `/api/v1/organisations/${org.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await fx.as('manager', `/api/v1/organisations/${org.id}`)).status).toBe(404);
    const bin = (await (await fx.as('manager', '/api/v1/organisations?deleted=true&q=Corbeille')).json()) as {
      data: Org[];
    };
    expect(bin.data.map((row) => row.id)).toEqual([org.id]);
    expect((await fx.as('viewer', '/api/v1/organisations?deleted=true')).status).toBe(403);
    const restored = await fx.as('manager', `/api/v1/organisations/${org.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(
      (await fx.as('manager', `/api/v1/organisations/${org.id}/restore`, { method: 'POST' })).status,
    ).toBe(404);
    const timeline = (await (await fx.as('manager', `/api/v1/organisations/${org.id}/timeline`)).json()) as {
      data: { action: string }[];
    };
    expect(timeline.data.map((entry) => entry.action)).toEqual(['restored', 'deleted', 'created']);
  });

  it('reassigning owner or team needs organisations:manage', async () => {
    const { org } = await create('user', { name: 'Réaffectation SA', types: ['investor'] });
    const byUser = await fx.as(
      'user',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byUser.status).toBe(403);
    const byManager = await fx.as(
      'manager',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byManager.status).toBe(200);
    expect((await outboxFor(org.id)).map((event) => event.type)).toContain('organisation.assigned');
  });

  it('a failed write leaves neither the change nor its event', async () => {
    const { org } = await create('user', { name: 'Atomique SA', types: ['investor'], externalId: 'ATOM-1' });
    await create('user', { name: 'Autre SA', types: ['investor'], externalId: 'ATOM-2' });
    // The update collides on external id after the row is locked: the transaction must roll back entirely.
    const clash = await fx.as(
      'user',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { externalId: 'ATOM-2', city: 'Nantes' }),
    );
    expect(clash.status).toBe(409);
    const handle = testDbHandle(database.url);
    try {
      const [row] = await handle.db.select().from(organisations).where(eq(organisations.id, org.id));
      expect(row).toMatchObject({ city: null, externalId: 'ATOM-1', version: 1 });
      const events = await handle.db
        .select()
        .from(outboxEvents)
        .where(and(eq(outboxEvents.entityId, org.id), eq(outboxEvents.type, 'organisation.updated')));
      expect(events).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('lists with filters, sort and keyset pagination, within the caller’s scope', async () => {
    for (const [name, city] of [
      ['Alpha Gestion', 'Bordeaux'],
      ['Beta Patrimoine', 'Bordeaux'],
      ['Gamma Finance', 'Bordeaux'],
    ] as const) {
      await create('teammate', { name, types: ['distributor'], city, tags: ['bordeaux-test'] });
    }
    await create('otherUser', {
      name: 'Delta Conseil',
      types: ['distributor'],
      city: 'Bordeaux',
      tags: ['bordeaux-test'],
    });

    const page1 = (await (
      await fx.as('manager', '/api/v1/organisations?tags=bordeaux-test&sort=-name&limit=2')
    ).json()) as { data: Org[]; nextCursor: string | null };
    expect(page1.data.map((row) => row.name)).toEqual(['Gamma Finance', 'Beta Patrimoine']);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (await (
      await fx.as(
        'manager',
        `/api/v1/organisations?tags=bordeaux-test&sort=-name&limit=2&cursor=${page1.nextCursor}`,
      )
    ).json()) as { data: Org[]; nextCursor: string | null };
    expect(page2.data.map((row) => row.name)).toEqual(['Alpha Gestion']);
    expect(page2.nextCursor).toBeNull();

    const asAdmin = (await (
      await fx.as('admin', '/api/v1/organisations?tags=bordeaux-test&city=BORDEAUX')
    ).json()) as { data: Org[] };
    expect(asAdmin.data).toHaveLength(4);
    const asUser = (await (await fx.as('user', '/api/v1/organisations?tags=bordeaux-test')).json()) as {
      data: Org[];
    };
    expect(asUser.data).toHaveLength(0);

    const badSort = await fx.as('admin', '/api/v1/organisations?sort=password');
    expect(badSort.status).toBe(422);
    const badCursor = await fx.as('admin', '/api/v1/organisations?cursor=nonsense');
    expect(badCursor.status).toBe(422);
  });
});
