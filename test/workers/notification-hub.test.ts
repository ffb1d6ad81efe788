import { env, runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationHubs } from '../../durable-objects/notification-hub';
import type { DbHandle } from '../../worker/db/client';
import { createLogger } from '../../worker/lib/logger';
import { hubPublisher } from '../../worker/modules/notifications/notifications.hub';
import type { WireNotification } from '../../worker/modules/notifications/notifications.protocol';
import { sweepExpiredNotifications } from '../../worker/modules/notifications/notifications.schedule';
import { notifyForEvent } from '../../worker/modules/notifications/notifications.service';
import type { DomainEventMessage } from '../../worker/queues/messages';
import { testDbHandle } from './support/helpers';
import { type HubClient, hubClient } from './support/hub-client';
import {
  createIdentityFixture,
  type FixtureUserKey,
  type IdentityFixture,
  jsonBody,
} from './support/identity-fixture';

// The hub reads Postgres through its own binding (env.DATABASE_URL), so this file works in the
// shared database; fixture users are unique to the file, so no other file sees their notifications.
let fx: IdentityFixture;
let handle: DbHandle;
const log = createLogger('warn');

beforeAll(async () => {
  fx = await createIdentityFixture(env.DATABASE_URL ?? '');
  handle = testDbHandle(env.DATABASE_URL);
});
afterAll(async () => {
  await handle.close();
});

async function connect(who: FixtureUserKey | null, query = '', headers: Record<string, string> = {}) {
  return fx.as(who, `/ws/notifications${query}`, { headers: { Upgrade: 'websocket', ...headers } });
}

async function connected(who: FixtureUserKey): Promise<HubClient> {
  const client = hubClient(await connect(who));
  await client.next('hello');
  return client;
}

/** A task assignment by the manager to `assignee`, as the tasks module emits it. */
function assignment(assignee: FixtureUserKey, title: string, occurredAt = new Date()): DomainEventMessage {
  return {
    id: crypto.randomUUID(),
    type: 'task.assigned',
    entityType: 'task',
    entityId: crypto.randomUUID(),
    actorId: fx.users.manager.id,
    ownerId: fx.users.manager.id,
    teamId: fx.teams.a,
    payload: { title, assigneeId: fx.users[assignee].id, priority: 'normal', dueDate: '2026-12-01' },
    occurredAt: occurredAt.toISOString(),
  };
}

async function notify(event: DomainEventMessage): Promise<WireNotification[]> {
  return notifyForEvent({ db: handle.db, hubs: hubPublisher(env, log) }, event);
}

describe('NotificationHub: the socket endpoint', () => {
  it('refuses an anonymous upgrade with a 401 problem, before any socket opens', async () => {
    const response = await connect(null);
    expect(response.status).toBe(401);
    expect(response.webSocket).toBeNull();
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it('refuses a forged or reused ticket; a fresh ticket opens the socket once', async () => {
    expect((await connect(null, `?ticket=${fx.users.user.id}.${'a'.repeat(64)}`)).status).toBe(401);
    expect((await connect(null, '?ticket=nonsense')).status).toBe(401);
    const issued = await fx.as('user', '/api/v1/notifications/ticket', { method: 'POST' });
    expect(issued.status).toBe(201);
    const { ticket, url } = (await issued.json()) as { ticket: string; url: string };
    expect(url).toBe(`/ws/notifications?ticket=${encodeURIComponent(ticket)}`);
    const first = await connect(null, `?ticket=${encodeURIComponent(ticket)}`);
    const client = hubClient(first);
    await client.next('hello');
    const replay = await client.resume(null);
    expect(replay.replay).toBe(true);
    client.close();
    const again = await connect(null, `?ticket=${encodeURIComponent(ticket)}`);
    expect(again.status).toBe(401);
    expect(again.webSocket).toBeNull();
  });

  it('refuses plain HTTP (400 at the worker, 426 at the hub) and a cross-site upgrade (403)', async () => {
    const plain = await fx.as('user', '/ws/notifications');
    expect(plain.status).toBe(400);
    const crossSite = await connect('user', '', { Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.webSocket).toBeNull();
    const hub = await notificationHubs(env).getByName('plain-http').fetch('http://hub/connect');
    expect(hub.status).toBe(426);
  });

  it('names the hub after the verified user, whatever headers the client sends', async () => {
    const client = hubClient(await connect('teammate', '', { 'X-Hub-User': fx.users.admin.id }));
    await client.next('hello');
    const hub = notificationHubs(env).getByName(fx.users.teammate.id);
    await expect.poll(() => hub.connectionCount()).toBeGreaterThanOrEqual(1);
    await runInDurableObject(hub, (_instance, state) => {
      expect(state.getWebSockets()[0]?.deserializeAttachment()).toMatchObject({
        userId: fx.users.teammate.id,
      });
    });
    client.close();
  });
});

describe('NotificationHub: delivery', () => {
  it('delivers to both sockets of the user and not to another user', async () => {
    const first = await connected('user');
    const second = await connected('user');
    const stranger = await connected('otherUser');
    await Promise.all([first.resume(null), second.resume(null), stranger.resume(null)]);

    const [created] = await notify(assignment('user', 'Call Amundi back'));
    expect(created?.title).toBe('Nouvelle tâche : Call Amundi back');
    for (const client of [first, second]) {
      const pushed = await client.next('notifications', (message) => !message.replay);
      expect(pushed.items.map((item) => item.id)).toEqual([created?.id]);
      expect(pushed.cursor).toBe(created?.seq);
      // The count pushed with it is the one the API answers.
      const counted = (await (await fx.as('user', '/api/v1/notifications/unread-count')).json()) as {
        count: number;
      };
      expect((await client.next('unread', (message) => message.count >= 1)).count).toBe(counted.count);
    }
    // The stranger's next push is their own notification: nothing of the user's came before it.
    const [own] = await notify(assignment('otherUser', 'Own task'));
    const pushed = await stranger.next('notifications', (message) => !message.replay);
    expect(pushed.items.map((item) => item.id)).toEqual([own?.id]);
    for (const client of [first, second, stranger]) client.close();
  });

  it('loses nothing across a disconnect: reconnecting with the cursor replays exactly what was missed', async () => {
    const before = await connected('teammate');
    const initial = await before.resume(null);
    const [seen] = await notify(assignment('teammate', 'Seen live'));
    const live = await before.next('notifications', (message) => !message.replay);
    expect(live.items.map((item) => item.id)).toEqual([seen?.id]);
    const cursor = live.cursor;
    expect(cursor).toBeGreaterThan(initial.cursor);
    before.close();

    const missed: WireNotification[] = [];
    for (const title of ['Missed 1', 'Missed 2', 'Missed 3'])
      missed.push(...(await notify(assignment('teammate', title))));
    // Redelivery of an event (queues deliver at least once) creates nothing new.
    const duplicate = assignment('teammate', 'Missed 1');
    expect(await notify(duplicate)).toHaveLength(1);
    expect(await notify(duplicate)).toHaveLength(0);

    const after = await connected('teammate');
    const replay = await after.resume(cursor);
    expect(replay.items.map((item) => item.title)).toEqual(
      ['Missed 1', 'Missed 2', 'Missed 3', 'Missed 1'].map((title) => `Nouvelle tâche : ${title}`),
    );
    expect(replay.items.map((item) => item.seq)).toEqual([cursor + 1, cursor + 2, cursor + 3, cursor + 4]);
    const [next] = await notify(assignment('teammate', 'After reconnect'));
    const pushed = await after.next('notifications', (message) => !message.replay);
    expect(pushed.items.map((item) => item.id)).toEqual([next?.id]);

    // Exactly once: every notification received on the new socket appears one time.
    const received = after
      .messages()
      .flatMap((message) => (message.type === 'notifications' ? message.items.map((item) => item.id) : []));
    expect(new Set(received).size).toBe(received.length);
    expect(received).toEqual([...missed.map((item) => item.id), expect.any(String), next?.id]);
    after.close();
  });

  it('mark read on one socket updates the others (and the API read does too)', async () => {
    const first = await connected('admin');
    const second = await connected('admin');
    await Promise.all([first.resume(null), second.resume(null)]);
    const [one] = await notify({ ...assignment('admin', 'Read me'), actorId: fx.users.user.id });
    const [two] = await notify({ ...assignment('admin', 'Read me too'), actorId: fx.users.user.id });
    await second.next('notifications', (message) => message.items.some((item) => item.id === two?.id));

    first.send({ v: 1, type: 'read', ids: [one?.id] });
    const read = await second.next('read');
    expect(read.ids).toEqual([one?.id]);
    const response = await fx.as('admin', '/api/v1/notifications/unread-count');
    const { count } = (await response.json()) as { count: number };
    expect((await second.next('unread', (message) => message.count === count)).count).toBe(count);

    const apiRead = await fx.as('admin', '/api/v1/notifications/read-all', { method: 'POST' });
    expect(apiRead.status).toBe(200);
    for (const client of [first, second]) {
      expect((await client.next('read', (message) => message.ids === 'all')).ids).toBe('all');
      expect((await client.next('unread', (message) => message.count === 0)).count).toBe(0);
    }
    first.close();
    second.close();
  });

  it('never sends an expired notification, live or on replay, and the sweep deletes it', async () => {
    const client = await connected('viewer');
    const start = await client.resume(null);
    const longAgo = new Date(Date.now() - 400 * 86_400_000);
    const [expired] = await notify(assignment('viewer', 'Stale', longAgo));
    expect(expired).toBeDefined();
    expect(Date.parse(expired?.expiresAt ?? '')).toBeLessThan(Date.now());
    const [fresh] = await notify(assignment('viewer', 'Fresh'));
    const pushed = await client.next('notifications', (message) => !message.replay);
    expect(pushed.items.map((item) => item.id)).toEqual([fresh?.id]);
    client.close();

    const again = await connected('viewer');
    const replay = await again.resume(start.cursor);
    expect(replay.items.map((item) => item.id)).toEqual([fresh?.id]);
    again.close();
    const listed = (await (await fx.as('viewer', '/api/v1/notifications')).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((item) => item.id)).not.toContain(expired?.id);
    expect(await sweepExpiredNotifications(handle.db)).toBeGreaterThanOrEqual(1);
    const rows = await handle.pool.query('select id from notifications where id = $1', [expired?.id]);
    expect(rows.rows).toHaveLength(0);
  });

  it('answers malformed frames with an error frame and keeps the socket working', async () => {
    const client = await connected('otherManager');
    client.send('not json');
    expect((await client.next('error')).code).toBe('BAD_FRAME');
    client.send({ v: 1, type: 'dance' });
    expect((await client.next('error')).code).toBe('BAD_FRAME');
    client.send({ v: 7, type: 'resume', cursor: null });
    expect((await client.next('error')).code).toBe('UNSUPPORTED_VERSION');
    client.send({ v: 1, type: 'read', ids: ['not-a-uuid'] });
    expect((await client.next('error')).code).toBe('BAD_FRAME');
    client.send('x'.repeat(20_000));
    expect((await client.next('error')).code).toBe('BAD_FRAME');
    client.send({ v: 1, type: 'read', ids: [crypto.randomUUID()] });
    expect((await client.next('error')).code).toBe('NOT_RESUMED');
    // Still healthy: heartbeats, resume and live pushes work.
    client.send('ping');
    await expect.poll(() => client.pongs()).toBe(1);
    const replay = await client.resume(null);
    expect(replay.replay).toBe(true);
    const [created] = await notify(assignment('otherManager', 'Still alive'));
    const pushed = await client.next('notifications', (message) => !message.replay);
    expect(pushed.items.map((item) => item.id)).toEqual([created?.id]);
    client.close();
  });

  it('keeps per-socket state in attachments and sets no alarms or timers (hibernation-safe)', async () => {
    const client = await connected('manager');
    const hello = client.messages()[0];
    const hub = notificationHubs(env).getByName(fx.users.manager.id);
    await client.resume(null);
    await runInDurableObject(hub, async (_instance, state) => {
      const sockets = state.getWebSockets();
      expect(sockets).toHaveLength(1);
      expect(sockets[0]?.deserializeAttachment()).toMatchObject({
        sessionId: hello?.type === 'hello' ? hello.sessionId : 'missing',
        userId: fx.users.manager.id,
        state: 'live',
      });
      expect(await state.storage.getAlarm()).toBeNull();
      expect(state.getWebSocketAutoResponse()?.request).toBe('ping');
    });
    client.close();
  });
});

describe('notifications API: only your own', () => {
  it('lists, filters, archives, and ignores ids of other users', async () => {
    const [mine] = await notify({
      ...assignment('otherUser', 'Urgent one'),
      payload: { title: 'Urgent one', assigneeId: fx.users.otherUser.id, priority: 'urgent' },
    });
    const [theirs] = await notify(assignment('otherManager', 'Not yours'));
    const urgent = (await (
      await fx.as('otherUser', '/api/v1/notifications?priority=urgent&status=unread')
    ).json()) as { data: { id: string; priority: string }[] };
    expect(urgent.data.map((item) => item.id)).toEqual([mine?.id]);

    const foreign = await fx.as(
      'otherUser',
      '/api/v1/notifications/read',
      jsonBody('POST', { ids: [theirs?.id] }),
    );
    expect(((await foreign.json()) as { ids: string[] }).ids).toEqual([]);
    const archived = await fx.as(
      'otherUser',
      '/api/v1/notifications/archive',
      jsonBody('POST', { ids: [mine?.id, theirs?.id] }),
    );
    expect(((await archived.json()) as { ids: string[] }).ids).toEqual([mine?.id]);
    const listed = (await (await fx.as('otherUser', '/api/v1/notifications?archived=true')).json()) as {
      data: { id: string }[];
    };
    expect(listed.data.map((item) => item.id)).toEqual([mine?.id]);
    const theirList = (await (await fx.as('otherManager', '/api/v1/notifications')).json()) as {
      data: { id: string; readAt: string | null }[];
    };
    expect(theirList.data.find((item) => item.id === theirs?.id)?.readAt).toBeNull();
  });

  it('a type turned off in preferences is not created; the list pages with a cursor', async () => {
    const off = await fx.as(
      'viewer',
      '/api/v1/notifications/preferences',
      jsonBody('PATCH', { preferences: [{ type: 'task_assigned', inApp: false, email: true }] }),
    );
    expect(off.status).toBe(200);
    const prefs = (await off.json()) as { data: { type: string; inApp: boolean; email: boolean }[] };
    expect(prefs.data).toHaveLength(15);
    expect(prefs.data.find((entry) => entry.type === 'task_assigned')).toEqual({
      type: 'task_assigned',
      inApp: false,
      email: true,
    });
    expect(await notify(assignment('viewer', 'Muted'))).toEqual([]);
    await fx.as(
      'viewer',
      '/api/v1/notifications/preferences',
      jsonBody('PATCH', { preferences: [{ type: 'task_assigned', inApp: true }] }),
    );
    for (const title of ['P1', 'P2', 'P3']) await notify(assignment('viewer', title));
    const page1 = (await (await fx.as('viewer', '/api/v1/notifications?limit=2')).json()) as {
      data: { title: string }[];
      nextCursor: string | null;
    };
    expect(page1.data.map((item) => item.title)).toEqual(['Nouvelle tâche : P3', 'Nouvelle tâche : P2']);
    const page2 = (await (
      await fx.as('viewer', `/api/v1/notifications?limit=2&cursor=${page1.nextCursor}`)
    ).json()) as { data: { title: string }[] };
    expect(page2.data[0]?.title).toBe('Nouvelle tâche : P1');
  });
});
