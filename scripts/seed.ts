// Demo dataset for local runs. Today: the demo logins (one user per role, two teams,
// from worker/modules/identity/demo.ts). The CRM dataset (organisations, people,
// mandates, interactions, tasks, French names) lands with the CRM core issue; until
// its tables exist this says so. Idempotent: safe on every `npm start`.
//
// CLI: `npm run db:seed` (DATABASE_URL [+ NEON_WS_PROXY], else the local stack's
// database, like db:migrate).
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from '../worker/db/schema';
import { DEFAULT_DEMO_PASSWORD, DEMO_USERS, seedDemoIdentities } from '../worker/modules/identity/demo';
import { isMain, runMain } from './local/cli';
import { withPool } from './local/db';
import { databaseFromEnv, withLocalDatabase } from './local/local-db';

export interface DemoLogin {
  email: string;
  role: string;
  password: string;
}

export interface SeedResult {
  /** demo users created by this call (0 when they already existed) */
  usersCreated: number;
  /** the demo logins, when the identity tables exist */
  logins: DemoLogin[];
  /** whether the CRM demo dataset was written */
  crmSeeded: boolean;
  messages: string[];
}

/** Tables the CRM demo dataset needs; it is written once they exist. */
const CRM_TABLES = ['organisations', 'people'];

async function existingTables(
  pool: { query: (sql: string, params: unknown[]) => Promise<{ rows: { name: string }[] }> },
  names: string[],
) {
  const { rows } = await pool.query(
    `select table_name as name from information_schema.tables
      where table_schema = 'public' and table_name = any($1::text[])`,
    [names],
  );
  return new Set(rows.map((r) => r.name));
}

export async function seed(opts: {
  databaseUrl: string;
  wsProxy?: string;
  log?: (line: string) => void;
}): Promise<SeedResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const environment = process.env.ENVIRONMENT ?? 'development';
  if (environment === 'production') throw new Error('Refusing to seed demo data in production');
  const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  return withPool({ databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 2 }, async (pool) => {
    const result: SeedResult = { usersCreated: 0, logins: [], crmSeeded: false, messages: [] };
    const say = (line: string) => {
      result.messages.push(line);
      log(line);
    };

    const identity = await existingTables(pool, ['users', 'teams']);
    if (identity.size === 2) {
      const db = drizzle({ client: pool, schema });
      // password: DEMO_PASSWORD, default alforis-demo (only used when a user is created)
      const { created } = await seedDemoIdentities(db, { environment, password });
      result.usersCreated = created;
      result.logins = DEMO_USERS.map((u) => ({ email: u.email, role: u.roleId, password }));
      say(`demo seed: ${created} demo user(s) created, ${DEMO_USERS.length - created} already there`);
    } else {
      say('demo seed: no identity tables yet: no demo logins');
    }

    const crm = await existingTables(pool, CRM_TABLES);
    if (crm.size < CRM_TABLES.length) {
      say('demo seed: nothing to seed yet for the CRM (CRM tables arrive with the CRM core issue)');
    } else {
      say('demo seed: CRM tables found, but the CRM demo dataset is not written yet');
    }
    return result;
  });
}

async function main() {
  const target = databaseFromEnv();
  const print = (r: SeedResult) => {
    for (const l of r.logins) console.log(`  ${l.role.padEnd(8)} ${l.email}  /  ${l.password}`);
  };
  if (target) print(await seed(target));
  else await withLocalDatabase(async (t) => print(await seed(t)));
}

if (isMain(import.meta.url)) runMain(main);
