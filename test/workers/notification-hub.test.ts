import { env, runInDurableObject } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotificationHub, notificationHubs } from '../../durable-objects/notification-hub';
import { createTestDatabase } from './support/helpers';
import { createIdentityFixture, type IdentityFixture } from './support/identity-fixture';

interface Frame {
  type: string;
  sessionId?: string;
  messages?: { id: string; type: string }[];
}

async function connect(stub: DurableObjectStub<NotificationHub>) {
  const response = await stub.fetch('http://hub/connect', { headers: { Upgrade: 'websocket' } });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error('no WebSocket in the upgrade response');
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.addEventListener('message', (event) => {
    const data = String(event.data);
    frames.push(data.startsWith('{') ? (JSON.parse(data) as Frame) : { type: data });
    for (const wake of waiters.splice(0)) wake();
  });
  socket.accept();
  const next = async (count: number) => {
    while (frames.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return frames;
  };
  return { socket, frames, next };
}

describe('NotificationHub (Durable Object, hibernation API)', () => {
  it('upgrades to a WebSocket and greets the session', async () => {
    const stub = notificationHubs(env).getByName('user-greet');
    const client = await connect(stub);
    const [hello] = await client.next(1);
    expect(hello?.type).toBe('hello');
    expect(hello?.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    client.socket.close(1000, 'done');
  });

  it('refuses plain HTTP with 426', async () => {
    const response = await notificationHubs(env).getByName('user-plain').fetch('http://hub/connect');
    expect(response.status).toBe(426);
  });

  it('publishes one frame to every socket of the user', async () => {
    const stub = notificationHubs(env).getByName('user-two-tabs');
    const first = await connect(stub);
    const second = await connect(stub);
    await Promise.all([first.next(1), second.next(1)]);
    expect(await stub.connectionCount()).toBe(2);

    const result = await stub.publish([
      { id: 'n1', type: 'task.assigned' },
      { id: 'n2', type: 'mandate.signed' },
    ]);
    expect(result).toEqual({ delivered: 2, pruned: 0 });
    for (const client of [first, second]) {
      const frames = await client.next(2);
      expect(frames[1]).toEqual({
        type: 'batch',
        messages: [
          { id: 'n1', type: 'task.assigned' },
          { id: 'n2', type: 'mandate.signed' },
        ],
      });
    }
    // Another user's hub is a different object and receives nothing.
    expect(await notificationHubs(env).getByName('someone-else').connectionCount()).toBe(0);
    first.socket.close(1000);
    second.socket.close(1000);
  });

  it('keeps per-socket state in attachments and sets no alarms or timers (hibernation-safe)', async () => {
    const stub = notificationHubs(env).getByName('user-hibernate');
    const client = await connect(stub);
    await client.next(1);
    await runInDurableObject(stub, async (_instance, state) => {
      const sockets = state.getWebSockets();
      expect(sockets).toHaveLength(1);
      expect(sockets[0]?.deserializeAttachment()).toMatchObject({ sessionId: client.frames[0]?.sessionId });
      expect(await state.storage.getAlarm()).toBeNull();
      expect(state.getWebSocketAutoResponse()?.request).toBe('ping');
    });
    client.socket.send('ping');
    expect((await client.next(2))[1]).toEqual({ type: 'pong' });
    client.socket.close(1000);
  });
});

describe('/ws: the caller reaches their own hub only', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let fx: IdentityFixture;
  beforeAll(async () => {
    database = await createTestDatabase();
    fx = await createIdentityFixture(database.url);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('refuses anonymous upgrades with a 401 problem', async () => {
    const response = await fx.as(null, '/ws', { headers: { Upgrade: 'websocket' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it('upgrades a signed-in caller to the hub named after their user id', async () => {
    const response = await fx.as('user', '/ws', {
      headers: { Upgrade: 'websocket', 'X-Hub-User': 'someone-else' },
    });
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (!socket) throw new Error('no WebSocket');
    const frames: string[] = [];
    const received = new Promise<void>((resolve) => {
      socket.addEventListener('message', (event) => {
        frames.push(String(event.data));
        if (frames.length === 2) resolve();
      });
    });
    socket.accept();
    const hub = notificationHubs(env).getByName(fx.users.user.id);
    await expect.poll(() => hub.connectionCount()).toBe(1);
    await hub.publish([{ id: 'n-ws', type: 'task.assigned' }]);
    await received;
    expect(JSON.parse(frames[1] ?? '{}')).toEqual({
      type: 'batch',
      messages: [{ id: 'n-ws', type: 'task.assigned' }],
    });
    await runInDurableObject(hub, (_instance, state) => {
      expect(state.getWebSockets()[0]?.deserializeAttachment()).toMatchObject({ userId: fx.users.user.id });
    });
    socket.close(1000);
  });
});
