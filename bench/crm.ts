// Helpers for the CRM cases of the bench: the exact SQL the organisations list
// issues (captured from the real service through drizzle's logger, not a
// hand-written copy), EXPLAIN ANALYZE of it, and bench login users.
import type { Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from '../worker/db/schema';
import type { Actor } from '../worker/modules/identity/actor';
import { hashPassword } from '../worker/modules/identity/password';
import { isRoleId, ROLES } from '../worker/modules/identity/permissions';
import { listOrganisationsQuery } from '../worker/modules/organisations/organisations.schemas';

// The service pulls in worker-only types (Env) that the Node tsconfig does not load:
// imported at run time (tsx), typed here by the one function used.
const SERVICE = '../worker/modules/organisations/organisations.service';
type ListOrganisations = (
  deps: { actor: Actor; db: unknown },
  query: unknown,
) => Promise<{ data: unknown[] }>;

export interface CapturedQuery {
  sql: string;
  params: unknown[];
  rows: number;
}

/** The actor the API would build for this user (role, team, permissions from the database). */
export async function actorFor(pool: Pool, email: string): Promise<Actor> {
  const { rows } = await pool.query<{
    id: string;
    email: string;
    name: string;
    role_id: string;
    team_id: string | null;
    permissions: string[];
  }>(
    `select u.id, u.email, u.name, u.role_id, u.team_id,
            array(select rp.resource || ':' || rp.action from role_permissions rp where rp.role_id = u.role_id)
              as permissions
       from users u where lower(u.email) = lower($1)`,
    [email],
  );
  const row = rows[0];
  if (!row || !isRoleId(row.role_id)) throw new Error(`bench: no user ${email}`);
  return {
    userId: row.id,
    email: row.email,
    name: row.name,
    roleId: row.role_id,
    level: ROLES[row.role_id].level,
    teamId: row.team_id,
    locale: 'fr',
    theme: 'system',
    permissions: new Set(row.permissions) as Actor['permissions'],
    via: 'session',
  };
}

/**
 * Runs `GET /api/v1/organisations?<search>` through the real service from Node
 * and returns the SQL statement it sent (the last one: the list query).
 */
export async function captureListQuery(pool: Pool, actor: Actor, search: string): Promise<CapturedQuery> {
  const statements: { sql: string; params: unknown[] }[] = [];
  const db = drizzle({
    client: pool,
    schema,
    logger: { logQuery: (sql, params) => void statements.push({ sql, params }) },
  });
  const query = listOrganisationsQuery.parse(Object.fromEntries(new URLSearchParams(search)));
  const { listOrganisations } = (await import(SERVICE)) as { listOrganisations: ListOrganisations };
  const page = await listOrganisations({ actor, db }, query);
  const last = statements.at(-1);
  if (!last) throw new Error('bench: the list issued no SQL');
  return { ...last, rows: page.data.length };
}

export interface Explained {
  plan: string;
  /** Indexes the plan reads, in plan order. */
  indexes: string[];
  seqScan: boolean;
  sort: boolean;
  executionMs: number;
}

export async function explain(pool: Pool, query: CapturedQuery): Promise<Explained> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, buffers, costs off) ${query.sql}`,
    query.params,
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const indexes = [
    ...plan.matchAll(/(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? on (\S+)|using (\S+)/g),
  ]
    .map((m) => m[1] ?? m[2] ?? '')
    .filter((name, index, all) => name && all.indexOf(name) === index);
  return {
    plan,
    indexes,
    seqScan: /Seq Scan/.test(plan),
    sort: /\n\s*(->\s*)?(Incremental )?Sort\b/.test(`\n${plan}`),
    executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
  };
}

/** `count` active users with the same password, for login measurements (one login per account). */
export async function createLoginUsers(
  pool: Pool,
  opts: { count: number; runId: string; password: string },
): Promise<string[]> {
  const hash = await hashPassword(opts.password);
  const { rows } = await pool.query<{ email: string }>(
    `insert into users (email, name, role_id, team_id, password_hash)
     select 'bench-login-' || $1 || '-' || g.i || '@alforis.test', 'Bench ' || g.i, 'user',
            (select team_id from users where lower(email) = 'user@alforis.test'), $2
       from generate_series(1, $3::int) as g(i)
     returning email`,
    [opts.runId, hash, opts.count],
  );
  return rows.map((r) => r.email);
}

/** Node's own PBKDF2-SHA256 (100 000 iterations) through WebCrypto, as a reference for the login cost. */
export async function timeHashPassword(samples: number): Promise<number[]> {
  await hashPassword('warm-up');
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await hashPassword(`bench-${i}`);
    times.push(performance.now() - t);
  }
  return times;
}
