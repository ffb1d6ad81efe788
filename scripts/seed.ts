// Demo dataset for local runs (organisations, people, mandates, interactions, tasks,
// French names, one login per role). The CRM tables arrive with the CRM core issue;
// until then this connects, finds nothing to seed, and says so.
//
// CLI: `npm run db:seed` (DATABASE_URL [+ NEON_WS_PROXY], else the local stack's
// database, like db:migrate).
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from '../worker/db/schema';
import { seedDemoIdentities } from '../worker/modules/identity/demo';
import { isMain, runMain } from './local/cli';
import { withPool } from './local/db';
import { databaseFromEnv, withLocalDatabase } from './local/local-db';

export interface SeedResult {
  seeded: boolean;
  message: string;
}

/** Tables the demo dataset needs; seeding starts once they exist. */
const CRM_TABLES = ['organisations', 'people'];

export async function seed(opts: {
  databaseUrl: string;
  wsProxy?: string;
  log?: (line: string) => void;
}): Promise<SeedResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  return withPool({ databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 1 }, async (pool) => {
    const environment = process.env.ENVIRONMENT ?? 'development';
    if (environment !== 'production') {
      const { created } = await seedDemoIdentities(drizzle({ client: pool, schema }), {
        environment,
        password: process.env.DEMO_PASSWORD,
      });
      if (created > 0)
        log(`demo seed: ${created} demo users created (password from DEMO_PASSWORD, default alforis-demo)`);
    }
    const { rows } = await pool.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = 'public' and table_name = any($1::text[])`,
      [CRM_TABLES],
    );
    if (rows.length < CRM_TABLES.length) {
      const result = {
        seeded: false,
        message: 'demo seed: nothing to seed yet (CRM tables arrive with the CRM core issue)',
      };
      log(result.message);
      return result;
    }
    // The dataset itself lands with the CRM tables (idempotent: a seed_runs marker).
    const result = {
      seeded: false,
      message: 'demo seed: CRM tables found, but the demo dataset is not written yet',
    };
    log(result.message);
    return result;
  });
}

async function main() {
  const target = databaseFromEnv();
  if (target) await seed(target);
  else await withLocalDatabase((t) => seed(t).then(() => undefined));
}

if (isMain(import.meta.url)) runMain(main);
