import { eq, sql } from 'drizzle-orm';
import {
  affiliations,
  interactions,
  mandates,
  organisations,
  people,
  tasks,
} from '../../../worker/db/schema';
import { testDbHandle } from './helpers';
import type { FixtureUserKey, IdentityFixture } from './identity-fixture';

/** The CRM tables a fixture can create rows in directly (bypassing the API, for speed and for any owner). */
const TABLES = { organisations, mandates, interactions, tasks, people, affiliations } as const;

/**
 * Inserts a record owned by a fixture user (in that user's team) and returns
 * its id; `deleted` puts it in the bin. For set-up only: the API is under test.
 */
export async function createRecordAs(
  fx: IdentityFixture,
  owner: FixtureUserKey,
  table: keyof typeof TABLES,
  values: Record<string, unknown>,
  options: { deleted?: boolean } = {},
): Promise<string> {
  const handle = testDbHandle(fx.databaseUrl);
  try {
    const target = TABLES[table];
    const [row] = await handle.db
      .insert(target)
      .values({
        ...values,
        ownerId: fx.users[owner].id,
        teamId: fx.users[owner].teamId,
      } as typeof target.$inferInsert)
      .returning({ id: target.id });
    if (!row) throw new Error(`${table} row not created`);
    if (options.deleted)
      await handle.db.update(target).set({ deletedAt: sql`now()` }).where(eq(target.id, row.id));
    return row.id;
  } finally {
    await handle.close();
  }
}
