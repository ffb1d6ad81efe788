// Applies the SQL migrations in migrations/ (drizzle-kit output + hand-written SQL)
// with drizzle's neon-serverless migrator: one code path for the local stack
// (through the WebSocket proxy) and for Neon (direct).
//
// CLI: `npm run db:migrate` migrates DATABASE_URL (+ NEON_WS_PROXY when it is a local
// Postgres behind the proxy). Without DATABASE_URL it migrates the local database:
// the running `npm start` stack's, or it starts the embedded Postgres from the data
// folder (ALFORIS_DATA_DIR, default .data/) just for this command.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { migrate as drizzleMigrate } from 'drizzle-orm/neon-serverless/migrator';
import { installReferenceData } from '../worker/db/reference-data';
import * as schema from '../worker/db/schema';
import { isMain, runMain } from './local/cli';
import { redactUrl, withPool } from './local/db';
import { databaseFromEnv, withLocalDatabase } from './local/local-db';
import { PROJECT_ROOT } from './local/runfile';

export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, 'migrations');

export interface MigrateResult {
  /** migrations in the journal */
  total: number;
  /** applied by this call */
  applied: number;
}

function journalEntries(folder: string): number {
  const journal = path.join(folder, 'meta', '_journal.json');
  if (!existsSync(journal)) {
    throw new Error(
      `No migrations to apply: ${journal} does not exist. ` +
        'Generate migrations with `npm run db:generate` (drizzle-kit) first.',
    );
  }
  const parsed = JSON.parse(readFileSync(journal, 'utf8')) as { entries?: unknown[] };
  return parsed.entries?.length ?? 0;
}

export async function migrate(opts: {
  databaseUrl: string;
  wsProxy?: string;
  migrationsFolder?: string;
}): Promise<void> {
  await migrateWithResult(opts);
}

export async function migrateWithResult(opts: {
  databaseUrl: string;
  wsProxy?: string;
  migrationsFolder?: string;
}): Promise<MigrateResult> {
  const folder = opts.migrationsFolder ?? MIGRATIONS_FOLDER;
  const total = journalEntries(folder);
  return withPool({ databaseUrl: opts.databaseUrl, wsProxy: opts.wsProxy, max: 1 }, async (pool) => {
    const count = async () => {
      const exists = await pool.query<{ t: string | null }>(
        `select to_regclass('drizzle.__drizzle_migrations')::text as t`,
      );
      if (!exists.rows[0]?.t) return 0;
      const { rows } = await pool.query<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      return rows[0]?.n ?? 0;
    };
    const before = await count();
    const db = drizzle({ client: pool, schema });
    await drizzleMigrate(db, { migrationsFolder: folder });
    // Reference data the app cannot run without: roles, permissions, default grants, the pipeline.
    await installReferenceData(db);
    const after = await count();
    return { total, applied: Math.max(0, after - before) };
  });
}

async function main() {
  const fromEnv = databaseFromEnv();
  const run = async (target: { databaseUrl: string; wsProxy?: string }) => {
    const t0 = performance.now();
    const { total, applied } = await migrateWithResult(target);
    console.log(
      `migrations: ${applied} applied, ${total} in total (${redactUrl(target.databaseUrl)}, ${Math.round(performance.now() - t0)} ms)`,
    );
  };
  if (fromEnv) await run(fromEnv);
  else await withLocalDatabase(run);
}

if (isMain(import.meta.url)) runMain(main);
