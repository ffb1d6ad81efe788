// Demo data for local runs, written once by `npm start` after the migrations:
//  - the demo logins (one user per role, two teams: worker/modules/identity/demo.ts);
//  - the demo CRM dataset (scripts/seed/demo.ts): ~300 organisations, ~600 people,
//    ~150 mandates, ~800 interactions, ~300 tasks, French names, deterministic.
// Idempotent: the dataset is written only when no organisation has an external id
// starting with `demo-` (deleted ones included, so emptying the bin never re-seeds).
// Refused when ENVIRONMENT=production.
//
// CLI: `npm run db:seed` (DATABASE_URL [+ NEON_WS_PROXY], else the local stack's
// database, like db:migrate). Volume for benchmarks, appended after the demo data:
//   npm run db:seed -- --organisations 100000 --people 300000 [--mandates N --interactions N --tasks N]
import type { Pool, PoolClient } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from '../worker/db/schema';
import { DEFAULT_DEMO_PASSWORD, DEMO_USERS, seedDemoIdentities } from '../worker/modules/identity/demo';
import { isMain, runMain } from './local/cli';
import { withPool } from './local/db';
import { databaseFromEnv, withLocalDatabase } from './local/local-db';
import { type BenchCounts, type BenchStep, seedBench } from './seed/bench';
import { insertRows, type Queryable } from './seed/bulk';
import { buildDemoDataset, DEMO_PREFIX, type SeedStage, type SeedUser } from './seed/demo';

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
  /** whether this call wrote the CRM demo dataset (false when it was already there) */
  crmSeeded: boolean;
  /** rows written per table by this call */
  rows: Record<string, number>;
  /** milliseconds spent writing the CRM dataset */
  crmMs: number;
  messages: string[];
}

export interface SeedOptions {
  databaseUrl: string;
  wsProxy?: string;
  log?: (line: string) => void;
  /** Default: process.env.ENVIRONMENT, else development. */
  environment?: string;
  /** Reference day of the dataset's dates (tests); default today (UTC). */
  today?: Date;
}

/** Serialises concurrent seeds of one database (two `npm start` racing, tests). */
const SEED_LOCK_KEY = 7_351_902_417;

function assertNotProduction(environment: string): void {
  if (environment === 'production') throw new Error('Refusing to seed demo data in production');
}

async function tablesPresent(db: Queryable, names: string[]): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from information_schema.tables
      where table_schema = 'public' and table_name = any($1::text[])`,
    [names],
  );
  return rows[0]?.n === names.length;
}

/**
 * Writes the demo CRM dataset in one transaction, unless it is already there.
 * One transaction for all table families: the marker (demo organisations) and
 * the rest appear together or not at all, so an interrupted seed is retried
 * whole by the next start. The rows are few (~6 000), so this stays short.
 *
 * No outbox events: seeding is not a domain change, and nothing downstream
 * (webhooks, notifications, search indexing) should react to demo rows. The
 * timeline gets its 'created' rows (and the stage changes) so record pages
 * show a history.
 */
async function seedCrm(
  client: PoolClient,
  opts: { today?: Date; say: (line: string) => void },
): Promise<{ written: boolean; rows: Record<string, number> }> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const marker = await client.query<{ present: boolean }>(
      `select exists (select 1 from organisations where external_id like $1) as present`,
      [`${DEMO_PREFIX}%`],
    );
    if (marker.rows[0]?.present) {
      await client.query('rollback');
      return { written: false, rows: {} };
    }
    const { rows: users } = await client.query<{
      id: string;
      email: string;
      team_id: string | null;
      role_id: string;
    }>(
      'select id, lower(email) as email, team_id, role_id from users where lower(email) = any($1::text[]) and active',
      [DEMO_USERS.map((u) => u.email)],
    );
    const { rows: stages } = await client.query<{
      id: string;
      position: number;
      is_won: boolean;
      is_lost: boolean;
    }>(
      'select id, position, is_won, is_lost from pipeline_stages where deleted_at is null order by position',
    );
    // Row locks on the counters: a mandate created meanwhile waits for our numbers.
    const { rows: counters } = await client.query<{ year: number; last: number }>(
      'select year, last from mandate_number_counters order by year for update',
    );
    const dataset = buildDemoDataset({
      users: users.map((u): SeedUser => ({ id: u.id, email: u.email, teamId: u.team_id, roleId: u.role_id })),
      stages: stages.map(
        (s): SeedStage => ({ id: s.id, position: s.position, isWon: s.is_won, isLost: s.is_lost }),
      ),
      today: opts.today,
      counters: new Map(counters.map((c) => [c.year, c.last])),
    });
    const rows: Record<string, number> = {};
    for (const table of dataset.tables) rows[table.table] = await insertRows(client, table, 1000);
    for (const { year, last } of dataset.counters) {
      await client.query(
        `insert into mandate_number_counters (year, last) values ($1, $2)
         on conflict (year) do update set last = greatest(mandate_number_counters.last, excluded.last)`,
        [year, last],
      );
    }
    await client.query('commit');
    return { written: true, rows };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

export async function seed(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const environment = opts.environment ?? process.env.ENVIRONMENT ?? 'development';
  assertNotProduction(environment);
  const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  return withPool({ databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 2 }, async (pool) => {
    const result: SeedResult = {
      usersCreated: 0,
      logins: [],
      crmSeeded: false,
      rows: {},
      crmMs: 0,
      messages: [],
    };
    const say = (line: string) => {
      result.messages.push(line);
      log(line);
    };

    if (!(await tablesPresent(pool, ['users', 'teams']))) {
      say('demo seed: no identity tables yet (run the migrations): nothing seeded');
      return result;
    }
    const db = drizzle({ client: pool, schema });
    // password: DEMO_PASSWORD, default alforis-demo (only used when a user is created)
    const { created } = await seedDemoIdentities(db, { environment, password });
    result.usersCreated = created;
    result.logins = DEMO_USERS.map((u) => ({ email: u.email, role: u.roleId, password }));
    say(`demo seed: ${created} demo user(s) created, ${DEMO_USERS.length - created} already there`);

    if (!(await tablesPresent(pool, ['organisations', 'people', 'mandates', 'tasks', 'interactions']))) {
      say('demo seed: CRM tables missing (run the migrations): no CRM dataset');
      return result;
    }
    const t0 = performance.now();
    const client = await pool.connect();
    try {
      const crm = await seedCrm(client, { today: opts.today, say });
      result.crmSeeded = crm.written;
      result.rows = crm.rows;
    } finally {
      client.release();
    }
    result.crmMs = performance.now() - t0;
    if (result.crmSeeded) {
      const r = result.rows;
      say(
        `demo seed: CRM dataset written in ${Math.round(result.crmMs)} ms: ${r.organisations} organisations, ` +
          `${r.people} people, ${r.affiliations} affiliations, ${r.mandates} mandates, ${r.interactions} interactions, ` +
          `${r.tasks} tasks (+ ${r.timeline_events} timeline events, ${r.stage_history} stage changes)`,
      );
    } else {
      say(
        `demo seed: CRM dataset already present (organisations with external id ${DEMO_PREFIX}*): left as is`,
      );
    }
    return result;
  });
}

/**
 * Appends synthetic rows for benchmarks (scripts/seed/bench.ts), after making
 * sure the demo users exist (they own the rows). Refused in production.
 */
export async function seedBenchData(
  opts: SeedOptions & { counts: BenchCounts },
): Promise<{ steps: BenchStep[]; seed: SeedResult }> {
  const seeded = await seed(opts);
  const log = opts.log ?? ((line: string) => console.log(line));
  const steps = await withPool(
    { databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 1 },
    async (pool: Pool) => {
      const client = await pool.connect();
      try {
        return await seedBench(client, opts.counts, log);
      } finally {
        client.release();
      }
    },
  );
  return { steps, seed: seeded };
}

const BENCH_FLAGS = ['organisations', 'people', 'mandates', 'interactions', 'tasks'] as const;

/** `--people 300000`, `--people=300000`, `--people 300k`. */
export function parseBenchArgs(argv: string[]): BenchCounts {
  const counts: BenchCounts = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = m?.[1] as (typeof BENCH_FLAGS)[number] | undefined;
    if (!m || !name || !BENCH_FLAGS.includes(name)) {
      throw new Error(`unknown argument ${arg} (known: ${BENCH_FLAGS.map((f) => `--${f} N`).join(', ')})`);
    }
    const raw = m[2] ?? argv[++i];
    const value = raw ? Number(raw.replace(/_/g, '').replace(/k$/i, '000')) : Number.NaN;
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number, got ${raw}`);
    counts[name] = value;
  }
  return counts;
}

async function main() {
  const counts = parseBenchArgs(process.argv.slice(2));
  const bench = Object.values(counts).some((n) => (n ?? 0) > 0);
  const run = async (target: { databaseUrl: string; wsProxy?: string }) => {
    if (bench) {
      const t0 = performance.now();
      const { steps } = await seedBenchData({ ...target, counts });
      const rows = steps.reduce((sum, s) => sum + s.rows, 0);
      const secs = (performance.now() - t0) / 1000;
      console.log(
        `bench seed: ${rows.toLocaleString('en')} rows in ${secs.toFixed(1)} s ` +
          `(${Math.round(rows / secs).toLocaleString('en')} rows/s overall)`,
      );
    } else {
      const result = await seed(target);
      for (const l of result.logins) console.log(`  ${l.role.padEnd(8)} ${l.email}  /  ${l.password}`);
    }
  };
  const target = databaseFromEnv();
  if (target) await run(target);
  else await withLocalDatabase(run);
}

if (isMain(import.meta.url)) runMain(main);
