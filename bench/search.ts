// `npm run bench -- search`: global search at volume (issue 5), written to its own section of
// docs/perf/results.md.
//
// Seeds (scripts/seed/bench.ts) up to 100k organisations, 300k people, 50k mandates and 500k
// interactions, then runs ≥ 40 rotating queries (firm and brand names, cities, first and last
// names, prefixes, multi-word, French free text), 10 misspellings and 25 autocomplete prefixes:
//   - DB time: the statements the real service sends (captured through drizzle's logger), run
//     under EXPLAIN (ANALYZE, TIMING OFF) — Postgres execution time, summed per search;
//   - service from Node: the service functions on a pooled connection (DB time + the local round
//     trips through the Neon WebSocket proxy, no HTTP);
//   - end to end: GET /api/v1/search… through `wrangler dev` with a bearer token, one at a time;
//   - the index check: every branch of every statement reads its GIN index (no Seq Scan).
//
// Flags: --reuse (the stack `npm start` is running from .data/, topped up to the counts instead
//        of a fresh one), --organisations=N --people=N --mandates=N --interactions=N,
//        --rounds=3, --no-e2e, --no-seed, --quick (Admin cases only)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { createPool } from '../scripts/local/db';
import { PROJECT_ROOT, readRunFile, stackPaths } from '../scripts/local/runfile';
import { seedBenchData } from '../scripts/seed';
import * as schema from '../worker/db/schema';
import type { Actor } from '../worker/modules/identity/actor';
import { DEFAULT_DEMO_PASSWORD } from '../worker/modules/identity/demo';
import {
  autocompleteQuery,
  searchOrganisationsQuery,
  searchQuery,
} from '../worker/modules/search/search.schemas';
import { actorFor } from './crm';

/** What bench/run.ts hands over: its way to start a fresh stack. */
export interface SearchBenchContext {
  startStack(): Promise<{
    url: string;
    databaseUrl: string;
    wsProxy: string;
    stop(): Promise<void>;
  }>;
}

// The service pulls in worker-only types (Env) that the Node tsconfig does not load: imported at
// run time (tsx), typed here by the functions used.
const SERVICE = '../worker/modules/search/search.service';
type ServiceCall = (deps: { actor: Actor; db: unknown }, query: unknown) => Promise<unknown>;
interface SearchService {
  search: ServiceCall;
  autocomplete: ServiceCall;
  searchOrganisations: ServiceCall;
}

const argv = process.argv.slice(2);
const numberFlag = (name: string, fallback: number) => {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw ? Number(raw.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
};
const settings = {
  reuse: argv.includes('--reuse'),
  e2e: !argv.includes('--no-e2e'),
  seed: !argv.includes('--no-seed'),
  /** only the Admin cases (search, typos, autocomplete): for a quick run at a larger scale */
  quick: argv.includes('--quick'),
  rounds: numberFlag('rounds', 3),
  targets: {
    organisations: numberFlag('organisations', 100_000),
    people: numberFlag('people', 300_000),
    mandates: numberFlag('mandates', 50_000),
    interactions: numberFlag('interactions', 500_000),
  },
};

/** Goals of the issue, ms at p95. */
const GOALS = { searchDb: 15, searchE2e: 25, autocomplete: 10 };

// biome-ignore format: query lists read better packed
const SEARCHES = [
  // firm and brand names, as typed (lower case, no accents)
  'montclair', 'vautrin', 'delorme', 'castaing', 'valette', 'peyrac', 'breval', 'saint-aubin', 'kessler',
  'hoffmann', 'aurore', 'sequoia', 'vega', 'zenith', 'cap ferret', 'mont blanc', 'equinoxe',
  // cities
  'paris', 'lyon', 'bordeaux', 'geneve', 'nantes', 'luxembourg',
  // people: last names, first + last, particles
  'martin', 'dubois', 'lefevre', 'nguyen', 'claire martin', 'da silva', 'le gall', 'julien moreau',
  // partial words (prefix of the last word)
  'montcl', 'vautr', 'sequ', 'horiz', 'famil',
  // multi-word, French free text from notes and interaction bodies
  'family office lyon', 'banque privee paris', 'caisse de retraite', 'montclair patrimoine',
  'allocation obligataire', 'due diligence', 'label isr', 'reporting trimestriel', 'investissements',
  '"gestion privee" -paris',
];
// biome-ignore format: query lists read better packed
const TYPOS = [
  'montclar', 'vautrain', 'delorne', 'castaign', 'sequoya', 'lefebre', 'kesler', 'hofman', 'valete', 'peyrak',
];
// biome-ignore format: query lists read better packed
const PREFIXES = [
  'mo', 'va', 'de', 'ca', 'pe', 'au', 'se', 've', 'ze', 'pa', 'ly', 'ma', 'du', 'le', 'ng',
  'mon', 'vau', 'del', 'cas', 'aur', 'montc', 'vautr', 'delor', 'kessl', 'hoffm',
];

const log = (line: string) => console.log(line);

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '—');

interface Statement {
  sql: string;
  params: unknown[];
}

interface Case {
  name: string;
  role: 'admin' | 'manager' | 'user';
  kind: 'search' | 'autocomplete' | 'typo';
  queries: readonly string[];
  /** the service call and its zod-parsed input */
  call(service: SearchService, q: string): [ServiceCall, unknown];
  /** the API path of the same request */
  url(q: string): string;
}

const CASES: Case[] = [
  {
    name: 'search, all types',
    role: 'admin',
    kind: 'search',
    queries: SEARCHES,
    call: (s, q) => [s.search, searchQuery.parse({ q })],
    url: (q) => `/api/v1/search?${new URLSearchParams({ q })}`,
  },
  {
    name: 'search, all types',
    role: 'user',
    kind: 'search',
    queries: SEARCHES,
    call: (s, q) => [s.search, searchQuery.parse({ q })],
    url: (q) => `/api/v1/search?${new URLSearchParams({ q })}`,
  },
  {
    name: 'search organisations, status filter, 20 per page',
    role: 'manager',
    kind: 'search',
    queries: SEARCHES,
    call: (s, q) => [s.searchOrganisations, searchOrganisationsQuery.parse({ q, status: 'active,prospect' })],
    url: (q) => `/api/v1/search/organisations?${new URLSearchParams({ q, status: 'active,prospect' })}`,
  },
  {
    name: 'typos, all types',
    role: 'admin',
    kind: 'typo',
    queries: TYPOS,
    call: (s, q) => [s.search, searchQuery.parse({ q })],
    url: (q) => `/api/v1/search?${new URLSearchParams({ q })}`,
  },
  {
    name: 'autocomplete',
    role: 'admin',
    kind: 'autocomplete',
    queries: PREFIXES,
    call: (s, q) => [s.autocomplete, autocompleteQuery.parse({ q })],
    url: (q) => `/api/v1/search/autocomplete?${new URLSearchParams({ q })}`,
  },
  {
    name: 'autocomplete',
    role: 'user',
    kind: 'autocomplete',
    queries: PREFIXES,
    call: (s, q) => [s.autocomplete, autocompleteQuery.parse({ q })],
    url: (q) => `/api/v1/search/autocomplete?${new URLSearchParams({ q })}`,
  },
];

const EMAILS = { admin: 'admin@alforis.test', manager: 'manager@alforis.test', user: 'user@alforis.test' };
const BIG_TABLES = ['organisations', 'people', 'mandates', 'interactions'];

/** Runs one service call and returns the statements it sent. */
async function capture(pool: Pool, actor: Actor, service: SearchService, c: Case, q: string) {
  const statements: Statement[] = [];
  const db = drizzle({
    client: pool,
    schema,
    logger: { logQuery: (sql, params) => void statements.push({ sql, params }) },
  });
  const [fn, input] = c.call(service, q);
  await fn({ actor, db }, input);
  return statements;
}

interface PlanCheck {
  executionMs: number;
  indexes: string[];
  /** sequential scans of a big table that read more than SEQ_SCAN_BOUND rows */
  seqScans: string[];
  /** sequential scans that a LIMIT stopped early */
  boundedScans: string[];
}

const SEQ_SCAN_BOUND = 5_000;

async function explainStatement(
  pool: Pool,
  statement: Statement,
  analyzeTiming: boolean,
): Promise<PlanCheck> {
  const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
    `explain (analyze, costs off${analyzeTiming ? '' : ', timing off'}) ${statement.sql}`,
    statement.params,
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const indexes = [
    ...plan.matchAll(/(?:Bitmap Index Scan|Index Scan|Index Only Scan)(?: Backward)? on (\S+)/g),
  ]
    .map((m) => m[1] ?? '')
    .filter((name, index, all) => all.indexOf(name) === index)
    .sort();
  // A sequential scan under a LIMIT that stopped early (autocomplete's dense prefixes, ADR 021) is
  // bounded; one that read more than SEQ_SCAN_BOUND rows is what the check is for.
  const lines = plan.split('\n');
  const seqScans: string[] = [];
  const boundedScans: string[] = [];
  lines.forEach((line, index) => {
    const table = /Seq Scan on (\S+)/.exec(line)?.[1];
    if (!table || !BIG_TABLES.includes(table)) return;
    const node = lines.slice(index + 1, index + 6).join('\n');
    const removed = Number(/Rows Removed by Filter: (\d+)/.exec(node)?.[1] ?? 0);
    const returned = Number(/actual (?:time=\S+ )?rows=(\d+)/.exec(line)?.[1] ?? 0);
    if (removed + returned > SEQ_SCAN_BOUND) seqScans.push(`${table} (${removed + returned} rows read)`);
    else boundedScans.push(table);
  });
  return {
    executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
    indexes,
    seqScans,
    boundedScans,
  };
}

interface Stats {
  p50: number;
  p95: number;
  max: number;
  n: number;
}
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    n: sorted.length,
  };
}

interface CaseResult {
  c: Case;
  db: Stats;
  node: Stats;
  e2e: Stats | null;
  statementsPerCall: number;
  /** per query: the GIN indexes read, and seq scans on the big tables */
  checks: { q: string; indexes: string[]; seqScans: string[]; boundedScans: string[] }[];
  slowest: { q: string; ms: number }[];
}

async function login(url: string, email: string, n: number): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'CF-Connecting-IP': `10.77.${n}.${Date.now() % 250}` },
    body: JSON.stringify({ email, password: DEFAULT_DEMO_PASSWORD }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`bench: login as ${email} failed (${res.status})`);
  return body.token;
}

async function tableCounts(pool: Pool) {
  const { rows } = await pool.query<Record<string, number>>(
    `select (select count(*) from organisations)::int as organisations, (select count(*) from people)::int as people,
            (select count(*) from mandates)::int as mandates, (select count(*) from interactions)::int as interactions`,
  );
  return rows[0] as { organisations: number; people: number; mandates: number; interactions: number };
}

async function postgresSettings(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ name: string; setting: string; unit: string | null }>(
    `select name, setting, unit from pg_settings where name in ('shared_buffers', 'work_mem', 'server_version', 'jit')`,
  );
  return rows.map((r) => `${r.name}=${r.setting}${r.unit ?? ''}`).join(', ');
}

export async function runSearchBench(ctx: SearchBenchContext): Promise<void> {
  const date = new Date().toISOString();
  const loadBefore = os.loadavg();
  let stop = async () => {};
  let url: string;
  let databaseUrl: string;
  let wsProxy: string;
  if (settings.reuse) {
    const info = await readRunFile(stackPaths());
    if (!info?.postgres || !info.proxy || !info.url)
      throw new Error('bench: --reuse needs `npm start` running');
    const password = (await fs.readFile(path.join(stackPaths().postgresDir, 'password'), 'utf8')).trim();
    databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${info.postgres.port}/${info.postgres.database}`;
    wsProxy = info.proxy.wsProxy;
    url = info.url;
  } else {
    log('bench search: starting a fresh stack...');
    const stack = await ctx.startStack();
    ({ url, databaseUrl, wsProxy } = stack);
    stop = stack.stop;
  }
  const pool = createPool({ databaseUrl, wsProxy, max: 2, onError: () => {} });
  try {
    let seedSteps = '';
    if (settings.seed) {
      const have = await tableCounts(pool);
      const missing = Object.fromEntries(
        Object.entries(settings.targets).map(([table, target]) => [
          table,
          Math.max(0, target - have[table as keyof typeof have]),
        ]),
      );
      if (Object.values(missing).some((n) => n > 0)) {
        log(`bench search: seeding ${JSON.stringify(missing)} (slow: the search triggers run per row)...`);
        const { steps } = await seedBenchData({ databaseUrl, wsProxy, counts: missing, log });
        seedSteps = steps
          .map((s) => `${s.table} +${s.rows.toLocaleString('en')} in ${(s.ms / 1000).toFixed(0)} s`)
          .join(', ');
      }
    }
    await pool.query('vacuum analyze organisations, people, mandates, interactions');
    const counts = await tableCounts(pool);
    const pgSettings = await postgresSettings(pool);
    log(`bench search: dataset ${JSON.stringify(counts)}`);

    const service = (await import(SERVICE)) as SearchService;
    const actors = {
      admin: await actorFor(pool, EMAILS.admin),
      manager: await actorFor(pool, EMAILS.manager),
      user: await actorFor(pool, EMAILS.user),
    };
    const tokens: Partial<Record<keyof typeof EMAILS, string>> = {};
    if (settings.e2e) {
      let n = 0;
      for (const role of Object.keys(EMAILS) as (keyof typeof EMAILS)[]) {
        tokens[role] = await login(url, EMAILS[role], n++);
      }
    }

    const results: CaseResult[] = [];
    for (const c of settings.quick ? CASES.filter((x) => x.role === 'admin') : CASES) {
      log(
        `bench search: ${c.name} as ${c.role} (${c.queries.length} queries × ${settings.rounds} rounds)...`,
      );
      const actor = actors[c.role];
      const db: number[] = [];
      const node: number[] = [];
      const e2e: number[] = [];
      const checks: CaseResult['checks'] = [];
      const perQuery = new Map<string, number[]>();
      let statementsPerCall = 0;
      // Warm-up: one pass of every query through the service (and the worker).
      const captured = new Map<string, Statement[]>();
      for (const q of c.queries) {
        captured.set(q, await capture(pool, actor, service, c, q));
        if (settings.e2e) {
          const res = await fetch(`${url}${c.url(q)}`, {
            headers: { authorization: `Bearer ${tokens[c.role]}` },
          });
          if (res.status !== 200) throw new Error(`bench: ${c.url(q)} answered ${res.status}`);
          await res.arrayBuffer();
        }
      }
      for (const q of c.queries) {
        const statements = captured.get(q) ?? [];
        statementsPerCall = Math.max(statementsPerCall, statements.length);
        const indexes = new Set<string>();
        const seqScans: string[] = [];
        const boundedScans: string[] = [];
        for (const statement of statements) {
          const plan = await explainStatement(pool, statement, true);
          for (const index of plan.indexes) indexes.add(index);
          seqScans.push(...plan.seqScans);
          boundedScans.push(...plan.boundedScans);
        }
        checks.push({ q, indexes: [...indexes].sort(), seqScans, boundedScans });
      }
      for (let round = 0; round < settings.rounds; round++) {
        const order = round % 2 === 0 ? c.queries : [...c.queries].reverse();
        for (const q of order) {
          let total = 0;
          for (const statement of captured.get(q) ?? []) {
            total += (await explainStatement(pool, statement, false)).executionMs;
          }
          db.push(total);
          perQuery.set(q, [...(perQuery.get(q) ?? []), total]);
          const [fn, input] = c.call(service, q);
          const dbClient = drizzle({ client: pool, schema });
          const t = performance.now();
          await fn({ actor, db: dbClient }, input);
          node.push(performance.now() - t);
          if (settings.e2e) {
            const t2 = performance.now();
            const res = await fetch(`${url}${c.url(q)}`, {
              headers: { authorization: `Bearer ${tokens[c.role]}` },
            });
            await res.arrayBuffer();
            if (res.status === 200) e2e.push(performance.now() - t2);
          }
        }
      }
      const slowest = [...perQuery.entries()]
        .map(([q, values]) => ({ q, ms: stats(values).p50 }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3);
      results.push({
        c,
        db: stats(db),
        node: stats(node),
        e2e: settings.e2e ? stats(e2e) : null,
        statementsPerCall,
        checks,
        slowest,
      });
    }

    const markdown = render({
      date,
      load: { before: loadBefore, after: os.loadavg() },
      counts,
      pgSettings,
      seedSteps,
      results,
    });
    await writeSection(counts.organisations, markdown);
    log(`\n${markdown}`);
  } finally {
    await pool.end();
    await stop();
  }
}

function render(r: {
  date: string;
  load: { before: number[]; after: number[] };
  counts: Awaited<ReturnType<typeof tableCounts>>;
  pgSettings: string;
  seedSteps: string;
  results: CaseResult[];
}): string {
  const n = (v: number) => v.toLocaleString('en').replace(/,/g, ' ');
  const la = (v: number[]) => v.map((x) => x.toFixed(1)).join(' / ');
  const out: string[] = [];
  out.push(
    `### ${n(r.counts.organisations)} organisations, ${n(r.counts.people)} people, ${n(r.counts.mandates)} mandates, ${n(r.counts.interactions)} interactions`,
    '',
    `Generated by \`npm run bench -- search${settings.reuse ? ' --reuse' : ''}\` (bench/search.ts) on ${r.date}; ` +
      `${os.cpus().length} cores, load average (1/5/15 min) before ${la(r.load.before)}, after ${la(r.load.after)}; ` +
      `Postgres ${r.pgSettings}.${r.seedSteps ? ` Seeded this run: ${r.seedSteps}.` : ''}`,
    '',
    `${SEARCHES.length} searches, ${TYPOS.length} misspellings, ${PREFIXES.length} autocomplete prefixes, ` +
      `${settings.rounds} rounds in alternating order after a warm-up pass, one request at a time. ` +
      '**DB** = Postgres execution time of the statements the service sends (EXPLAIN ANALYZE, timing off), summed per call; ' +
      '**service** = the service function from Node on a pooled connection (DB + local proxy round trips, no HTTP); ' +
      '**e2e** = the HTTP request through `wrangler dev` with a bearer token (+ session look-up, new DB connection per request).',
    '',
    '| case | role | statements | DB p50 / p95 | service p50 / p95 | e2e p50 / p95 | goal (p95) | slowest queries (DB p50) |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
  );
  for (const x of r.results) {
    const goal =
      x.c.kind === 'autocomplete'
        ? `≤ ${GOALS.autocomplete} ms: DB ${x.db.p95 <= GOALS.autocomplete ? 'met' : '**not met**'}${
            x.e2e ? `, e2e ${x.e2e.p95 <= GOALS.autocomplete ? 'met' : '**not met**'}` : ''
          }`
        : `≤ ${GOALS.searchDb} DB / ${GOALS.searchE2e} e2e: ${x.db.p95 <= GOALS.searchDb ? 'met' : '**not met**'} / ${
            x.e2e ? (x.e2e.p95 <= GOALS.searchE2e ? 'met' : '**not met**') : '—'
          }`;
    out.push(
      `| ${x.c.name} (${x.c.kind}) | ${x.c.role} | ${x.statementsPerCall} | ${ms(x.db.p50)} / ${ms(x.db.p95)} ms | ` +
        `${ms(x.node.p50)} / ${ms(x.node.p95)} ms | ${x.e2e ? `${ms(x.e2e.p50)} / ${ms(x.e2e.p95)} ms` : '—'} | ${goal} | ` +
        `${x.slowest.map((s) => `${s.q} ${ms(s.ms)}`).join(', ')} |`,
    );
  }
  out.push('', '#### Index check (EXPLAIN ANALYZE of every statement of every query)', '');
  for (const x of r.results) {
    const seq = x.checks.filter((check) => check.seqScans.length > 0);
    const noGin = x.checks.filter((check) => !check.indexes.some((index) => /search/.test(index)));
    const used = [...new Set(x.checks.flatMap((check) => check.indexes))].sort();
    const bounded = x.checks.filter((check) => check.boundedScans.length > 0);
    const boundedNote =
      bounded.length > 0
        ? ` ${bounded.length} queries also use a LIMIT-bounded Seq Scan (≤ ${SEQ_SCAN_BOUND} rows read: ${bounded
            .map((check) => `"${check.q}" on ${[...new Set(check.boundedScans)].join('/')}`)
            .join(', ')});`
        : '';
    out.push(
      `- ${x.c.name} (${x.c.role}): ${
        seq.length === 0 && noGin.length === 0
          ? `**pass** — ${x.checks.length} queries, each reads a search index, none scans a whole table (> ${SEQ_SCAN_BOUND} rows) of ${BIG_TABLES.join('/')};${boundedNote}`
          : `**FAIL** — ${[
              ...seq.map((s) => `"${s.q}": Seq Scan on ${s.seqScans.join(', ')}`),
              ...noGin.map((s) => `"${s.q}": no search index`),
            ].join('; ')}`
      }; indexes read: ${used.map((i) => `\`${i}\``).join(', ')}`,
    );
  }
  out.push('');
  return out.join('\n');
}

/** Replaces this scale's block in the search section of docs/perf/results.md (appended if absent). */
async function writeSection(organisations: number, block: string): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'docs', 'perf', 'results.md');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const heading = '## Global search (`npm run bench -- search`)';
  // One block per scale: the 100k dataset of the issue, the larger run (1M organisations), and a
  // small dataset (demo data only), which must not replace either.
  const scale = organisations < 50_000 ? 'small' : organisations < 200_000 ? '100k' : 'large';
  const start = `<!-- search:${scale}:start -->`;
  const end = `<!-- search:${scale}:end -->`;
  const wrapped = `${start}\n${block}\n${end}`;
  let next: string;
  if (current.includes(start) && current.includes(end)) {
    next =
      current.slice(0, current.indexOf(start)) + wrapped + current.slice(current.indexOf(end) + end.length);
  } else if (current.includes(heading)) {
    const sectionEnd = current.indexOf('<!-- search:end -->');
    next = `${current.slice(0, sectionEnd)}${wrapped}\n\n${current.slice(sectionEnd)}`;
  } else {
    next = `${current.trimEnd()}\n\n${heading}\n\n${wrapped}\n\n<!-- search:end -->\n`;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, next);
  log(`bench search: wrote ${path.relative(process.cwd(), file)}`);
}
