import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { jobHeartbeats } from '../../db/schema';

export interface SystemInfo {
  migrations: number;
  databaseTime: string;
}

/** Applied migrations and the database clock: proves schema and connectivity in one round trip. */
export async function readSystemInfo(db: Database): Promise<SystemInfo> {
  const result = await db.execute<{ migrations: number; database_time: Date | string }>(
    sql`select count(*)::int as migrations, now() as database_time from drizzle.__drizzle_migrations`,
  );
  const row = result.rows[0];
  return {
    migrations: row?.migrations ?? 0,
    databaseTime: new Date(row?.database_time ?? Date.now()).toISOString(),
  };
}

/**
 * Idempotent: a redelivered heartbeat (same scheduled time) changes nothing,
 * so `runs` counts distinct ticks.
 */
export async function recordHeartbeat(
  db: Database,
  beat: { source: string; scheduledAt: string },
): Promise<void> {
  const scheduledAt = new Date(beat.scheduledAt);
  await db
    .insert(jobHeartbeats)
    .values({ source: beat.source, lastScheduledAt: scheduledAt, runs: 1 })
    .onConflictDoUpdate({
      target: jobHeartbeats.source,
      set: {
        lastScheduledAt: scheduledAt,
        lastProcessedAt: sql`now()`,
        runs: sql`${jobHeartbeats.runs} + 1`,
      },
      setWhere: sql`${jobHeartbeats.lastScheduledAt} < ${scheduledAt}`,
    });
}

export async function listHeartbeats(db: Database) {
  return db.select().from(jobHeartbeats).orderBy(jobHeartbeats.source);
}
