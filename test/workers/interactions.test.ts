import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactionParticipants, interactions, outboxEvents } from '../../worker/db/schema';
import { expectErrorLogs } from './setup';
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

interface Interaction {
  id: string;
  type: string;
  occurredAt: string;
  subject: string;
  body: string | null;
  organisationId: string | null;
  mandateId: string | null;
  participants: { people: string[]; users: string[] };
  ownerId: string;
  teamId: string | null;
  version: number;
}
type Page = { data: Interaction[]; nextCursor: string | null };

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const organisationOf = (owner: FixtureUserKey) =>
  createRecordAs(fx, owner, 'organisations', { name: `Org ${crypto.randomUUID()}`, types: ['investor'] });
const personOf = (owner: FixtureUserKey, lastName = 'Martin') =>
  createRecordAs(fx, owner, 'people', { firstName: 'Claire', lastName });
const mandateOf = async (owner: FixtureUserKey, organisationId?: string) =>
  createRecordAs(fx, owner, 'mandates', {
    number: `M-TEST-${crypto.randomUUID()}`,
    organisationId: organisationId ?? (await organisationOf(owner)),
    title: 'Mandat',
    type: 'advisory',
  });

async function create(who: FixtureUserKey, body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/interactions', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { interaction: (await response.json()) as Interaction, response };
}

const call = (extra: Record<string, unknown> = {}) => ({
  type: 'call',
  occurredAt: '2026-03-12T14:30:00+01:00',
  subject: 'Point trimestriel',
  ...extra,
});

const eventsOf = (entityId: string) =>
  withDb((db) =>
    db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.entityId, entityId))
      .orderBy(outboxEvents.occurredAt, outboxEvents.type),
  );

describe('interactions API', () => {
  it('logs an interaction with links and participants; timeline and event', async () => {
    const organisationId = await organisationOf('user');
    const mandateId = await mandateOf('user', organisationId);
    const [personA, personB] = [await personOf('user'), await personOf('user', 'Durand')];
    const { interaction, response } = await create('user', {
      ...call({ type: 'meeting', body: 'Compte rendu…' }),
      organisationId,
      mandateId,
      participants: { people: [personA, personB, personA], users: [fx.users.teammate.id] },
    });
    expect(interaction).toMatchObject({
      type: 'meeting',
      occurredAt: '2026-03-12T13:30:00.000Z',
      organisationId,
      mandateId,
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      version: 1,
    });
    expect(interaction.participants.people).toEqual([personA, personB].sort());
    expect(interaction.participants.users).toEqual([fx.users.teammate.id]);
    expect(response.headers.get('Location')).toBe(`/api/v1/interactions/${interaction.id}`);
    expect(response.headers.get('ETag')).toBe('"v1"');

    const read = (await (
      await fx.as('user', `/api/v1/interactions/${interaction.id}`)
    ).json()) as Interaction;
    expect(read.participants).toEqual(interaction.participants);

    const events = await eventsOf(interaction.id);
    expect(events.map((event) => event.type)).toEqual(['interaction.created']);
    expect(events[0]?.payload).toMatchObject({
      organisationId,
      mandateId,
      participants: interaction.participants,
    });
    const timeline = (await (
      await fx.as('user', `/api/v1/interactions/${interaction.id}/timeline`)
    ).json()) as {
      data: { action: string; changes: Record<string, { after: unknown }> }[];
    };
    expect(timeline.data.map((entry) => entry.action)).toEqual(['created']);
    expect(timeline.data[0]?.changes.participants?.after).toEqual(interaction.participants);
  });

  it("files a mandate's interaction under the mandate's organisation; a mismatch is 422", async () => {
    const organisationId = await organisationOf('user');
    const mandateId = await mandateOf('user', organisationId);
    const { interaction } = await create('user', call({ mandateId }));
    expect(interaction.organisationId).toBe(organisationId);

    const mismatch = await fx.as(
      'user',
      '/api/v1/interactions',
      jsonBody('POST', call({ mandateId, organisationId: await organisationOf('user') })),
    );
    expect(mismatch.status).toBe(422);
    expect((await problemOf(mismatch)).errors).toEqual([
      { path: 'mandateId', message: expect.any(String), code: 'organisation_mismatch' },
    ]);
  });

  it('422 with field paths: invalid input, and links the caller cannot see', async () => {
    const invalid = await fx.as(
      'user',
      '/api/v1/interactions',
      jsonBody('POST', {
        type: 'fax',
        occurredAt: '12/03/2026',
        subject: '',
        participants: { people: ['nope'] },
      }),
    );
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors?.map((error) => error.path).sort()).toEqual([
      'occurredAt',
      'participants.people.0',
      'subject',
      'type',
    ]);

    const mine = await personOf('user');
    const unseen = await fx.as(
      'user',
      '/api/v1/interactions',
      jsonBody(
        'POST',
        call({
          organisationId: await organisationOf('otherUser'),
          mandateId: await mandateOf('teammate'),
          participants: {
            people: [mine, await personOf('teammate')],
            users: [fx.users.otherUser.id, crypto.randomUUID()],
          },
        }),
      ),
    );
    expect(unseen.status).toBe(422);
    expect((await problemOf(unseen)).errors?.map((error) => `${error.path} ${error.message}`)).toEqual([
      'organisationId No such organisation',
      'mandateId No such mandate',
      'participants.people.1 No such person',
      'participants.users.1 No such user',
    ]);
  });

  it('PATCH replaces participants, honours If-Match and records the change', async () => {
    const [first, second] = [await personOf('manager'), await personOf('teammate')];
    const { interaction } = await create('manager', call({ participants: { people: [first] } }));
    const patch = (body: Record<string, unknown>, ifMatch?: string) =>
      fx.as('manager', `/api/v1/interactions/${interaction.id}`, {
        ...jsonBody('PATCH', body),
        headers: { 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
      });
    const replaced = await patch(
      { participants: { people: [second], users: [fx.users.manager.id] }, subject: 'Nouveau sujet' },
      '"v1"',
    );
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    expect(await replaced.json()).toMatchObject({
      subject: 'Nouveau sujet',
      participants: { people: [second], users: [fx.users.manager.id] },
      version: 2,
    });
    const stale = await patch({ subject: 'Perdu' }, '"v1"');
    expect(stale.status).toBe(412);

    // Unchanged participants are not re-validated; identical values write nothing.
    const same = await patch({ participants: { people: [second], users: [fx.users.manager.id] } });
    expect(((await same.json()) as Interaction).version).toBe(2);

    await withDb(async (db) => {
      const rows = await db
        .select()
        .from(interactionParticipants)
        .where(eq(interactionParticipants.interactionId, interaction.id));
      expect(rows.map((row) => `${row.kind}:${row.participantId}`).sort()).toEqual(
        [`person:${second}`, `user:${fx.users.manager.id}`].sort(),
      );
    });
    const events = await eventsOf(interaction.id);
    expect(events.map((event) => event.type)).toEqual(['interaction.created', 'interaction.updated']);
    expect((events[1]?.payload as { changes?: Record<string, unknown> } | undefined)?.changes).toEqual({
      subject: { before: 'Point trimestriel', after: 'Nouveau sujet' },
      participants: {
        before: { people: [first], users: [] },
        after: { people: [second], users: [fx.users.manager.id] },
      },
    });
  });

  it('soft delete and restore (Users may delete their own), bin, timeline', async () => {
    const { interaction } = await create('user', call({ subject: 'Corbeille appel' }));
    expect(
      (await fx.as('teammate', `/api/v1/interactions/${interaction.id}`, { method: 'DELETE' })).status,
    ).toBe(404);
    expect((await fx.as('user', `/api/v1/interactions/${interaction.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await fx.as('user', `/api/v1/interactions/${interaction.id}`)).status).toBe(404);
    const bin = (await (await fx.as('user', '/api/v1/interactions?deleted=true')).json()) as Page;
    expect(bin.data.map((row) => row.id)).toEqual([interaction.id]);
    expect((await fx.as('viewer', '/api/v1/interactions?deleted=true')).status).toBe(403);
    const restored = await fx.as('user', `/api/v1/interactions/${interaction.id}/restore`, {
      method: 'POST',
    });
    expect(restored.status).toBe(200);
    const timeline = (await (
      await fx.as('user', `/api/v1/interactions/${interaction.id}/timeline`)
    ).json()) as {
      data: { action: string }[];
    };
    expect(timeline.data.map((entry) => entry.action)).toEqual(['restored', 'deleted', 'created']);
    expect((await eventsOf(interaction.id)).map((event) => event.type)).toEqual([
      'interaction.created',
      'interaction.deleted',
      'interaction.restored',
    ]);
  });

  it('a failed write leaves no interaction, participant, timeline row or event', async () => {
    expectErrorLogs();
    await withDb(async (db) => {
      await db.execute(sql`
        create or replace function test_fail_boom() returns trigger language plpgsql as $$
        begin
          if new.subject = 'BOOM' then raise exception 'boom at commit'; end if;
          return null;
        end $$`);
      await db.execute(sql`
        create constraint trigger interactions_boom after insert or update on interactions
        deferrable initially deferred for each row execute function test_fail_boom()`);
    });
    const counts = () =>
      withDb(async (db) => {
        const result = await db.execute<Record<string, number>>(sql`
          select (select count(*)::int from interactions) as interactions,
                 (select count(*)::int from interaction_participants) as participants,
                 (select count(*)::int from timeline_events where entity_type = 'interaction') as timeline,
                 (select count(*)::int from outbox_events where entity_type = 'interaction') as outbox`);
        return result.rows[0];
      });
    const before = await counts();
    const failed = await fx.as(
      'user',
      '/api/v1/interactions',
      jsonBody('POST', call({ subject: 'BOOM', participants: { users: [fx.users.user.id] } })),
    );
    expect(failed.status).toBe(500);
    expect(await counts()).toEqual(before);
    await withDb((db) => db.execute(sql`drop trigger interactions_boom on interactions`));
  });

  it('lists newest first with filters (type, links, participant, dates) and keyset pages, in scope', async () => {
    const organisationId = await organisationOf('teammate');
    const mandateId = await mandateOf('teammate', organisationId);
    const person = await personOf('teammate');
    const made: Record<string, string> = {};
    for (const [subject, type, occurredAt, extra] of [
      ['Liste 1', 'call', '2026-05-01T09:00:00Z', { organisationId }],
      ['Liste 2', 'email', '2026-05-02T09:00:00Z', { mandateId }],
      ['Liste 3', 'meeting', '2026-05-02T23:30:00Z', { participants: { people: [person] } }],
      ['Liste 4', 'note', '2026-05-04T09:00:00Z', {}],
    ] as const) {
      made[subject] = (await create('teammate', { type, occurredAt, subject, ...extra })).interaction.id;
    }
    await create('otherUser', call({ subject: 'Liste autre équipe', occurredAt: '2026-05-03T09:00:00Z' }));

    const list = async (who: FixtureUserKey, query: string) => {
      const response = await fx.as(who, `/api/v1/interactions?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Page;
    };
    const subjects = (page: Page) => page.data.map((row) => row.subject);
    const may = 'occurredFrom=2026-05-01&occurredTo=2026-05-31';

    const page1 = await list('manager', `${may}&limit=3`);
    expect(subjects(page1)).toEqual(['Liste 4', 'Liste 3', 'Liste 2']);
    const page2 = await list('manager', `${may}&limit=3&cursor=${page1.nextCursor}`);
    expect(subjects(page2)).toEqual(['Liste 1']);
    expect(page2.nextCursor).toBeNull();

    expect(subjects(await list('manager', `${may}&sort=createdAt`))).toEqual([
      'Liste 1',
      'Liste 2',
      'Liste 3',
      'Liste 4',
    ]);
    expect(subjects(await list('manager', `${may}&type=call,email`))).toEqual(['Liste 2', 'Liste 1']);
    expect(subjects(await list('manager', `organisationId=${organisationId}`))).toEqual([
      'Liste 2',
      'Liste 1',
    ]);
    expect(subjects(await list('manager', `mandateId=${mandateId}`))).toEqual(['Liste 2']);
    expect(subjects(await list('manager', `personId=${person}`))).toEqual(['Liste 3']);
    // A date bound includes that whole day.
    expect(subjects(await list('manager', 'occurredFrom=2026-05-02&occurredTo=2026-05-02'))).toEqual([
      'Liste 3',
      'Liste 2',
    ]);
    expect(
      subjects(await list('manager', 'occurredTo=2026-05-02T12:00:00Z&occurredFrom=2026-05-01')),
    ).toEqual(['Liste 2', 'Liste 1']);
    expect(subjects(await list('admin', may))).toHaveLength(5);
    expect(subjects(await list('user', may))).toEqual([]);
    expect(subjects(await list('otherManager', may))).toEqual(['Liste autre équipe']);
    expect((await list('manager', `${may}&limit=1`)).data[0]?.participants).toEqual({
      people: [],
      users: [],
    });
    expect((await list('manager', `personId=${person}`)).data[0]?.participants.people).toEqual([person]);

    expect((await fx.as('admin', '/api/v1/interactions?sort=subject')).status).toBe(422);
    expect((await fx.as('admin', '/api/v1/interactions?type=fax')).status).toBe(422);
    await withDb(async (db) => {
      const [row] = await db
        .select()
        .from(interactions)
        .where(eq(interactions.id, made['Liste 4'] ?? ''));
      expect(row?.ownerId).toBe(fx.users.teammate.id);
    });
  });
});
