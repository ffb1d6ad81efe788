import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mandateNumberCounters, mandates, outboxEvents, timelineEvents } from '../../worker/db/schema';
import { nextMandateNumber } from '../../worker/modules/mandates/mandates.service';
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
const YEAR = new Date().getUTCFullYear();
const TODAY = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

interface Mandate {
  id: string;
  number: string;
  organisationId: string;
  title: string;
  type: string;
  status: string;
  proposedAt: string | null;
  signedAt: string | null;
  startDate: string | null;
  endDate: string | null;
  nextReviewAt: string | null;
  amount: string | null;
  currency: string;
  managementFeeBps: number | null;
  performanceFeePct: number | null;
  products: string[];
  ownerId: string;
  teamId: string | null;
  version: number;
}

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const organisationOf = (owner: FixtureUserKey, name = `Org ${crypto.randomUUID()}`) =>
  createRecordAs(fx, owner, 'organisations', { name, types: ['investor'] });

async function create(who: FixtureUserKey, body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/mandates', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return { mandate: (await response.json()) as Mandate, response };
}

async function draft(who: FixtureUserKey, extra: Record<string, unknown> = {}) {
  const { mandate } = await create(who, {
    organisationId: await organisationOf(who),
    title: 'Gestion sous mandat',
    type: 'discretionary',
    ...extra,
  });
  return mandate;
}

function transition(who: FixtureUserKey, id: string, body: Record<string, unknown>, ifMatch?: string) {
  const init = jsonBody('POST', body);
  if (ifMatch) init.headers = { 'Content-Type': 'application/json', 'If-Match': ifMatch };
  return fx.as(who, `/api/v1/mandates/${id}/transition`, init);
}

const eventsOf = (entityId: string) =>
  withDb((db) =>
    db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.entityId, entityId))
      .orderBy(outboxEvents.occurredAt, outboxEvents.type),
  );

async function timelineActions(who: FixtureUserKey, id: string) {
  const response = await fx.as(who, `/api/v1/mandates/${id}/timeline`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    data: { action: string; changes: Record<string, { before: unknown; after: unknown }> | null }[];
  };
  return body.data;
}

describe('mandates: create, read, validation', () => {
  it('creates a draft with a generated number, exact amount, ETag, Location, timeline and event', async () => {
    const organisationId = await organisationOf('user');
    const { mandate, response } = await create('user', {
      organisationId,
      title: 'Mandat obligataire',
      type: 'dedicated_fund',
      amount: '123456789012345678.9',
      currency: 'chf',
      managementFeeBps: 45,
      performanceFeePct: 12.5,
      feeNotes: 'Hurdle 5 %',
      products: ['Fonds A', 'Fonds B'],
      nextReviewAt: '2027-01-15',
    });
    expect(mandate).toMatchObject({
      organisationId,
      status: 'draft',
      amount: '123456789012345678.90',
      currency: 'CHF',
      managementFeeBps: 45,
      performanceFeePct: 12.5,
      products: ['Fonds A', 'Fonds B'],
      nextReviewAt: '2027-01-15',
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      version: 1,
    });
    expect(mandate.number).toMatch(new RegExp(`^M-${YEAR}-\\d{3,}$`));
    expect(response.headers.get('ETag')).toBe('"v1"');
    expect(response.headers.get('Location')).toBe(`/api/v1/mandates/${mandate.id}`);
    const events = await eventsOf(mandate.id);
    expect(events.map((event) => event.type)).toEqual(['mandate.created']);
    expect(events[0]).toMatchObject({
      actorId: fx.users.user.id,
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
    });
    expect(events[0]?.payload).toMatchObject({ number: mandate.number, status: 'draft' });
    expect((await timelineActions('user', mandate.id)).map((entry) => entry.action)).toEqual(['created']);

    const read = await fx.as('user', `/api/v1/mandates/${mandate.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('ETag')).toBe('"v1"');
    expect(((await read.json()) as Mandate).amount).toBe('123456789012345678.90');
  });

  it('422 with field paths for invalid input and read-only fields', async () => {
    const invalid = await fx.as(
      'user',
      '/api/v1/mandates',
      jsonBody('POST', {
        organisationId: 'not-a-uuid',
        title: '',
        type: 'hedge',
        amount: '-5',
        currency: 'EURO',
        managementFeeBps: 1001,
        performanceFeePct: 50.5,
        startDate: '31/12/2026',
        products: [''],
        status: 'active',
        number: 'M-1999-001',
        signedAt: '2026-01-01',
      }),
    );
    expect(invalid.status).toBe(422);
    const paths = (await problemOf(invalid)).errors?.map((error) => error.path).sort();
    expect(paths).toEqual([
      'amount',
      'currency',
      'managementFeeBps',
      'number',
      'organisationId',
      'performanceFeePct',
      'products.0',
      'signedAt',
      'startDate',
      'status',
      'title',
      'type',
    ]);
  });

  it('the organisation must exist and be visible (422); dates must be ordered', async () => {
    const foreign = await organisationOf('otherUser');
    const deleted = await createRecordAs(
      fx,
      'user',
      'organisations',
      { name: 'Binned', types: ['investor'] },
      { deleted: true },
    );
    for (const organisationId of [foreign, deleted, crypto.randomUUID()]) {
      const response = await fx.as(
        'user',
        '/api/v1/mandates',
        jsonBody('POST', { organisationId, title: 'Nope', type: 'advisory' }),
      );
      expect(response.status).toBe(422);
      const problem = await problemOf(response);
      expect(problem.errors).toEqual([
        { path: 'organisationId', message: 'No such organisation', code: 'unknown_reference' },
      ]);
    }
    const misordered = await fx.as(
      'user',
      '/api/v1/mandates',
      jsonBody('POST', {
        organisationId: await organisationOf('user'),
        title: 'Dates',
        type: 'advisory',
        startDate: '2026-06-01',
        endDate: '2026-05-31',
      }),
    );
    expect(misordered.status).toBe(422);
    expect((await problemOf(misordered)).errors?.map((error) => error.path)).toEqual(['endDate']);
  });

  it('out-of-scope mandates answer 404, like missing ones', async () => {
    const mandate = await draft('otherUser');
    expect((await fx.as('user', `/api/v1/mandates/${mandate.id}`)).status).toBe(404);
    expect((await fx.as('manager', `/api/v1/mandates/${mandate.id}/timeline`)).status).toBe(404);
    expect((await transition('manager', mandate.id, { to: 'proposed' })).status).toBe(404);
    expect((await fx.as('otherManager', `/api/v1/mandates/${mandate.id}`)).status).toBe(200);
    expect((await fx.as('admin', `/api/v1/mandates/${mandate.id}`)).status).toBe(200);
  });
});

describe('mandates: numbering', () => {
  it('numbers sequentially within the year', async () => {
    const first = await draft('user');
    const second = await draft('user');
    const sequence = (number: string) => Number(number.split('-')[2]);
    expect(sequence(second.number)).toBe(sequence(first.number) + 1);
    expect(second.number.startsWith(`M-${YEAR}-`)).toBe(true);
  });

  it('restarts at 001 for each year, keeping three digits and growing past 999', async () => {
    await withDb(async (db) => {
      expect(await nextMandateNumber(db, 2031)).toBe('M-2031-001');
      expect(await nextMandateNumber(db, 2031)).toBe('M-2031-002');
      expect(await nextMandateNumber(db, 2032)).toBe('M-2032-001');
      await db.update(mandateNumberCounters).set({ last: 999 }).where(eq(mandateNumberCounters.year, 2031));
      expect(await nextMandateNumber(db, 2031)).toBe('M-2031-1000');
    });
  });

  it('concurrent creates never share a number', async () => {
    const organisationId = await organisationOf('manager');
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        fx.as(
          'manager',
          '/api/v1/mandates',
          jsonBody('POST', { organisationId, title: `Concurrent ${index}`, type: 'distribution' }),
        ),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    const numbers = await Promise.all(responses.map(async (r) => ((await r.json()) as Mandate).number));
    expect(new Set(numbers).size).toBe(8);
    const sequences = numbers.map((number) => Number(number.split('-')[2])).sort((a, b) => a - b);
    // No failed transaction in between: the eight numbers are consecutive.
    expect(sequences).toEqual(Array.from({ length: 8 }, (_, index) => (sequences[0] ?? 0) + index));
  });
});

describe('mandates: updates', () => {
  it('PATCH with a stale If-Match is 412 and writes nothing; the status is not patchable', async () => {
    const mandate = await draft('user');
    const patch = (body: Record<string, unknown>, ifMatch?: string) =>
      fx.as('user', `/api/v1/mandates/${mandate.id}`, {
        ...jsonBody('PATCH', body),
        headers: { 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
      });
    const first = await patch({ amount: 100, nextReviewAt: '2027-06-30' }, '"v1"');
    expect(first.status).toBe(200);
    expect(first.headers.get('ETag')).toBe('"v2"');
    expect(await first.json()).toMatchObject({ amount: '100.00', nextReviewAt: '2027-06-30', version: 2 });
    const stale = await patch({ title: 'Stale' }, '"v1"');
    expect(stale.status).toBe(412);
    expect((await problemOf(stale)).code).toBe('PRECONDITION_FAILED');

    const status = await patch({ status: 'active' });
    expect(status.status).toBe(422);
    expect((await problemOf(status)).errors?.map((error) => error.path)).toEqual(['status']);

    // The same values again: no new version, no event.
    const same = await patch({ amount: '100.00' });
    expect(same.status).toBe(200);
    expect(((await same.json()) as Mandate).version).toBe(2);

    const misordered = await patch({ startDate: '2027-01-01', endDate: '2026-01-01' });
    expect(misordered.status).toBe(422);

    const foreignOrganisation = await patch({ organisationId: await organisationOf('otherUser') });
    expect(foreignOrganisation.status).toBe(422);
    expect((await problemOf(foreignOrganisation)).errors?.[0]?.path).toBe('organisationId');

    const current = (await (await fx.as('user', `/api/v1/mandates/${mandate.id}`)).json()) as Mandate;
    expect(current).toMatchObject({ title: 'Gestion sous mandat', status: 'draft', version: 2 });
    expect((await eventsOf(mandate.id)).map((event) => event.type)).toEqual([
      'mandate.created',
      'mandate.updated',
    ]);
    const timeline = await timelineActions('user', mandate.id);
    expect(timeline.map((entry) => entry.action)).toEqual(['updated', 'created']);
    expect(timeline[0]?.changes).toEqual({
      amount: { before: null, after: '100.00' },
      nextReviewAt: { before: null, after: '2027-06-30' },
    });
  });

  it('reassigning the owner needs mandates:manage', async () => {
    const mandate = await draft('user');
    const byUser = await fx.as(
      'user',
      `/api/v1/mandates/${mandate.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byUser.status).toBe(403);
    const byManager = await fx.as(
      'manager',
      `/api/v1/mandates/${mandate.id}`,
      jsonBody('PATCH', { ownerId: fx.users.teammate.id }),
    );
    expect(byManager.status).toBe(200);
    expect((await eventsOf(mandate.id)).map((event) => event.type)).toContain('mandate.assigned');
  });
});

describe('mandates: lifecycle', () => {
  it('walks draft → proposed → signed → active → terminated, stamping dates and emitting events', async () => {
    const mandate = await draft('user');
    const proposed = await transition('user', mandate.id, { to: 'proposed', date: '2026-01-10' }, '"v1"');
    expect(proposed.status, await proposed.clone().text()).toBe(200);
    expect(proposed.headers.get('ETag')).toBe('"v2"');
    expect(await proposed.json()).toMatchObject({ status: 'proposed', proposedAt: '2026-01-10', version: 2 });

    const signed = await transition('user', mandate.id, { to: 'signed' });
    expect(await signed.json()).toMatchObject({ status: 'signed', signedAt: TODAY });

    const active = await transition('user', mandate.id, { to: 'active', date: '2026-02-01' });
    expect(await active.json()).toMatchObject({ status: 'active', startDate: '2026-02-01' });

    const terminated = await transition('user', mandate.id, { to: 'terminated', date: '2026-12-31' });
    expect(await terminated.json()).toMatchObject({
      status: 'terminated',
      proposedAt: '2026-01-10',
      signedAt: TODAY,
      startDate: '2026-02-01',
      endDate: '2026-12-31',
      version: 5,
    });

    const events = await eventsOf(mandate.id);
    expect(events.map((event) => event.type)).toEqual([
      'mandate.created',
      'mandate.status_changed',
      // Same transaction, same occurred_at: ordered by type.
      'mandate.signed',
      'mandate.status_changed',
      'mandate.status_changed',
      'mandate.status_changed',
    ]);
    expect(
      events
        .filter((event) => event.type === 'mandate.status_changed')
        .map((event) => {
          const payload = event.payload as { from: string; to: string };
          return `${payload.from}→${payload.to}`;
        }),
    ).toEqual(['draft→proposed', 'proposed→signed', 'signed→active', 'active→terminated']);
    expect(events.find((event) => event.type === 'mandate.signed')?.payload).toMatchObject({
      signedAt: TODAY,
      number: mandate.number,
    });

    const timeline = await timelineActions('user', mandate.id);
    expect(timeline.map((entry) => entry.action)).toEqual([
      'status_changed',
      'status_changed',
      'status_changed',
      'status_changed',
      'created',
    ]);
    expect(timeline[0]?.changes).toEqual({
      status: { before: 'active', after: 'terminated' },
      endDate: { before: null, after: '2026-12-31' },
    });
  });

  it('active keeps a planned start date; expired keeps a planned end date, else stamps today', async () => {
    const planned = await draft('manager', { startDate: '2026-03-01', endDate: '2029-02-28' });
    for (const to of ['proposed', 'signed', 'active', 'expired']) {
      expect((await transition('manager', planned.id, { to, date: '2026-04-15' })).status).toBe(200);
    }
    const after = (await (await fx.as('manager', `/api/v1/mandates/${planned.id}`)).json()) as Mandate;
    expect(after).toMatchObject({
      status: 'expired',
      proposedAt: '2026-04-15',
      signedAt: '2026-04-15',
      startDate: '2026-03-01',
      endDate: '2029-02-28',
    });

    const unplanned = await draft('manager');
    for (const to of ['proposed', 'signed', 'active', 'expired']) {
      expect((await transition('manager', unplanned.id, { to })).status).toBe(200);
    }
    const stamped = (await (await fx.as('manager', `/api/v1/mandates/${unplanned.id}`)).json()) as Mandate;
    expect(stamped).toMatchObject({ startDate: TODAY, endDate: TODAY, status: 'expired' });
  });

  it('illegal transitions are 409 naming the allowed ones, and change nothing', async () => {
    const mandate = await draft('user');
    const skip = await transition('user', mandate.id, { to: 'signed' });
    expect(skip.status).toBe(409);
    const problem = await problemOf(skip);
    expect(problem.code).toBe('CONFLICT');
    expect(problem.detail).toBe('A draft mandate cannot become signed; allowed from draft: proposed');
    expect(problem.errors?.[0]).toMatchObject({ path: 'to', code: 'illegal_transition' });

    expect((await transition('user', mandate.id, { to: 'draft' })).status).toBe(409);
    expect((await transition('user', mandate.id, { to: 'active' })).status).toBe(409);
    expect((await transition('user', mandate.id, { to: 'launched' })).status).toBe(422);
    expect((await transition('user', mandate.id, { to: 'proposed', date: 'yesterday' })).status).toBe(422);

    for (const to of ['proposed', 'signed', 'active']) {
      expect((await transition('user', mandate.id, { to })).status).toBe(200);
    }
    const backwards = await transition('user', mandate.id, { to: 'proposed' });
    expect((await problemOf(backwards)).detail).toBe(
      'A active mandate cannot become proposed; allowed from active: terminated, expired',
    );
    expect((await transition('user', mandate.id, { to: 'expired', date: '1999-01-01' })).status).toBe(422);
    expect((await transition('user', mandate.id, { to: 'terminated' }, '"v1"')).status).toBe(412);
    expect((await transition('user', mandate.id, { to: 'terminated' })).status).toBe(200);
    const final = await transition('user', mandate.id, { to: 'active' });
    expect(final.status).toBe(409);
    expect((await problemOf(final)).detail).toContain('allowed from terminated: none (final status)');

    const types = (await eventsOf(mandate.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'mandate.status_changed')).toHaveLength(4);
  });

  it('viewers cannot transition (403)', async () => {
    const mandate = await draft('manager');
    expect((await transition('viewer', mandate.id, { to: 'proposed' })).status).toBe(403);
  });
});

describe('mandates: bin, atomicity, lists', () => {
  it('soft delete hides the mandate, the bin lists it, restore brings it back; all on the timeline', async () => {
    const mandate = await draft('manager', { title: 'Corbeille mandat' });
    expect((await fx.as('user', `/api/v1/mandates/${mandate.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await fx.as('manager', `/api/v1/mandates/${mandate.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fx.as('manager', `/api/v1/mandates/${mandate.id}`)).status).toBe(404);
    expect((await transition('manager', mandate.id, { to: 'proposed' })).status).toBe(404);
    const bin = (await (await fx.as('manager', '/api/v1/mandates?deleted=true&q=corbeille')).json()) as {
      data: Mandate[];
    };
    expect(bin.data.map((row) => row.id)).toEqual([mandate.id]);
    expect((await fx.as('viewer', '/api/v1/mandates?deleted=true')).status).toBe(403);
    const restored = await fx.as('manager', `/api/v1/mandates/${mandate.id}/restore`, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(
      (await fx.as('manager', `/api/v1/mandates/${mandate.id}/restore`, { method: 'POST' })).status,
    ).toBe(404);
    expect((await timelineActions('manager', mandate.id)).map((entry) => entry.action)).toEqual([
      'restored',
      'deleted',
      'created',
    ]);
    expect((await eventsOf(mandate.id)).map((event) => event.type)).toEqual([
      'mandate.created',
      'mandate.deleted',
      'mandate.restored',
    ]);
  });

  it('a transaction that fails at commit leaves no mandate, no timeline row, no event, no used number', async () => {
    const logs = expectErrorLogs();
    // A deferred constraint trigger fails at COMMIT, after the timeline and outbox rows were written.
    await withDb(async (db) => {
      await db.execute(sql`
        create or replace function test_fail_boom() returns trigger language plpgsql as $$
        begin
          if new.title = 'BOOM' then raise exception 'boom at commit'; end if;
          return null;
        end $$`);
      await db.execute(sql`
        create constraint trigger mandates_boom after insert or update on mandates
        deferrable initially deferred for each row execute function test_fail_boom()`);
    });
    const counts = () =>
      withDb(async (db) => {
        const [row] = await db
          .execute<{ mandates: number; timeline: number; outbox: number; last: number }>(sql`
          select (select count(*)::int from mandates) as mandates,
                 (select count(*)::int from timeline_events where entity_type = 'mandate') as timeline,
                 (select count(*)::int from outbox_events where entity_type = 'mandate') as outbox,
                 (select last from mandate_number_counters where year = ${YEAR}) as last`)
          .then((result) => result.rows);
        return row;
      });
    const before = await counts();
    const organisationId = await organisationOf('user');
    const failed = await fx.as(
      'user',
      '/api/v1/mandates',
      jsonBody('POST', { organisationId, title: 'BOOM', type: 'advisory' }),
    );
    expect(failed.status).toBe(500);
    expect(await counts()).toEqual(before);

    const mandate = await draft('user');
    const failedUpdate = await fx.as(
      'user',
      `/api/v1/mandates/${mandate.id}`,
      jsonBody('PATCH', { title: 'BOOM' }),
    );
    expect(failedUpdate.status).toBe(500);
    expect(logs.length).toBeGreaterThan(0);
    await withDb(async (db) => {
      const [row] = await db.select().from(mandates).where(eq(mandates.id, mandate.id));
      expect(row).toMatchObject({ title: 'Gestion sous mandat', version: 1 });
      const updates = await db
        .select()
        .from(outboxEvents)
        .where(and(eq(outboxEvents.entityId, mandate.id), eq(outboxEvents.type, 'mandate.updated')));
      expect(updates).toEqual([]);
      const timeline = await db.select().from(timelineEvents).where(eq(timelineEvents.entityId, mandate.id));
      expect(timeline.map((entry) => entry.action)).toEqual(['created']);
      await db.execute(sql`drop trigger mandates_boom on mandates`);
    });
  });

  it('lists with filters, sort and keyset pagination, within the caller’s scope', async () => {
    const organisationId = await organisationOf('teammate', 'Liste SA');
    const made: Mandate[] = [];
    for (const [title, type, amount] of [
      ['Liste alpha', 'advisory', '300.00'],
      ['Liste beta', 'discretionary', '100.00'],
      ['Liste gamma', 'advisory', '200.00'],
    ] as const) {
      made.push(
        (await create('teammate', { organisationId, title, type, amount, nextReviewAt: '2026-09-30' }))
          .mandate,
      );
    }
    const [alpha, beta, gamma] = made as [Mandate, Mandate, Mandate];
    await transition('teammate', beta.id, { to: 'proposed' });
    await transition('teammate', beta.id, { to: 'signed', date: '2026-05-20' });
    await create('otherUser', {
      organisationId: await organisationOf('otherUser'),
      title: 'Liste delta',
      type: 'advisory',
    });

    type Page = { data: Mandate[]; nextCursor: string | null };
    const list = async (who: FixtureUserKey, query: string) => {
      const response = await fx.as(who, `/api/v1/mandates?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Page;
    };
    const titles = (page: Page) => page.data.map((row) => row.title);

    const page1 = await list('manager', 'q=liste&sort=-number&limit=2');
    expect(titles(page1)).toEqual(['Liste gamma', 'Liste beta']);
    const page2 = await list('manager', `q=liste&sort=-number&limit=2&cursor=${page1.nextCursor}`);
    expect(titles(page2)).toEqual(['Liste alpha']);
    expect(page2.nextCursor).toBeNull();

    expect(titles(await list('manager', 'q=liste&sort=amount'))).toEqual([
      'Liste beta',
      'Liste gamma',
      'Liste alpha',
    ]);
    expect(titles(await list('manager', `q=${alpha.number}`))).toEqual(['Liste alpha']);
    expect(titles(await list('manager', 'q=liste&type=advisory&sort=-amount'))).toEqual([
      'Liste alpha',
      'Liste gamma',
    ]);
    expect(titles(await list('manager', 'q=liste&status=signed,active'))).toEqual(['Liste beta']);
    expect(titles(await list('manager', 'signedFrom=2026-05-20&signedTo=2026-05-20'))).toEqual([
      'Liste beta',
    ]);
    expect(titles(await list('manager', `organisationId=${organisationId}&sort=number`))).toEqual([
      'Liste alpha',
      'Liste beta',
      'Liste gamma',
    ]);
    expect((await list('manager', 'q=liste&reviewBefore=2026-09-29')).data).toHaveLength(0);
    expect((await list('manager', 'q=liste&reviewBefore=2026-09-30')).data).toHaveLength(3);
    expect(titles(await list('manager', `q=liste&ownerId=${fx.users.teammate.id}&sort=-signedAt`))[0]).toBe(
      'Liste beta',
    );

    expect((await list('admin', 'q=liste')).data).toHaveLength(4);
    expect((await list('user', 'q=liste')).data).toHaveLength(0);
    expect((await list('otherManager', 'q=liste')).data.map((row) => row.title)).toEqual(['Liste delta']);
    expect(gamma.number > alpha.number).toBe(true);

    expect((await fx.as('admin', '/api/v1/mandates?sort=fees')).status).toBe(422);
    expect((await fx.as('admin', '/api/v1/mandates?status=ongoing')).status).toBe(422);
    expect((await fx.as('admin', '/api/v1/mandates?cursor=nonsense')).status).toBe(422);
  });
});
