import { env } from 'cloudflare:test';
import { neon, neonConfig } from '@neondatabase/serverless';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHeartbeats } from '../../worker/db/schema';
import { violatesConstraint } from '../../worker/lib/errors';
import { createTestDatabase, testDbHandle } from './support/helpers';
import { createIdentityFixture } from './support/identity-fixture';

describe('Postgres through the Neon driver, inside workerd', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('runs single drizzle statements over HTTP, without opening the WebSocket pool', async () => {
    const handle = testDbHandle(database.url);
    try {
      await handle.db
        .insert(jobHeartbeats)
        .values({ source: 'test:query', lastScheduledAt: new Date('2026-01-02T03:04:05Z') });
      const rows = await handle.db.select().from(jobHeartbeats).where(eq(jobHeartbeats.source, 'test:query'));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.lastScheduledAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(rows[0]?.runs).toBe(1);
      expect(handle.opened).toBe(false);
    } finally {
      await handle.close();
    }
  });

  it('parses values the same over HTTP as over the WebSocket pool', async () => {
    const handle = testDbHandle(database.url);
    try {
      const typed = sql`select '2026-01-02 03:04:05.678+00'::timestamptz as at, '2026-03-04'::date as day,
                               array['a', 'b,c', null]::text[] as tags, '{"k": [1, 2]}'::jsonb as doc,
                               12.50::numeric as amount, 9007199254740993::int8 as big, 42 as small,
                               true as flag, null::text as nothing, '\\x0102'::bytea as bytes,
                               gen_random_uuid() is not null as uuid_ok`;
      const viaHttp = await handle.db.execute(typed);
      expect(handle.opened).toBe(false);
      const viaPool = await handle.db.transaction((tx) => tx.execute(typed));
      expect(handle.opened).toBe(true);
      expect(viaHttp.rows).toEqual(viaPool.rows);
      expect(viaHttp.rows[0]).toMatchObject({
        at: '2026-01-02 03:04:05.678+00',
        day: '2026-03-04',
        tags: ['a', 'b,c', null],
        doc: { k: [1, 2] },
        amount: '12.50',
        big: '9007199254740993',
        small: 42,
        flag: true,
        nothing: null,
        uuid_ok: true,
      });
      expect(viaHttp.rowCount).toBe(1);
      expect(viaHttp.fields.map((field) => field.name)).toContain('tags');
    } finally {
      await handle.close();
    }
  });

  it('reports a Postgres error over HTTP with its SQLSTATE and constraint', async () => {
    const handle = testDbHandle(database.url);
    try {
      const row = { source: 'test:duplicate', lastScheduledAt: new Date() };
      await handle.db.insert(jobHeartbeats).values(row);
      const error = await handle.db
        .insert(jobHeartbeats)
        .values(row)
        .then(
          () => null,
          (failure: unknown) => failure,
        );
      expect(violatesConstraint(error, 'job_heartbeats_pkey')).toBe(true);
      expect((error as { cause?: unknown }).cause).toMatchObject({
        code: '23505',
        constraint: 'job_heartbeats_pkey',
        table: 'job_heartbeats',
      });
    } finally {
      await handle.close();
    }
  });

  it('serves the driver batch form (`sql.transaction([...])`) as one transaction', async () => {
    // The same endpoint the handle uses (worker/db/client.ts sets it from NEON_WS_PROXY).
    neonConfig.fetchEndpoint = `http://${(env.NEON_WS_PROXY ?? '').split('/')[0]}/sql`;
    const sqlBatch = neon(database.url);
    const [inserted, counted] = await sqlBatch.transaction(
      [
        sqlBatch`insert into job_heartbeats (source, last_scheduled_at) values ('test:batch', now()) returning source`,
        sqlBatch`select count(*)::int as n from job_heartbeats where source = 'test:batch'`,
      ],
      { isolationLevel: 'Serializable' },
    );
    expect(inserted).toEqual([{ source: 'test:batch' }]);
    expect(counted).toEqual([{ n: 1 }]);
    await expect(
      sqlBatch.transaction([
        sqlBatch`insert into job_heartbeats (source, last_scheduled_at) values ('test:batch-undone', now())`,
        sqlBatch`insert into job_heartbeats (source, last_scheduled_at) values ('test:batch', now())`,
      ]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await sqlBatch`select source from job_heartbeats where source = 'test:batch-undone'`).toEqual([]);
  });

  it("refuses an HTTP response over Neon's 10 MB cap, as Neon does", async () => {
    const handle = testDbHandle(database.url);
    try {
      await expect(handle.db.execute(sql`select repeat('x', 11 * 1024 * 1024) as big`)).rejects.toMatchObject(
        {
          cause: { message: expect.stringMatching(/response is too large/) },
        },
      );
      // The same statement goes through within a transaction (WebSocket), where no such cap applies.
      const inTransaction = await handle.db.transaction((tx) =>
        tx.execute<{ big: string }>(sql`select repeat('x', 11 * 1024 * 1024) as big`),
      );
      expect(inTransaction.rows[0]?.big.length).toBe(11 * 1024 * 1024);
    } finally {
      await handle.close();
    }
  });

  it('lets the local HTTP endpoint reach loopback databases only', async () => {
    const endpoint = `http://${(env.NEON_WS_PROXY ?? '').split('/')[0]}/sql`;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Neon-Connection-String': 'postgresql://postgres:secret@db.example.com:5432/postgres',
        'Neon-Raw-Text-Output': 'true',
        'Neon-Array-Mode': 'true',
      },
      body: JSON.stringify({ query: 'select 1', params: [] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/not a loopback host/);
  });

  it('rolls a failed transaction back, leaving no partial write', async () => {
    const handle = testDbHandle(database.url);
    try {
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.insert(jobHeartbeats).values({ source: 'test:rollback', lastScheduledAt: new Date() });
          // Same primary key again: the second write fails, so the first must vanish too.
          await tx.insert(jobHeartbeats).values({ source: 'test:rollback', lastScheduledAt: new Date() });
        }),
      ).rejects.toThrow();
      const rows = await handle.db
        .select()
        .from(jobHeartbeats)
        .where(eq(jobHeartbeats.source, 'test:rollback'));
      expect(rows).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('has the search extensions and the accent-insensitive French configuration', async () => {
    const handle = testDbHandle(database.url);
    try {
      const result = await handle.db.execute<{ french: string; names: string; similar: number }>(
        sql`select to_tsvector('alforis_french', 'Sociétés Générales')::text as french,
                   to_tsvector('alforis_simple', 'Hélène Martin')::text as names,
                   similarity('Société Générale', 'Societe Generale') as similar`,
      );
      const row = result.rows[0];
      expect(row?.french).toBe("'general':2 'societ':1");
      expect(row?.names).toBe("'helene':1 'martin':2");
      expect(row?.similar).toBeGreaterThan(0.3);
    } finally {
      await handle.close();
    }
  });

  it('serves a database read through the API (system info), to signed-in callers only', async () => {
    const fx = await createIdentityFixture(database.url);
    expect((await fx.as(null, '/api/v1/system/info')).status).toBe(401);
    const response = await fx.as('viewer', '/api/v1/system/info');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { migrations: number; databaseTime: string; environment: string };
    expect(body.migrations).toBeGreaterThanOrEqual(2);
    expect(Date.parse(body.databaseTime)).not.toBeNaN();
    expect(body.environment).toBe(env.ENVIRONMENT);
  });

  it('answers a signed-in read with one HTTP statement for the session and one for the data, no connection', async () => {
    const fx = await createIdentityFixture(database.url);
    const read = await fx.as('viewer', '/api/v1/system/info');
    expect(read.status).toBe(200);
    const timing = read.headers.get('Server-Timing') ?? '';
    expect(timing).toMatch(/db;dur=[\d.]+;desc="2 statements over HTTP"/);
    expect(timing).toMatch(/tx;dur=0;desc="0 transactions"/);
    // A write runs its transaction on the WebSocket pool.
    const write = await fx.as('admin', '/api/v1/teams', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Timing ${crypto.randomUUID()}` }),
    });
    expect(write.status).toBe(201);
    expect(write.headers.get('Server-Timing')).toMatch(/tx;dur=[\d.]+;desc="1 transactions"/);
  });
});
