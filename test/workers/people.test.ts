import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxEvents, people, timelineEvents } from '../../worker/db/schema';
import { createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import { createIdentityFixture, type IdentityFixture, jsonBody } from './support/identity-fixture';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

type Who = Parameters<IdentityFixture['as']>[0];

interface Person {
  id: string;
  firstName: string;
  lastName: string;
  workEmail: string | null;
  personalEmail: string | null;
  language: string;
  city: string | null;
  tags: string[];
  consent: { status: string; source: string | null; at: string | null };
  externalId: string | null;
  ownerId: string;
  teamId: string | null;
  version: number;
  deletedAt: string | null;
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

interface TimelineEntry {
  action: string;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}

async function create(who: Who, body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/people', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { person: (await response.json()) as Person, response };
}

async function read<T>(who: Who, path: string): Promise<T> {
  const response = await fx.as(who, path);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

const ifMatch = (method: string, body: unknown, etag: string): RequestInit => ({
  ...jsonBody(method, body),
  headers: { 'Content-Type': 'application/json', 'If-Match': etag },
});

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const outboxFor = (entityId: string) =>
  withDb((db) =>
    db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.entityId, entityId))
      .orderBy(outboxEvents.occurredAt),
  );

describe('people API', () => {
  it('creates with the caller as owner, defaults, lower-cased emails, ETag, Location, timeline and event', async () => {
    const { person, response } = await create('user', {
      firstName: ' Claire ',
      lastName: 'Martin',
      workEmail: ' Claire.Martin@CRC-Retraite.FR ',
      jobTitle: 'Directrice des investissements',
      city: 'Paris',
      tags: ['retraite'],
    });
    expect(person).toMatchObject({
      firstName: 'Claire',
      workEmail: 'claire.martin@crc-retraite.fr',
      language: 'fr',
      consent: { status: 'unknown', source: null, at: null },
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      version: 1,
      erasedAt: null,
    });
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(response.headers.get('Location')).toBe(`/api/v1/people/${person.id}`);

    const events = await outboxFor(person.id);
    expect(events.map((event) => event.type)).toEqual(['person.created']);
    expect(events[0]).toMatchObject({ entityType: 'person', actorId: fx.users.user.id, teamId: fx.teams.a });

    const timeline = await read<Page<TimelineEntry>>('user', `/api/v1/people/${person.id}/timeline`);
    expect(timeline.data.map((entry) => entry.action)).toEqual(['created']);
    expect(timeline.data[0]?.changes?.workEmail).toEqual({
      before: null,
      after: 'claire.martin@crc-retraite.fr',
    });
  });

  it('422 with field paths for invalid input; 409 with a field error for a duplicate external id', async () => {
    const invalid = await fx.as(
      'user',
      '/api/v1/people',
      jsonBody('POST', {
        firstName: '',
        lastName: 'Durand',
        workEmail: 'not-an-email',
        personalEmail: 'a@b',
        mobilePhone: 'call me',
        language: 'pt',
        consent: { status: 'maybe' },
      }),
    );
    expect(invalid.status).toBe(422);
    const paths = (await problemOf(invalid)).errors?.map((error) => error.path).sort();
    expect(paths).toEqual([
      'consent.status',
      'firstName',
      'language',
      'mobilePhone',
      'personalEmail',
      'workEmail',
    ]);

    await create('user', { firstName: 'Ext', lastName: 'One', externalId: 'P-42' });
    const duplicate = await fx.as(
      'user',
      '/api/v1/people',
      jsonBody('POST', { firstName: 'Ext', lastName: 'Two', externalId: 'P-42' }),
    );
    expect(duplicate.status).toBe(409);
    expect((await problemOf(duplicate)).errors).toEqual([
      { path: 'externalId', message: 'Already in use', code: 'duplicate' },
    ]);
  });

  it('PATCH with a stale If-Match is 412 and writes nothing; the timeline keeps before/after', async () => {
    const { person } = await create('user', { firstName: 'Paul', lastName: 'Concurrent', city: 'Nice' });
    const first = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      ifMatch('PATCH', { city: 'Lyon', workEmail: 'PAUL@Example.com' }, '"v1"'),
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('ETag')).toBe('"v2"');
    expect(((await first.json()) as Person).workEmail).toBe('paul@example.com');

    const stale = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      ifMatch('PATCH', { city: 'Brest' }, '"v1"'),
    );
    expect(stale.status).toBe(412);
    expect((await problemOf(stale)).code).toBe('PRECONDITION_FAILED');
    expect(await read<Person>('user', `/api/v1/people/${person.id}`)).toMatchObject({
      city: 'Lyon',
      version: 2,
    });

    const timeline = await read<Page<TimelineEntry>>('user', `/api/v1/people/${person.id}/timeline`);
    expect(timeline.data.map((entry) => entry.action)).toEqual(['updated', 'created']);
    expect(timeline.data[0]?.changes).toEqual({
      city: { before: 'Nice', after: 'Lyon' },
      workEmail: { before: null, after: 'paul@example.com' },
    });
    expect((await outboxFor(person.id)).map((event) => event.type)).toEqual([
      'person.created',
      'person.updated',
    ]);

    // A PATCH that changes nothing writes nothing.
    const same = await fx.as('user', `/api/v1/people/${person.id}`, jsonBody('PATCH', { city: 'Lyon' }));
    expect(same.headers.get('ETag')).toBe('"v2"');
    expect(await outboxFor(person.id)).toHaveLength(2);
  });

  it('consent is replaced as a whole, dated when its status changes', async () => {
    const { person } = await create('user', {
      firstName: 'Consent',
      lastName: 'Given',
      consent: { status: 'granted', source: 'Formulaire salon', at: '2026-01-15T10:00:00+01:00' },
    });
    expect(person.consent).toEqual({
      status: 'granted',
      source: 'Formulaire salon',
      at: '2026-01-15T09:00:00.000Z',
    });
    const sameStatus = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { consent: { status: 'granted', source: 'Email' } }),
    );
    expect(((await sameStatus.json()) as Person).consent.at).toBe('2026-01-15T09:00:00.000Z');
    const before = Date.now();
    const withdrawn = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { consent: { status: 'withdrawn' } }),
    );
    const consent = ((await withdrawn.json()) as Person).consent;
    expect(consent).toMatchObject({ status: 'withdrawn', source: null });
    expect(Date.parse(consent.at ?? '')).toBeGreaterThanOrEqual(before - 5_000);

    const list = await read<Page<Person>>('user', '/api/v1/people?consentStatus=withdrawn&q=Consent');
    expect(list.data.map((row) => row.id)).toEqual([person.id]);
  });

  it('soft delete hides the person, the bin lists it, restore brings it back; all on the timeline', async () => {
    const { person } = await create('manager', { firstName: 'Bin', lastName: 'Corbeille' });
    const stale = await fx.as('manager', `/api/v1/people/${person.id}`, {
      method: 'DELETE',
      headers: { 'If-Match': '"v9"' },
    });
    expect(stale.status).toBe(412);
    expect((await fx.as('manager', `/api/v1/people/${person.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fx.as('manager', `/api/v1/people/${person.id}`)).status).toBe(404);
    expect((await read<Page<Person>>('manager', '/api/v1/people?q=Corbeille')).data).toEqual([]);
    const bin = await read<Page<Person>>('manager', '/api/v1/people?deleted=true&q=Corbeille');
    expect(bin.data.map((row) => row.id)).toEqual([person.id]);
    expect((await fx.as('viewer', '/api/v1/people?deleted=true')).status).toBe(403);
    expect((await fx.as('user', `/api/v1/people/${person.id}/restore`, { method: 'POST' })).status).toBe(403);

    const restored = await fx.as('manager', `/api/v1/people/${person.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(restored.headers.get('ETag')).toBe('"v3"');
    expect((await fx.as('manager', `/api/v1/people/${person.id}/restore`, { method: 'POST' })).status).toBe(
      404,
    );
    const timeline = await read<Page<TimelineEntry>>('manager', `/api/v1/people/${person.id}/timeline`);
    expect(timeline.data.map((entry) => entry.action)).toEqual(['restored', 'deleted', 'created']);
    expect((await outboxFor(person.id)).map((event) => event.type)).toEqual([
      'person.created',
      'person.deleted',
      'person.restored',
    ]);
  });

  it('reassigning owner or team needs people:manage and emits person.assigned', async () => {
    const { person } = await create('user', { firstName: 'Réaffectation', lastName: 'Contact' });
    const byUser = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byUser.status).toBe(403);
    const createdForOther = await fx.as(
      'user',
      '/api/v1/people',
      jsonBody('POST', { firstName: 'A', lastName: 'B', teamId: fx.teams.b }),
    );
    expect(createdForOther.status).toBe(403);

    const byManager = await fx.as(
      'manager',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byManager.status).toBe(200);
    const events = await outboxFor(person.id);
    expect(events.map((event) => event.type)).toEqual([
      'person.created',
      'person.updated',
      'person.assigned',
    ]);
    expect(events[2]?.payload).toMatchObject({
      ownerId: fx.users.teammate.id,
      previousOwnerId: fx.users.user.id,
    });
    // Now the teammate's: the original owner, a User, no longer sees it.
    expect((await fx.as('user', `/api/v1/people/${person.id}`)).status).toBe(404);

    const unknownOwner = await fx.as(
      'manager',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { ownerId: crypto.randomUUID() }),
    );
    expect(unknownOwner.status).toBe(422);
    expect((await problemOf(unknownOwner)).errors?.[0]?.path).toBe('ownerId');
  });

  it('a failed write leaves neither the change, nor its timeline entry, nor its event', async () => {
    const { person } = await create('user', { firstName: 'Atomique', lastName: 'Un', externalId: 'ATOM-P1' });
    await create('user', { firstName: 'Atomique', lastName: 'Deux', externalId: 'ATOM-P2' });
    // The update collides on external id after the row is locked and changed: all must roll back.
    const clash = await fx.as(
      'user',
      `/api/v1/people/${person.id}`,
      jsonBody('PATCH', { externalId: 'ATOM-P2', city: 'Nantes' }),
    );
    expect(clash.status).toBe(409);
    expect((await problemOf(clash)).errors?.[0]?.path).toBe('externalId');
    await withDb(async (db) => {
      const [row] = await db.select().from(people).where(eq(people.id, person.id));
      expect(row).toMatchObject({ city: null, externalId: 'ATOM-P1', version: 1 });
      const events = await db
        .select()
        .from(outboxEvents)
        .where(and(eq(outboxEvents.entityId, person.id), eq(outboxEvents.type, 'person.updated')));
      expect(events).toEqual([]);
      const entries = await db.select().from(timelineEvents).where(eq(timelineEvents.entityId, person.id));
      expect(entries.map((entry) => entry.action)).toEqual(['created']);
    });
  });

  it("scope: a User sees only their own people; a Manager their team's; nobody another team's", async () => {
    const { person: teammates } = await create('teammate', { firstName: 'Voisin', lastName: 'Scope' });
    const { person: otherTeams } = await create('otherUser', { firstName: 'Lointain', lastName: 'Scope' });
    expect((await fx.as('user', `/api/v1/people/${teammates.id}`)).status).toBe(404);
    expect((await fx.as('user', `/api/v1/people/${teammates.id}/timeline`)).status).toBe(404);
    expect(
      (await fx.as('user', `/api/v1/people/${teammates.id}`, jsonBody('PATCH', { city: 'X' }))).status,
    ).toBe(404);
    expect((await read<Page<Person>>('user', '/api/v1/people?q=Scope')).data).toEqual([]);
    expect((await read<Page<Person>>('manager', '/api/v1/people?q=Scope')).data.map((row) => row.id)).toEqual(
      [teammates.id],
    );
    expect((await fx.as('manager', `/api/v1/people/${otherTeams.id}`)).status).toBe(404);
    expect((await read<Page<Person>>('admin', '/api/v1/people?q=Scope')).data).toHaveLength(2);
  });

  it('lists by last then first name with keyset pages, filters and other sorts', async () => {
    const names = [
      ['Zoé', 'Lefèvre', 'Bordeaux', 'en'],
      ['Adam', 'Lefèvre', 'Bordeaux', 'fr'],
      ['Marc', 'Lefèvre', 'Arcachon', 'fr'],
      ['Anne', 'Bernard', 'Bordeaux', 'de'],
      ['Luc', 'Moreau', null, 'fr'],
    ] as const;
    for (const [index, [firstName, lastName, city, language]] of names.entries()) {
      await create('teammate', {
        firstName,
        lastName,
        city,
        language,
        tags: ['tri-test', ...(city === 'Bordeaux' ? ['gironde'] : [])],
        workEmail: `p${index}@tri.example`,
      });
    }
    const collected: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<Person> = await read<Page<Person>>(
        'manager',
        `/api/v1/people?tags=tri-test&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      collected.push(...page.data.map((row) => `${row.lastName} ${row.firstName}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(collected).toEqual(['Bernard Anne', 'Lefèvre Adam', 'Lefèvre Marc', 'Lefèvre Zoé', 'Moreau Luc']);

    const descending = await read<Page<Person>>(
      'manager',
      '/api/v1/people?tags=tri-test&sort=-lastName&limit=3',
    );
    expect(descending.data.map((row) => row.firstName)).toEqual(['Luc', 'Zoé', 'Marc']);
    const rest = await read<Page<Person>>(
      'manager',
      `/api/v1/people?tags=tri-test&sort=-lastName&limit=3&cursor=${descending.nextCursor}`,
    );
    expect(rest.data.map((row) => row.firstName)).toEqual(['Adam', 'Anne']);

    const byCity = await read<Page<Person>>('manager', '/api/v1/people?tags=tri-test&sort=city');
    expect(byCity.data.map((row) => row.city)).toEqual([
      'Arcachon',
      'Bordeaux',
      'Bordeaux',
      'Bordeaux',
      null,
    ]);

    const filtered = async (query: string) =>
      (
        await read<Page<Person>>(
          'manager',
          `/api/v1/people?${query.includes('tags=') ? '' : 'tags=tri-test&'}${query}`,
        )
      ).data
        .map((row) => row.firstName)
        .sort();
    expect(await filtered('city=BORDEAUX')).toEqual(['Adam', 'Anne', 'Zoé']);
    expect(await filtered('tags=tri-test,gironde&language=fr')).toEqual(['Adam']);
    expect(await filtered('language=en,de')).toEqual(['Anne', 'Zoé']);
    expect(await filtered('q=lefèvre marc')).toEqual(['Marc']);
    expect(await filtered('q=Marc Lef')).toEqual(['Marc']);
    expect(await filtered('q=P4@TRI')).toEqual(['Luc']);
    expect(await filtered(`ownerId=${fx.users.teammate.id}&q=Anne`)).toEqual(['Anne']);
    expect(await filtered(`createdFrom=2000-01-01&createdTo=2001-01-01`)).toEqual([]);
    expect(await filtered(`updatedSince=${new Date(Date.now() - 60_000).toISOString()}&q=Moreau`)).toEqual([
      'Luc',
    ]);

    expect((await fx.as('manager', '/api/v1/people?sort=workEmail')).status).toBe(422);
    expect((await fx.as('manager', '/api/v1/people?cursor=nonsense')).status).toBe(422);
    expect((await fx.as('manager', '/api/v1/people?consentStatus=maybe')).status).toBe(422);
  });
});
