import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxEvents, users } from '../../worker/db/schema';
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

interface Task {
  id: string;
  title: string;
  dueDate: string | null;
  priority: string;
  status: string;
  assigneeId: string | null;
  organisationId: string | null;
  personId: string | null;
  mandateId: string | null;
  completedAt: string | null;
  ownerId: string;
  teamId: string | null;
  version: number;
}
type Page = { data: Task[]; nextCursor: string | null };

async function withDb<T>(work: (db: ReturnType<typeof testDbHandle>['db']) => Promise<T>): Promise<T> {
  const handle = testDbHandle(database.url);
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

async function create(who: FixtureUserKey, body: Record<string, unknown>) {
  const response = await fx.as(who, '/api/v1/tasks', jsonBody('POST', body));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Task;
}

const patch = (who: FixtureUserKey, id: string, body: Record<string, unknown>, ifMatch?: string) =>
  fx.as(who, `/api/v1/tasks/${id}`, {
    ...jsonBody('PATCH', body),
    headers: { 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
  });

const eventsOf = (entityId: string) =>
  withDb((db) =>
    db
      .select()
      .from(outboxEvents)
      .where(eq(outboxEvents.entityId, entityId))
      .orderBy(outboxEvents.occurredAt, outboxEvents.type),
  );

async function timeline(who: FixtureUserKey, id: string) {
  const response = await fx.as(who, `/api/v1/tasks/${id}/timeline`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { action: string; changes: Record<string, unknown> | null }[] })
    .data;
}

const dayOffset = (days: number) => {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
};

describe('tasks: create and assign', () => {
  it('defaults: assigned to the caller, normal priority, todo; one created event', async () => {
    const task = await create('user', { title: 'Appeler le client', dueDate: '2026-04-15' });
    expect(task).toMatchObject({
      assigneeId: fx.users.user.id,
      priority: 'normal',
      status: 'todo',
      completedAt: null,
      ownerId: fx.users.user.id,
      teamId: fx.teams.a,
      dueDate: '2026-04-15',
      version: 1,
    });
    expect((await eventsOf(task.id)).map((event) => event.type)).toEqual(['task.created']);
    expect((await timeline('user', task.id)).map((entry) => entry.action)).toEqual(['created']);
  });

  it('assigning to a teammate is allowed; outside the team needs tasks:manage; task.assigned carries the assignee', async () => {
    const forTeammate = await create('user', { title: 'Pour un collègue', assigneeId: fx.users.teammate.id });
    const events = await eventsOf(forTeammate.id);
    expect(events.map((event) => event.type)).toEqual(['task.assigned', 'task.created']);
    expect(events[0]?.payload).toMatchObject({
      assigneeId: fx.users.teammate.id,
      previousAssigneeId: null,
      title: 'Pour un collègue',
    });

    const crossTeam = await fx.as(
      'user',
      '/api/v1/tasks',
      jsonBody('POST', { title: 'Autre équipe', assigneeId: fx.users.otherUser.id }),
    );
    expect(crossTeam.status).toBe(403);
    const byManager = await create('manager', { title: 'Autre équipe', assigneeId: fx.users.otherUser.id });
    expect(byManager.assigneeId).toBe(fx.users.otherUser.id);

    const unassigned = await create('user', { title: 'Sans responsable', assigneeId: null });
    expect(unassigned.assigneeId).toBeNull();
    expect((await eventsOf(unassigned.id)).map((event) => event.type)).toEqual(['task.created']);
  });

  it('422 for invalid fields, an inactive assignee, and links the caller cannot see', async () => {
    const invalid = await fx.as(
      'user',
      '/api/v1/tasks',
      jsonBody('POST', { title: '', dueDate: 'demain', priority: 'asap', status: 'waiting' }),
    );
    expect(invalid.status).toBe(422);
    expect((await problemOf(invalid)).errors?.map((error) => error.path).sort()).toEqual([
      'dueDate',
      'priority',
      'status',
      'title',
    ]);

    const inactive = await withDb(async (db) => {
      const [row] = await db
        .insert(users)
        .values({
          email: `gone-${crypto.randomUUID()}@fixture.test`,
          name: 'Gone',
          roleId: 'user',
          teamId: fx.teams.a,
          active: false,
          passwordHash: 'x',
        })
        .returning({ id: users.id });
      return row?.id ?? '';
    });
    const links = await fx.as(
      'user',
      '/api/v1/tasks',
      jsonBody('POST', {
        title: 'Liens',
        assigneeId: inactive,
        organisationId: await createRecordAs(fx, 'otherUser', 'organisations', {
          name: 'Ailleurs',
          types: ['investor'],
        }),
        personId: await createRecordAs(fx, 'teammate', 'people', { firstName: 'A', lastName: 'B' }),
        mandateId: crypto.randomUUID(),
      }),
    );
    expect(links.status).toBe(422);
    expect((await problemOf(links)).errors?.map((error) => error.path)).toEqual([
      'organisationId',
      'personId',
      'mandateId',
      'assigneeId',
    ]);
  });
});

describe('tasks: assignee visibility and completion', () => {
  it('a User sees and completes a task their manager assigned; done stamps completedAt, reopening clears it', async () => {
    const task = await create('manager', { title: 'Préparer la revue', assigneeId: fx.users.user.id });
    expect((await fx.as('user', `/api/v1/tasks/${task.id}`)).status).toBe(200);
    expect((await fx.as('teammate', `/api/v1/tasks/${task.id}`)).status).toBe(404);
    const mine = (await (await fx.as('user', '/api/v1/tasks?assigneeId=me')).json()) as Page;
    expect(mine.data.map((row) => row.id)).toContain(task.id);
    const everything = (await (await fx.as('user', '/api/v1/tasks?limit=200')).json()) as Page;
    expect(everything.data.map((row) => row.id)).toContain(task.id);

    const done = await patch('user', task.id, { status: 'done' }, '"v1"');
    expect(done.status, await done.clone().text()).toBe(200);
    const completed = (await done.json()) as Task;
    expect(completed.status).toBe('done');
    expect(completed.completedAt).not.toBeNull();
    expect(Date.now() - Date.parse(completed.completedAt ?? '')).toBeLessThan(60_000);

    // The assignee works on the task but cannot discard it.
    const deleteByAssignee = await fx.as('user', `/api/v1/tasks/${task.id}`, { method: 'DELETE' });
    expect(deleteByAssignee.status).toBe(403);

    const reopened = (await (await patch('user', task.id, { status: 'in_progress' })).json()) as Task;
    expect(reopened.completedAt).toBeNull();

    const events = await eventsOf(task.id);
    expect(events.map((event) => event.type)).toEqual([
      'task.assigned',
      'task.created',
      'task.completed',
      'task.updated',
      'task.updated',
    ]);
    const entries = await timeline('user', task.id);
    expect(entries.map((entry) => entry.action)).toEqual(['updated', 'completed', 'created']);
    expect(entries[1]?.changes).toMatchObject({
      status: { before: 'todo', after: 'done' },
      completedAt: { before: null, after: completed.completedAt },
    });
    expect(entries[0]?.changes).toMatchObject({
      completedAt: { before: completed.completedAt, after: null },
    });
  });

  it('a task created as done is completed at once; reassigning emits task.assigned with the previous assignee', async () => {
    const done = await create('user', { title: 'Déjà fait', status: 'done' });
    expect(done.completedAt).not.toBeNull();
    expect((await eventsOf(done.id)).map((event) => event.type)).toEqual(['task.completed', 'task.created']);

    const task = await create('user', { title: 'À passer' });
    const moved = await patch('user', task.id, { assigneeId: fx.users.teammate.id });
    expect(moved.status).toBe(200);
    const assigned = (await eventsOf(task.id)).find((event) => event.type === 'task.assigned');
    expect(assigned?.payload).toMatchObject({
      assigneeId: fx.users.teammate.id,
      previousAssigneeId: fx.users.user.id,
    });
    expect((await timeline('user', task.id)).map((entry) => entry.action)).toEqual(['assigned', 'created']);
    // The teammate now sees it (as assignee); the user still does (as owner).
    expect((await fx.as('teammate', `/api/v1/tasks/${task.id}`)).status).toBe(200);
    expect((await patch('user', task.id, { assigneeId: fx.users.otherUser.id })).status).toBe(403);
    expect((await patch('user', task.id, { title: 'Stale' }, '"v1"')).status).toBe(412);
  });
});

describe('tasks: bin, atomicity, lists', () => {
  it('soft delete and restore by the owner; bin; timeline', async () => {
    const task = await create('user', { title: 'Corbeille tâche' });
    expect((await fx.as('user', `/api/v1/tasks/${task.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fx.as('user', `/api/v1/tasks/${task.id}`)).status).toBe(404);
    const bin = (await (await fx.as('user', '/api/v1/tasks?deleted=true')).json()) as Page;
    expect(bin.data.map((row) => row.id)).toEqual([task.id]);
    expect((await fx.as('viewer', '/api/v1/tasks?deleted=true')).status).toBe(403);
    expect((await fx.as('user', `/api/v1/tasks/${task.id}/restore`, { method: 'POST' })).status).toBe(200);
    expect((await timeline('user', task.id)).map((entry) => entry.action)).toEqual([
      'restored',
      'deleted',
      'created',
    ]);
  });

  it('a failed write leaves no task, timeline row or event', async () => {
    expectErrorLogs();
    await withDb(async (db) => {
      await db.execute(sql`
        create or replace function test_fail_boom() returns trigger language plpgsql as $$
        begin
          if new.title = 'BOOM' then raise exception 'boom at commit'; end if;
          return null;
        end $$`);
      await db.execute(sql`
        create constraint trigger tasks_boom after insert or update on tasks
        deferrable initially deferred for each row execute function test_fail_boom()`);
    });
    const counts = () =>
      withDb(async (db) => {
        const result = await db.execute<Record<string, number>>(sql`
          select (select count(*)::int from tasks) as tasks,
                 (select count(*)::int from timeline_events where entity_type = 'task') as timeline,
                 (select count(*)::int from outbox_events where entity_type = 'task') as outbox`);
        return result.rows[0];
      });
    const before = await counts();
    const failed = await fx.as(
      'manager',
      '/api/v1/tasks',
      jsonBody('POST', { title: 'BOOM', assigneeId: fx.users.user.id, status: 'done' }),
    );
    expect(failed.status).toBe(500);
    expect(await counts()).toEqual(before);
    await withDb((db) => db.execute(sql`drop trigger tasks_boom on tasks`));
  });

  it('sorts by due date (none last) and priority, pages by keyset, and filters', async () => {
    const organisationId = await createRecordAs(fx, 'otherManager', 'organisations', {
      name: 'Tri SA',
      types: ['investor'],
    });
    const specs: [string, string | null, string, string][] = [
      ['Tri A', dayOffset(-3), 'urgent', 'todo'],
      ['Tri B', dayOffset(-1), 'low', 'done'],
      ['Tri C', dayOffset(2), 'high', 'in_progress'],
      ['Tri D', null, 'normal', 'todo'],
      ['Tri E', null, 'high', 'cancelled'],
    ];
    const ids: Record<string, string> = {};
    for (const [title, dueDate, priority, status] of specs) {
      ids[title] = (await create('otherManager', { title, dueDate, priority, status, organisationId })).id;
    }
    const list = async (query: string, who: FixtureUserKey = 'otherManager') => {
      const response = await fx.as(who, `/api/v1/tasks?organisationId=${organisationId}&${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Page;
    };
    const titles = (page: Page) => page.data.map((row) => row.title);

    // Keyset pages across the boundary between dated and undated tasks.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...titles(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual(['Tri A', 'Tri B', 'Tri C']);
    expect(seen.slice(3).sort()).toEqual(['Tri D', 'Tri E']);

    const byUrgency = titles(await list('sort=-priority'));
    expect(byUrgency[0]).toBe('Tri A');
    expect(byUrgency.at(-1)).toBe('Tri B');
    expect(titles(await list('status=todo,in_progress&priority=urgent,high'))).toEqual(['Tri A', 'Tri C']);
    expect(titles(await list('overdue=true'))).toEqual(['Tri A']);
    expect(titles(await list(`dueBefore=${dayOffset(-1)}`))).toEqual(['Tri A', 'Tri B']);
    expect(titles(await list(`dueAfter=${dayOffset(-1)}`))).toEqual(['Tri B', 'Tri C']);
    expect(titles(await list(`assigneeId=${fx.users.otherManager.id}&status=cancelled`))).toEqual(['Tri E']);
    expect((await list('limit=50', 'manager')).data).toEqual([]);
    expect((await list('limit=50', 'admin')).data).toHaveLength(5);

    expect((await fx.as('admin', '/api/v1/tasks?sort=title')).status).toBe(422);
    expect((await fx.as('admin', '/api/v1/tasks?assigneeId=someone')).status).toBe(422);
  });
});
