import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { organisations } from '../../worker/db/schema';
import { breakerOpen, Cache, cacheNamespace, createRedis } from '../../worker/lib/cache';
import { readConfig } from '../../worker/lib/config';
import { createLogger } from '../../worker/lib/logger';
import { cacheInvalidationSubscriber } from '../../worker/modules/cache/cache.events';
import type { DomainEventMessage } from '../../worker/queues/messages';
import { callWorker, createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import {
  createIdentityFixture,
  type FixtureUserKey,
  type IdentityFixture,
  jsonBody,
} from './support/identity-fixture';

const redisAvailable = inject('REDIS_AVAILABLE');

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

interface Org {
  id: string;
  name: string;
  city: string | null;
  version: number;
  ownerId: string;
  teamId: string | null;
}
interface Page {
  data: Org[];
  nextCursor: string | null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

/** Calls as a fixture user with other bindings (a stopped Redis, lower quotas). */
function asWith(
  who: FixtureUserKey,
  path: string,
  overrides: Record<string, string>,
  init: RequestInit = {},
) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${fx.users[who].token}`);
  return callWorker(path, { ...init, headers }, { DATABASE_URL: database.url, ...overrides } as Partial<Env>);
}

async function json<T>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

async function createOrg(who: FixtureUserKey, name: string, extra: Record<string, unknown> = {}) {
  const response = await fx.as(
    who,
    '/api/v1/organisations',
    jsonBody('POST', { name, types: ['investor'], ...extra }),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Org;
}

/** Changes a row behind the cache's back, as a migration or a manual fix would. */
async function renameInDatabase(id: string, name: string) {
  const handle = testDbHandle(database.url);
  try {
    await handle.db.update(organisations).set({ name }).where(eq(organisations.id, id));
  } finally {
    await handle.close();
  }
}

async function readStats() {
  const body = await json<{ prefixes: { prefix: string; hits: number; misses: number; loads: number }[] }>(
    await fx.as('admin', '/api/v1/admin/cache/stats'),
  );
  return Object.fromEntries(body.prefixes.map((row) => [row.prefix, row]));
}

describe.skipIf(!redisAvailable)('response cache', () => {
  it('serves repeated reads from the cache: a change behind its back stays invisible until invalidated', async () => {
    const org = await createOrg('manager', `Cached ${crypto.randomUUID()}`);
    const first = await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`));
    expect(first.name).toBe(org.name);
    await renameInDatabase(org.id, 'Renamed behind the cache');
    // Still the cached answer: proof that the read did not reach Postgres.
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(org.name);

    // A domain event (a write made elsewhere, e.g. an import) invalidates it for everyone.
    const event: DomainEventMessage = {
      id: crypto.randomUUID(),
      type: 'organisation.updated',
      entityType: 'organisation',
      entityId: org.id,
      actorId: fx.users.manager.id,
      ownerId: org.ownerId,
      teamId: org.teamId,
      payload: {},
      occurredAt: new Date().toISOString(),
    } as DomainEventMessage;
    const handle = testDbHandle(database.url);
    const deps = { db: handle.db, log: createLogger('warn'), env: { ...env, DATABASE_URL: database.url } };
    await cacheInvalidationSubscriber.handle(event, deps);
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(
      'Renamed behind the cache',
    );

    // Idempotent: a redelivery of the same event does not invalidate again.
    await renameInDatabase(org.id, 'Second change behind the cache');
    await cacheInvalidationSubscriber.handle(event, deps);
    await handle.close();
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(
      'Renamed behind the cache',
    );
  });

  it('a write is read back at once by the writer and by other users (lists and details)', async () => {
    const city = `Write-${crypto.randomUUID().slice(0, 8)}`;
    const org = await createOrg('user', `Before ${city}`, { city });
    const listPath = `/api/v1/organisations?city=${city}`;
    // Warm the caches: the writer's own list, the team manager's list and detail, the admin's list.
    expect((await json<Page>(await fx.as('user', listPath))).data.map((o) => o.name)).toEqual([
      `Before ${city}`,
    ]);
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `Before ${city}`,
    ]);
    expect((await json<Page>(await fx.as('admin', listPath))).data).toHaveLength(1);
    await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`));

    const patched = await fx.as(
      'user',
      `/api/v1/organisations/${org.id}`,
      jsonBody('PATCH', { name: `After ${city}` }),
    );
    expect(patched.status).toBe(200);

    expect((await json<Page>(await fx.as('user', listPath))).data.map((o) => o.name)).toEqual([
      `After ${city}`,
    ]);
    expect((await json<Org>(await fx.as('user', `/api/v1/organisations/${org.id}`))).name).toBe(
      `After ${city}`,
    );
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `After ${city}`,
    ]);
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(
      `After ${city}`,
    );
    expect((await json<Page>(await fx.as('admin', listPath))).data.map((o) => o.name)).toEqual([
      `After ${city}`,
    ]);

    // Deleting removes it from every cached list; creating adds to them.
    expect((await fx.as('manager', `/api/v1/organisations/${org.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await json<Page>(await fx.as('manager', listPath))).data).toEqual([]);
    await createOrg('teammate', `New ${city}`, { city });
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `New ${city}`,
    ]);
    expect((await json<Page>(await fx.as('user', listPath))).data).toEqual([]);
  });

  it('never hands one role or team a page cached for another', async () => {
    const city = `Scope-${crypto.randomUUID().slice(0, 8)}`;
    const mine = await createOrg('manager', `Team A ${city}`, { city });
    await createOrg('otherManager', `Team B ${city}`, { city });
    const listPath = `/api/v1/organisations?city=${city}`;

    const managerPage = await json<Page>(await fx.as('manager', listPath));
    expect(managerPage.data.map((o) => o.name)).toEqual([`Team A ${city}`]);
    // Make the database differ from the Manager's cached page: a Viewer reusing it would show the old name.
    await renameInDatabase(mine.id, `Team A renamed ${city}`);
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `Team A ${city}`,
    ]);
    expect((await json<Page>(await fx.as('viewer', listPath))).data.map((o) => o.name)).toEqual([
      `Team A renamed ${city}`,
    ]);
    expect((await json<Org>(await fx.as('viewer', `/api/v1/organisations/${mine.id}`))).name).toBe(
      `Team A renamed ${city}`,
    );
    // Team B's manager sees only team B, never team A's cached page, and not team A's record.
    expect((await json<Page>(await fx.as('otherManager', listPath))).data.map((o) => o.name)).toEqual([
      `Team B ${city}`,
    ]);
    expect((await fx.as('otherManager', `/api/v1/organisations/${mine.id}`)).status).toBe(404);
    // A User sees only their own records (none here).
    expect((await json<Page>(await fx.as('user', listPath))).data).toEqual([]);
  });

  it('keeps answering 200 with correct data when Redis stops mid-test, and reports degraded', async () => {
    const down = { UPSTASH_REDIS_REST_URL: inject('UPSTASH_DOWN_URL') };
    const city = `Outage-${crypto.randomUUID().slice(0, 8)}`;
    const org = await createOrg('manager', `Up ${city}`, { city });
    const listPath = `/api/v1/organisations?city=${city}`;
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `Up ${city}`,
    ]);

    // Redis gone: reads, writes and reads again, all from Postgres.
    for (let round = 0; round < 5; round++) {
      const page = await json<Page>(await asWith('manager', listPath, down));
      expect(page.data.map((o) => o.name)).toEqual([
        round === 0 ? `Up ${city}` : `Down ${city} ${round - 1}`,
      ]);
      const patched = await asWith(
        'manager',
        `/api/v1/organisations/${org.id}`,
        down,
        jsonBody('PATCH', { name: `Down ${city} ${round}` }),
      );
      expect(patched.status).toBe(200);
      expect((await json<Org>(await asWith('manager', `/api/v1/organisations/${org.id}`, down))).name).toBe(
        `Down ${city} ${round}`,
      );
    }
    expect(breakerOpen(down.UPSTASH_REDIS_REST_URL)).toBe(true);
    const ready = await callWorker('/readyz', {}, { DATABASE_URL: database.url, ...down } as Partial<Env>);
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as { status: string; checks: { redis: { status: string } } };
    expect(readiness).toMatchObject({ status: 'ready', checks: { redis: { status: 'degraded' } } });

    // The writes made while Redis was down reached no invalidation: the stale entry would still be
    // there, so flushing the record's tags is what the domain events do when Redis is back.
    const handle = testDbHandle(database.url);
    await cacheInvalidationSubscriber.handle(
      {
        id: crypto.randomUUID(),
        type: 'organisation.updated',
        entityType: 'organisation',
        entityId: org.id,
        actorId: fx.users.manager.id,
        ownerId: org.ownerId,
        teamId: org.teamId,
        payload: {},
        occurredAt: new Date().toISOString(),
      } as DomainEventMessage,
      { db: handle.db, log: createLogger('warn'), env: { ...env, DATABASE_URL: database.url } },
    );
    await handle.close();
    expect((await json<Page>(await fx.as('manager', listPath))).data.map((o) => o.name)).toEqual([
      `Down ${city} 4`,
    ]);
  });

  it('loads once for 50 concurrent misses on one key', async () => {
    const deferred: Promise<unknown>[] = [];
    const config = readConfig({ ...env, DATABASE_URL: database.url });
    // 50 requests arriving at once are 50 invocations, each with its own outbound connections; here
    // they share one test invocation, whose fetches queue behind a few connections, so the per-call
    // budget is raised to keep queueing from looking like an outage. The lock is what is under test.
    const cache = new Cache(createRedis(config, 10_000), createLogger('warn'), {
      namespace: cacheNamespace(config),
      defer: (work) => deferred.push(work),
      endpoint: 'stampede-test',
    });
    const handle = testDbHandle(database.url);
    let loads = 0;
    const key = crypto.randomUUID();
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          cache.cached({
            prefix: 'test:stampede',
            scope: 'all',
            parts: { key },
            tags: [`test:${key}`],
            ttlSeconds: 60,
            load: async () => {
              loads++;
              const result = await handle.pool.query(
                'select count(*)::int as n, pg_sleep(0.1) from organisations',
              );
              return { organisations: (result.rows[0] as { n: number }).n };
            },
          }),
        ),
      );
      await Promise.all(deferred);
      expect(loads).toBe(1);
      expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
      const counted = await handle.pool.query('select count(*)::int as n from organisations');
      expect(results[0]).toEqual({ organisations: (counted.rows[0] as { n: number }).n });
    } finally {
      await handle.close();
    }
  });

  it('counts hits, misses and loads per key prefix', async () => {
    expect((await fx.as('admin', '/api/v1/admin/cache/stats', { method: 'DELETE' })).status).toBe(204);
    const org = await createOrg('teammate', `Stats ${crypto.randomUUID()}`);
    for (let index = 0; index < 3; index++)
      await json<Org>(await fx.as('teammate', `/api/v1/organisations/${org.id}`));
    await json<Page>(await fx.as('teammate', '/api/v1/organisations?limit=7'));
    await json<Page>(await fx.as('teammate', '/api/v1/organisations?limit=7'));
    const stats = await readStats();
    expect(stats['organisation:get']).toMatchObject({ hits: 2, misses: 1, loads: 1 });
    expect(stats['organisation:list']).toMatchObject({ hits: 1, misses: 1, loads: 1 });

    const body = await json<{ status: string; totals: { hitRate: number } }>(
      await fx.as('admin', '/api/v1/admin/cache/stats'),
    );
    expect(body.status).toBe('ok');
    expect(body.totals.hitRate).toBeCloseTo(3 / 5, 4);
    expect((await fx.as('manager', '/api/v1/admin/cache/stats')).status).toBe(403);
  });

  it('flushes by tag (Admin) and refuses unknown tags', async () => {
    const org = await createOrg('manager', `Flush ${crypto.randomUUID()}`);
    await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`));
    await renameInDatabase(org.id, 'Flushed name');
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(org.name);
    const flushed = await fx.as(
      'admin',
      '/api/v1/admin/cache/flush',
      jsonBody('POST', { tag: 'type:organisation' }),
    );
    expect(flushed.status).toBe(204);
    expect((await json<Org>(await fx.as('manager', `/api/v1/organisations/${org.id}`))).name).toBe(
      'Flushed name',
    );
    const bad = await fx.as('admin', '/api/v1/admin/cache/flush', jsonBody('POST', { tag: 'KEYS *' }));
    expect(bad.status).toBe(422);
    expect((await problemOf(bad)).errors?.[0]?.path).toBe('tag');
  });

  it('answers 304 to a matching If-None-Match, with private caching', async () => {
    const org = await createOrg('manager', `Etag ${crypto.randomUUID()}`);
    const first = await fx.as('manager', `/api/v1/organisations/${org.id}`);
    const etag = first.headers.get('ETag');
    expect(etag).toBe(`"v${org.version}"`);
    expect(first.headers.get('Cache-Control')).toBe('private, no-cache');
    const again = await fx.as('manager', `/api/v1/organisations/${org.id}`, {
      headers: { 'If-None-Match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('ETag')).toBe(etag);
    const stale = await fx.as('manager', `/api/v1/organisations/${org.id}`, {
      headers: { 'If-None-Match': '"v0"' },
    });
    expect(stale.status).toBe(200);
  });

  it('limits API calls per user: 429 problem with Retry-After and RateLimit headers', async () => {
    const lowered = { RATE_LIMIT_USER_PER_MINUTE: '3' };
    const path = '/api/v1/organisations?limit=1';
    for (let index = 0; index < 3; index++) {
      const response = await asWith('otherUser', path, lowered);
      expect(response.status).toBe(200);
      expect(response.headers.get('RateLimit-Limit')).toBe('3');
      expect(response.headers.get('RateLimit-Remaining')).toBe(String(2 - index));
    }
    const limited = await asWith('otherUser', path, lowered);
    expect(limited.status).toBe(429);
    const problem = await problemOf(limited);
    expect(problem.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('RateLimit-Remaining')).toBe('0');
    expect(limited.headers.get('RateLimit-Limit')).toBe('3');
  });
});
