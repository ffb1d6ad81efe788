import { env } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHeartbeats } from '../../worker/db/schema';
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

  it('runs a drizzle query over the WebSocket transport', async () => {
    const handle = testDbHandle(database.url);
    try {
      await handle.db
        .insert(jobHeartbeats)
        .values({ source: 'test:query', lastScheduledAt: new Date('2026-01-02T03:04:05Z') });
      const rows = await handle.db.select().from(jobHeartbeats).where(eq(jobHeartbeats.source, 'test:query'));
      expect(rows).toHaveLength(1);
      expect(rows[0]?.lastScheduledAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(rows[0]?.runs).toBe(1);
    } finally {
      await handle.close();
    }
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
});
