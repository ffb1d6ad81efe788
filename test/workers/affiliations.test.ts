import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliations, outboxEvents, timelineEvents } from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';
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

type Who = NonNullable<Parameters<IdentityFixture['as']>[0]>;

interface Affiliation {
  id: string;
  personId: string;
  organisationId: string;
  roleTitle: string | null;
  isPrimary: boolean;
  startDate: string | null;
  endDate: string | null;
  isCurrent: boolean;
  ownerId: string;
  teamId: string | null;
  version: number;
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const personOf = (owner: Who, lastName = `P${crypto.randomUUID().slice(0, 8)}`, firstName = 'Test') =>
  createRecordAs(fx, owner, 'people', { firstName, lastName });
const organisationOf = (owner: Who, name = `Org ${crypto.randomUUID().slice(0, 8)}`) =>
  createRecordAs(fx, owner, 'organisations', { name, types: ['investor'] });

async function affiliate(who: Who, body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/affiliations', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { affiliation: (await response.json()) as Affiliation, response };
}

async function read<T>(who: Who, path: string): Promise<T> {
  const response = await fx.as(who, path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

const eventsOf = (entityId: string) =>
  withDb(async (db) =>
    (
      await db
        .select()
        .from(outboxEvents)
        .where(eq(outboxEvents.entityId, entityId))
        .orderBy(outboxEvents.occurredAt)
    ).map((event) => event.type),
  );

const actionsOf = (entityId: string) =>
  withDb(async (db) =>
    (
      await db
        .select()
        .from(timelineEvents)
        .where(eq(timelineEvents.entityId, entityId))
        .orderBy(timelineEvents.occurredAt)
    ).map((entry) => ({ action: entry.action, changes: entry.changes })),
  );

const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('affiliations API', () => {
  it('creates an affiliation owned by the caller, with ETag, Location, timeline and event', async () => {
    const personId = await personOf('user');
    const organisationId = await organisationOf('user');
    const { affiliation, response } = await affiliate('user', {
      personId,
      organisationId,
      roleTitle: 'Directeur financier',
      startDate: '2021-09-01',
    });
    expect(affiliation).toMatchObject({
      personId,
      organisationId,
      roleTitle: 'Directeur financier',
      isPrimary: false,
      startDate: '2021-09-01',
      endDate: null,
      isCurrent: true,
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      version: 1,
    });
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(response.headers.get('Location')).toBe(`/api/v1/affiliations/${affiliation.id}`);
    expect(await eventsOf(affiliation.id)).toEqual(['affiliation.created']);
    const [created] = await actionsOf(affiliation.id);
    expect(created).toMatchObject({
      action: 'created',
      changes: { roleTitle: { before: null, after: 'Directeur financier' } },
    });
    expect(await read<Affiliation>('user', `/api/v1/affiliations/${affiliation.id}`)).toMatchObject({
      id: affiliation.id,
    });
  });

  it('422 for unknown, invisible or deleted ends, alike, and for dates out of order', async () => {
    const own = await personOf('user');
    const ownOrg = await organisationOf('user');
    const teammatesPerson = await personOf('teammate');
    const otherTeamsOrg = await organisationOf('otherUser');
    const deletedOrg = await createRecordAs(
      fx,
      'user',
      'organisations',
      { name: 'Supprimée', types: ['investor'] },
      { deleted: true },
    );

    const errorsFor = async (body: Record<string, unknown>) => {
      const response = await fx.as('user', '/api/v1/affiliations', jsonBody('POST', body));
      expect(response.status).toBe(422);
      return (await problemOf(response)).errors;
    };
    const unknown = await errorsFor({ personId: crypto.randomUUID(), organisationId: crypto.randomUUID() });
    expect(unknown).toEqual([
      { path: 'personId', message: 'No such person', code: 'unknown_reference' },
      { path: 'organisationId', message: 'No such organisation', code: 'unknown_reference' },
    ]);
    // Invisible (a teammate's person for a User, another team's organisation) reads exactly like unknown.
    expect(await errorsFor({ personId: teammatesPerson, organisationId: otherTeamsOrg })).toEqual(unknown);
    expect(await errorsFor({ personId: own, organisationId: deletedOrg })).toEqual([unknown?.[1]]);
    expect(
      await errorsFor({
        personId: own,
        organisationId: ownOrg,
        startDate: '2024-05-01',
        endDate: '2024-04-30',
      }),
    ).toEqual([expect.objectContaining({ path: 'endDate' })]);
    expect(await errorsFor({ personId: 'nope', organisationId: ownOrg, startDate: '01/02/2024' })).toEqual([
      expect.objectContaining({ path: 'personId' }),
      expect.objectContaining({ path: 'startDate' }),
    ]);

    // On PATCH, the stored start date counts.
    const { affiliation } = await affiliate('user', {
      personId: own,
      organisationId: ownOrg,
      startDate: '2024-05-01',
    });
    const backwards = await fx.as(
      'user',
      `/api/v1/affiliations/${affiliation.id}`,
      jsonBody('PATCH', { endDate: '2024-01-01' }),
    );
    expect(backwards.status).toBe(422);
    expect((await problemOf(backwards)).errors?.[0]?.path).toBe('endDate');
    expect(await eventsOf(affiliation.id)).toEqual(['affiliation.created']);
  });

  it('a new primary affiliation demotes the current one in the same transaction', async () => {
    const personId = await personOf('manager');
    const [orgA, orgB, orgC] = [
      await organisationOf('manager'),
      await organisationOf('manager'),
      await organisationOf('manager'),
    ];
    const { affiliation: first } = await affiliate('manager', {
      personId,
      organisationId: orgA,
      isPrimary: true,
    });
    // An ended primary is history and stays primary; it does not count as current.
    const { affiliation: old } = await affiliate('manager', {
      personId,
      organisationId: orgC,
      isPrimary: true,
      startDate: '2010-01-01',
      endDate: '2015-12-31',
    });
    expect(old.isCurrent).toBe(false);
    const { affiliation: second } = await affiliate('manager', {
      personId,
      organisationId: orgB,
      isPrimary: true,
    });

    const primaries = () =>
      withDb((db) =>
        db
          .select({ id: affiliations.id, isPrimary: affiliations.isPrimary, version: affiliations.version })
          .from(affiliations)
          .where(and(eq(affiliations.personId, personId), isNull(affiliations.deletedAt))),
      );
    const state = Object.fromEntries((await primaries()).map((row) => [row.id, row]));
    expect(state[first.id]).toMatchObject({ isPrimary: false, version: 2 });
    expect(state[second.id]).toMatchObject({ isPrimary: true, version: 1 });
    expect(state[old.id]).toMatchObject({ isPrimary: true, version: 1 });
    expect(await eventsOf(first.id)).toEqual(['affiliation.created', 'affiliation.updated']);
    expect((await actionsOf(first.id)).at(-1)).toEqual({
      action: 'updated',
      changes: { isPrimary: { before: true, after: false } },
    });

    // And back, by PATCH.
    const back = await fx.as(
      'manager',
      `/api/v1/affiliations/${first.id}`,
      jsonBody('PATCH', { isPrimary: true }),
    );
    expect(back.status).toBe(200);
    const after = Object.fromEntries((await primaries()).map((row) => [row.id, row.isPrimary]));
    expect(after).toEqual({ [first.id]: true, [second.id]: false, [old.id]: true });

    // A future end date still counts as current: only one current primary.
    const { affiliation: leaving } = await affiliate('manager', {
      personId,
      organisationId: orgC,
      isPrimary: true,
      endDate: isoDay(30),
    });
    expect(leaving.isCurrent).toBe(true);
    const current = await read<Page<Affiliation>>(
      'manager',
      `/api/v1/affiliations?personId=${personId}&current=true&primary=true`,
    );
    expect(current.data.map((row) => row.id)).toEqual([leaving.id]);
  });

  it('concurrent primary switches serialise on the person: every one succeeds, one primary remains', async () => {
    const personId = await personOf('manager');
    const organisationIds = [
      await organisationOf('manager'),
      await organisationOf('manager'),
      await organisationOf('manager'),
    ];
    const responses = await Promise.all(
      organisationIds.map((organisationId) =>
        fx.as(
          'manager',
          '/api/v1/affiliations',
          jsonBody('POST', { personId, organisationId, isPrimary: true }),
        ),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201]);
    const rows = await withDb((db) =>
      db
        .select({ isPrimary: affiliations.isPrimary })
        .from(affiliations)
        .where(eq(affiliations.personId, personId)),
    );
    expect(rows.filter((row) => row.isPrimary)).toHaveLength(1);
  });

  it('a person moving organisations keeps the old affiliation as history', async () => {
    const personId = await personOf('user', 'Mobile', 'Marie');
    const oldOrg = await organisationOf('user', 'Ancienne Maison');
    const newOrg = await organisationOf('user', 'Nouvelle Maison');
    const { affiliation: before } = await affiliate('user', {
      personId,
      organisationId: oldOrg,
      isPrimary: true,
      roleTitle: 'Analyste',
      startDate: '2019-03-01',
    });
    const stale = await fx.as('user', `/api/v1/affiliations/${before.id}`, {
      ...jsonBody('PATCH', { endDate: isoDay(-1) }),
      headers: { 'Content-Type': 'application/json', 'If-Match': '"v7"' },
    });
    expect(stale.status).toBe(412);
    const ended = await fx.as('user', `/api/v1/affiliations/${before.id}`, {
      ...jsonBody('PATCH', { endDate: isoDay(-1) }),
      headers: { 'Content-Type': 'application/json', 'If-Match': '"v1"' },
    });
    expect(ended.status).toBe(200);
    expect(ended.headers.get('ETag')).toBe('"v2"');
    expect(await ended.json()).toMatchObject({ isCurrent: false, isPrimary: true, endDate: isoDay(-1) });
    expect(await eventsOf(before.id)).toEqual([
      'affiliation.created',
      'affiliation.updated',
      'affiliation.ended',
    ]);
    expect((await actionsOf(before.id)).at(-1)?.action).toBe('ended');
    await affiliate('user', {
      personId,
      organisationId: newOrg,
      isPrimary: true,
      roleTitle: 'Gérante',
      startDate: isoDay(0),
    });

    const all = await read<Page<Affiliation & { organisation: { name: string } }>>(
      'user',
      `/api/v1/people/${personId}/affiliations`,
    );
    expect(all.data.map((row) => [row.organisation.name, row.isCurrent])).toEqual([
      ['Nouvelle Maison', true],
      ['Ancienne Maison', false],
    ]);
    const current = await read<Page<Affiliation & { organisation: { name: string } }>>(
      'user',
      `/api/v1/people/${personId}/affiliations?current=true`,
    );
    expect(current.data.map((row) => row.organisation.name)).toEqual(['Nouvelle Maison']);

    const peopleAt = async (organisationId: string, query = '') =>
      (
        await read<Page<{ person: { id: string; lastName: string } }>>(
          'user',
          `/api/v1/organisations/${organisationId}/people${query}`,
        )
      ).data.map((row) => row.person.id);
    expect(await peopleAt(oldOrg)).toEqual([personId]);
    expect(await peopleAt(oldOrg, '?current=true')).toEqual([]);
    expect(await peopleAt(oldOrg, '?current=false')).toEqual([personId]);
    expect(await peopleAt(newOrg, '?current=true')).toEqual([personId]);

    const listed = async (organisationId: string) =>
      (await read<Page<{ id: string }>>('user', `/api/v1/people?organisationId=${organisationId}`)).data.map(
        (row) => row.id,
      );
    expect(await listed(oldOrg)).toEqual([]);
    expect(await listed(newOrg)).toEqual([personId]);
  });

  it('soft delete and restore; a restored current primary takes the role back', async () => {
    const personId = await personOf('manager');
    const { affiliation: first } = await affiliate('manager', {
      personId,
      organisationId: await organisationOf('manager'),
      isPrimary: true,
    });
    expect((await fx.as('user', `/api/v1/affiliations/${first.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await fx.as('manager', `/api/v1/affiliations/${first.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await fx.as('manager', `/api/v1/affiliations/${first.id}`)).status).toBe(404);
    const bin = await read<Page<Affiliation>>(
      'manager',
      `/api/v1/affiliations?deleted=true&personId=${personId}`,
    );
    expect(bin.data.map((row) => row.id)).toEqual([first.id]);

    const { affiliation: second } = await affiliate('manager', {
      personId,
      organisationId: await organisationOf('manager'),
      isPrimary: true,
    });
    const restored = await fx.as('manager', `/api/v1/affiliations/${first.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ isPrimary: true, deletedAt: null });
    expect(await read<Affiliation>('manager', `/api/v1/affiliations/${second.id}`)).toMatchObject({
      isPrimary: false,
    });
    expect(await eventsOf(first.id)).toEqual([
      'affiliation.created',
      'affiliation.deleted',
      'affiliation.restored',
    ]);
    expect(
      (await fx.as('manager', `/api/v1/affiliations/${first.id}/restore`, { method: 'POST' })).status,
    ).toBe(404);
  });

  it('scope: affiliations follow their own owner and team; the convenience reads check both ends', async () => {
    const personId = await personOf('teammate', 'Coéquipier');
    const organisationId = await organisationOf('teammate', 'Maison du coéquipier');
    const { affiliation } = await affiliate('teammate', { personId, organisationId, roleTitle: 'Associé' });
    expect((await fx.as('user', `/api/v1/affiliations/${affiliation.id}`)).status).toBe(404);
    expect(
      (await fx.as('user', `/api/v1/affiliations/${affiliation.id}`, jsonBody('PATCH', { roleTitle: 'X' })))
        .status,
    ).toBe(404);
    expect((await read<Page<Affiliation>>('user', `/api/v1/affiliations?personId=${personId}`)).data).toEqual(
      [],
    );
    expect((await fx.as('user', `/api/v1/people/${personId}/affiliations`)).status).toBe(404);
    expect((await fx.as('user', `/api/v1/organisations/${organisationId}/people`)).status).toBe(404);

    expect(
      (
        await read<Page<Affiliation>>('manager', `/api/v1/affiliations?organisationId=${organisationId}`)
      ).data.map((row) => row.id),
    ).toEqual([affiliation.id]);
    const members = await read<Page<{ person: { lastName: string }; roleTitle: string }>>(
      'manager',
      `/api/v1/organisations/${organisationId}/people`,
    );
    expect(members.data.map((row) => [row.person.lastName, row.roleTitle])).toEqual([
      ['Coéquipier', 'Associé'],
    ]);
    expect((await fx.as('otherManager', `/api/v1/affiliations/${affiliation.id}`)).status).toBe(404);

    // A visible person at an invisible organisation: filtering people by it finds nothing, as for an unknown id.
    const managersPerson = await personOf('manager', 'Visible');
    const otherTeamsOrg = await organisationOf('otherUser', 'Maison lointaine');
    await affiliate('admin', { personId: managersPerson, organisationId: otherTeamsOrg });
    const filtered = async (who: Who) =>
      (await read<Page<{ id: string }>>(who, `/api/v1/people?organisationId=${otherTeamsOrg}`)).data.map(
        (row) => row.id,
      );
    expect(await filtered('admin')).toEqual([managersPerson]);
    expect(await filtered('manager')).toEqual([]);
    expect(
      (await fx.as('viewer', '/api/v1/affiliations', jsonBody('POST', { personId, organisationId }))).status,
    ).toBe(403);
  });

  it("lists an organisation's people by name across keyset pages", async () => {
    const organisationId = await organisationOf('admin', 'Grande Maison');
    for (const [firstName, lastName] of [
      ['Zacharie', 'Dupont'],
      ['Alice', 'Dupont'],
      ['Bruno', 'Arnaud'],
      ['Chloé', 'Roux'],
    ] as const) {
      const personId = await personOf('admin', lastName, firstName);
      await affiliate('admin', { personId, organisationId });
    }
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ person: { firstName: string; lastName: string } }> = await read(
        'admin',
        `/api/v1/organisations/${organisationId}/people?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      names.push(...page.data.map((row) => `${row.person.lastName} ${row.person.firstName}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(['Arnaud Bruno', 'Dupont Alice', 'Dupont Zacharie', 'Roux Chloé']);
  });

  it('the OpenAPI document lists the organisation-people route once, beside the organisation routes', async () => {
    const doc = (await read<{ paths: Record<string, Record<string, { tags?: string[] }>> }>(
      'admin',
      '/api/openapi.json',
    )) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    expect(Object.keys(doc.paths['/api/v1/organisations/{id}/people'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/organisations/{id}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(doc.paths['/api/v1/people/{id}/gdpr-export']?.get?.tags).toEqual(['GDPR']);
    expect(doc.paths['/api/v1/affiliations']?.post?.tags).toEqual(['Affiliations']);
  });
});
