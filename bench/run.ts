// `npm run bench`: local performance numbers, written to docs/perf/results.md.
//
// Starts the real local stack (scripts/start.ts, the same code as `npm start`, which
// seeds the demo dataset) on a fresh temporary data folder in a child process, so the
// load generator does not share an event loop with the proxy it measures. Then,
// loopback only, bounded:
//   - GET /healthz                      (worker only)
//   - GET /api/v1/system/info           (worker + one Postgres round trip)
//   - the same SQL from Node through the Neon driver and the proxy: on a pooled
//     WebSocket connection, on a new connection per query (what a worker transaction
//     pays), and over the HTTP SQL endpoint (`neon()`, what a worker statement does)
//   - login: POST /api/v1/auth/login, one login per bench user and a distinct
//     CF-Connecting-IP each (under the 5/15 min per account and 30/15 min per IP
//     limits), and Node's own PBKDF2 (hashPassword, 100 000 iterations) as a reference
//   - CRM at scale: `--organisations` / `--people` synthetic rows (scripts/seed/bench.ts)
//     added to the stack's database, then GET /api/v1/organisations?limit=50&status=active
//     &sort=name as the demo admin (all records) and as the Paris manager (team scope),
//     POST /api/v1/organisations, and the list's own SQL (captured from the service)
//     from Node, pooled, over HTTP and with a new connection each, plus its EXPLAIN ANALYZE
// Each case runs `rounds` times, in alternating order, each run after a warm-up.
// Then the bundle: `wrangler deploy --dry-run --outdir bench/.out` (gzip size vs the
// 1.5 MB budget) and `wrangler check startup` (startup CPU time).
//
// Flags: --duration=6 --warmup=1 --connections=10 --rounds=2 --no-build --no-load --no-bundle
//        --no-login --login-samples=40 --no-scale (keep the demo dataset only)
//        --organisations=100000 --people=300000 --latency-duration=4 --latency-connections=1
//        --data-dir=PATH (keep the stack's data folder there and reuse it: a second run skips
//        the synthetic seed when the dataset is already at scale, e.g. to compare two builds)
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Client, type ClientConfig, neon, neonConfig } from '@neondatabase/serverless';
import autocannon from 'autocannon';
import { createPool, localClientClass, withPool } from '../scripts/local/db';
import { sqlEndpointUrl } from '../scripts/local/neon-proxy';
import { freePort } from '../scripts/local/ports';
import { eachLine, groupMembers, stopGroup } from '../scripts/local/proc';
import { PROJECT_ROOT, type RunInfo } from '../scripts/local/runfile';
import { stackVersions } from '../scripts/local/stack';
import { seedBenchData } from '../scripts/seed';
import type { BenchStep } from '../scripts/seed/bench';
import {
  actorFor,
  type CapturedQuery,
  captureListQuery,
  createLoginUsers,
  type Explained,
  explain,
  timeHashPassword,
} from './crm';
import { benchNotifications, flushNotificationsSection } from './notifications';
import { measureWebhooks, renderWebhooks } from './webhooks';

const SQL = 'select count(*)::int as migrations from drizzle.__drizzle_migrations';
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
const has = (name: string) => process.argv.includes(`--${name}`);
const textFlag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) || undefined;

const settings = {
  duration: flag('duration', 6),
  warmup: flag('warmup', 1),
  connections: flag('connections', 10),
  rounds: flag('rounds', 2),
  build: !has('no-build'),
  load: !has('no-load'),
  bundle: !has('no-bundle'),
  login: !has('no-login'),
  loginSamples: flag('login-samples', 40),
  scale: !has('no-scale'),
  organisations: flag('organisations', 100_000),
  people: flag('people', 300_000),
  latencyDuration: flag('latency-duration', 4),
  latencyConnections: flag('latency-connections', 1),
  dataDir: textFlag('data-dir'),
};

/** The list request of the CRM cases (one filter, sorted). */
const LIST_SEARCH = 'limit=50&status=active&sort=name';
/** The CRM latency goal of the issue. */
const LIST_P95_GOAL_MS = 20;
const LIST_OVERHEAD_GOAL = 2;

const log = (line: string) => console.log(line);

// --- the stack, in a child process ---------------------------------------------------

interface RunningStack {
  url: string;
  databaseUrl: string;
  wsProxy: string;
  readyMs: number;
  startedLine: string;
  /** what the demo seed printed about the CRM dataset */
  seedLine: string;
  /** the demo logins printed by npm start (role, email, password), in order */
  demoLogins: { role: string; email: string; password: string }[];
  /** the demo admin, if any */
  demoLogin?: { email: string; password: string };
  stop(): Promise<void>;
}

async function startStackProcess(): Promise<RunningStack> {
  const keepData = settings.dataDir !== undefined;
  const dataDir = settings.dataDir
    ? path.resolve(settings.dataDir)
    : await fs.mkdtemp(path.join(os.tmpdir(), 'alforis-bench-'));
  await fs.mkdir(dataDir, { recursive: true });
  await fs.chmod(dataDir, 0o755); // embedded Postgres runs as `postgres` when we are root
  const port = await freePort();
  const tsx = realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'));
  const args = [tsx, 'scripts/start.ts', '--no-cron', ...(settings.build ? [] : ['--no-build'])];
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), ALFORIS_DATA_DIR: dataDir, FORCE_COLOR: '0' },
  });
  const pgid = child.pid as number;
  const output: string[] = [];
  let startedLine = '';
  let seedLine = '';
  const demoLogins: RunningStack['demoLogins'] = [];
  const ready = new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      if (output.length > 150) output.shift();
      const m = /Alforis CRM ready: (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
      if (line.includes('Started in')) startedLine = line.trim();
      if (line.startsWith('demo seed: CRM')) seedLine = line.trim();
      const login = /^\s+(admin|manager|user|viewer)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line);
      if (login?.[1] && login[2] && login[3]) {
        demoLogins.push({ role: login[1], email: login[2], password: login[3] });
      }
    };
    eachLine(child.stdout, onLine);
    eachLine(child.stderr, onLine);
    child.once('exit', (code, signal) =>
      reject(new Error(`the stack exited during start-up (${signal ?? code})`)),
    );
    setTimeout(() => reject(new Error('the stack was not ready within 180 s')), 180_000).unref();
  });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const exitedP = new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('exit', () => r());
      });
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exitedP, new Promise((r) => setTimeout(r, 45_000))]);
      if (groupMembers(pgid).length > 0) {
        log('bench: the stack did not stop within 45 s; killing its process group');
        await stopGroup(pgid, { signal: 'SIGKILL' });
      }
      if (keepData) return;
      // Postgres may still be flushing as it dies: retry, and never lose the results over a temp folder.
      await fs
        .rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 })
        .catch((err: unknown) =>
          log(`bench: could not remove ${dataDir}: ${err instanceof Error ? err.message : String(err)}`),
        );
    })();
    return stopped;
  };

  try {
    const url = await ready;
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300)); // let the "Started in" line arrive
    const info = JSON.parse(readFileSync(path.join(dataDir, 'run.json'), 'utf8')) as RunInfo;
    const password = readFileSync(path.join(dataDir, 'postgres', 'password'), 'utf8').trim();
    if (!info.postgres || !info.proxy) throw new Error('run.json lacks postgres/proxy');
    const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${info.postgres.port}/${info.postgres.database}`;
    const admin = demoLogins.find((l) => l.role === 'admin');
    return {
      url,
      databaseUrl,
      wsProxy: info.proxy.wsProxy,
      readyMs,
      startedLine,
      seedLine,
      demoLogins,
      demoLogin: admin && { email: admin.email, password: admin.password },
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- stack output ---\n${output.join('\n')}`,
    );
  }
}

/** A client address for the login rate limit (30 per 15 min per IP): a new one for every login of a run. */
const ipBase = Math.floor(Math.random() * 60_000);
let ipCount = 0;
function benchIp(): string {
  const n = ipBase + ipCount++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Signs in (the demo admin by default) and returns the bearer header. */
async function authHeaders(
  baseUrl: string,
  login: { email: string; password: string } | undefined,
): Promise<Record<string, string>> {
  if (!login) return {};
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'CF-Connecting-IP': benchIp() },
    body: JSON.stringify({ email: login.email, password: login.password }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string };
  if (!res.ok || !body.token) {
    log(`bench: login as ${login.email} failed (${res.status}); continuing without a token`);
    return {};
  }
  return { authorization: `Bearer ${body.token}` };
}

// --- measurement -----------------------------------------------------------------------

interface Samples {
  latencies: number[];
  seconds: number;
  errors: number;
  perRound: number[];
}

interface Case {
  name: string;
  note: string;
  /** concurrent connections (default settings.connections) */
  connections?: number;
  run(seconds: number, record: boolean): Promise<{ latencies: number[]; errors: number; seconds: number }>;
  close?(): Promise<void>;
}

function httpCase(
  name: string,
  note: string,
  url: string,
  headers: Record<string, string> = {},
  options: { method?: string; body?: string; status?: number; connections?: number } = {},
): Case {
  const connections = options.connections ?? settings.connections;
  return {
    name,
    note,
    connections,
    async run(seconds, record) {
      const latencies: number[] = [];
      let errors = 0;
      const instance = autocannon({
        url,
        headers,
        method: options.method ?? 'GET',
        ...(options.body === undefined ? {} : { body: options.body }),
        connections,
        duration: seconds,
        timeout: 10,
      });
      instance.on('response', (_client, statusCode, _bytes, ms) => {
        if (statusCode !== (options.status ?? 200)) errors++;
        else if (record) latencies.push(ms);
      });
      const result = await instance;
      return { latencies, errors: errors + result.errors + result.timeouts, seconds: result.duration };
    },
  };
}

async function closedLoop(
  seconds: number,
  once: () => Promise<void>,
  record: boolean,
  connections = settings.connections,
) {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await once();
          if (record) latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - t0) / 1000 };
}

function sqlPooledCase(
  databaseUrl: string,
  wsProxy: string,
  query: { sql: string; params?: unknown[] } = { sql: SQL },
  label: { name: string; note: string; connections?: number } = {
    name: 'raw SQL, pooled connection',
    note: 'Node → Neon driver → proxy → Postgres, connections kept open',
  },
): Case {
  const connections = label.connections ?? settings.connections;
  const pool = createPool({ databaseUrl, wsProxy, max: connections, onError: () => {} });
  return {
    ...label,
    connections,
    run: (seconds, record) =>
      closedLoop(seconds, async () => void (await pool.query(query.sql, query.params)), record, connections),
    close: () => pool.end(),
  };
}

function sqlHttpCase(
  databaseUrl: string,
  wsProxy: string,
  query: { sql: string; params?: unknown[] } = { sql: SQL },
  label: { name: string; note: string; connections?: number } = {
    name: 'raw SQL over HTTP',
    note: 'Node → `neon()` fetch → proxy `POST /sql` → pooled Postgres connection: a worker statement',
  },
): Case {
  // The endpoint the worker uses for single statements (worker/db/client.ts); global to this process.
  neonConfig.fetchEndpoint = sqlEndpointUrl(wsProxy);
  const sql = neon(databaseUrl, { fullResults: true, arrayMode: true });
  const connections = label.connections ?? settings.connections;
  return {
    ...label,
    connections,
    run: (seconds, record) =>
      closedLoop(
        seconds,
        async () => void (await sql.query(query.sql, query.params ?? [])),
        record,
        connections,
      ),
  };
}

function sqlConnectCase(
  databaseUrl: string,
  wsProxy: string,
  query: { sql: string; params?: unknown[] } = { sql: SQL },
  label: { name: string; note: string; connections?: number; pipelinePassword?: boolean } = {
    name: 'raw SQL, new connection each',
    note: 'connect + password auth + query + end, as a worker request that runs a transaction does',
  },
): Case {
  const Base = localClientClass(wsProxy);
  // The worker sends the password in the same flight as the start-up message
  // (worker/db/client.ts, pipelineConnect 'password'): optionally do the same.
  const LocalClient = label.pipelinePassword
    ? class extends Base {
        constructor(config?: string | ClientConfig) {
          super(config);
          this.neonConfig.pipelineConnect = 'password';
        }
      }
    : Base;
  const connections = label.connections ?? settings.connections;
  return {
    ...label,
    connections,
    run: (seconds, record) =>
      closedLoop(
        seconds,
        async () => {
          const client: Client = new LocalClient(databaseUrl);
          client.on('error', () => {});
          await client.connect();
          try {
            await client.query(query.sql, query.params);
          } finally {
            await client.end();
          }
        },
        record,
        connections,
      ),
  };
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

interface Row {
  name: string;
  note: string;
  connections: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  errors: number;
  perRound: number[];
}

/** Runs every case `rounds` times in alternating order, each run after a warm-up. */
async function runCases(cases: Case[], seconds: number, warmup: number): Promise<Row[]> {
  const samples = new Map<Case, Samples>(
    cases.map((c) => [c, { latencies: [], seconds: 0, errors: 0, perRound: [] }]),
  );
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      log(`bench: round ${round + 1}/${settings.rounds} · ${c.name} (warm-up ${warmup} s, ${seconds} s)`);
      await c.run(warmup, false);
      const res = await c.run(seconds, true);
      const s = samples.get(c) as Samples;
      for (const v of res.latencies) s.latencies.push(v); // no spread: ~10^5 samples overflow the stack
      s.seconds += res.seconds;
      s.errors += res.errors;
      s.perRound.push(res.latencies.length / res.seconds);
    }
  }
  const rows: Row[] = [];
  for (const c of cases) {
    await c.close?.();
    rows.push(summarize(c, samples.get(c) as Samples));
  }
  return rows;
}

function summarize(c: Case, s: Samples): Row {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  return {
    name: c.name,
    note: c.note,
    connections: c.connections ?? settings.connections,
    rps: s.latencies.length / s.seconds,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    count: s.latencies.length,
    errors: s.errors,
    perRound: s.perRound,
  };
}

// --- bundle -------------------------------------------------------------------------------

interface BundleReport {
  rawBytes: number;
  gzipBytes: number;
  wranglerLine: string;
  startupActiveMs?: number;
  startupLine?: string;
  error?: string;
}

function runCapture(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        FORCE_COLOR: '0',
      },
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setTimeout(() => void stopGroup(child.pid as number, { signal: 'SIGKILL' }), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function bundleReport(): Promise<BundleReport> {
  const wrangler = realpathSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'));
  const outDir = path.join(PROJECT_ROOT, 'bench', '.out');
  await fs.rm(outDir, { recursive: true, force: true });
  const deploy = await runCapture(
    [wrangler, 'deploy', '--dry-run', '--env', 'production', '--outdir', outDir],
    120_000,
  );
  const main = path.join(outDir, 'index.js');
  if (deploy.code !== 0 || !existsSync(main)) {
    return { rawBytes: 0, gzipBytes: 0, wranglerLine: '', error: deploy.output.slice(-2000) };
  }
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of await fs.readdir(outDir)) {
    if (!/\.(m?js|wasm)$/.test(file)) continue; // the bundle, not its source map
    const data = await fs.readFile(path.join(outDir, file));
    rawBytes += data.length;
    gzipBytes += gzipSync(data, { level: 9 }).length;
  }
  const wranglerLine = /Total Upload:[^\n]*/.exec(deploy.output)?.[0]?.trim() ?? '';
  const report: BundleReport = { rawBytes, gzipBytes, wranglerLine };
  const startup = await runCapture(
    [
      wrangler,
      'check',
      'startup',
      '--env',
      'production',
      '--outfile',
      path.join(outDir, 'startup.cpuprofile'),
    ],
    120_000,
  );
  const active = /Active:\s*([\d.]+)\s*ms[^\n]*/.exec(startup.output);
  if (active?.[1]) {
    report.startupActiveMs = Number(active[1]);
    report.startupLine = active[0].trim();
  }
  return report;
}

// --- login ------------------------------------------------------------------------------------

interface LoginReport {
  /** ms per successful POST /api/v1/auth/login, sequential */
  latencies: number[];
  /** answers other than 200, by status */
  failures: Record<number, number>;
  /** Node's hashPassword (PBKDF2-SHA256, 100 000 iterations), ms each */
  pbkdf2: number[];
}

async function measureLogin(stack: RunningStack): Promise<LoginReport> {
  log('bench: PBKDF2 reference (hashPassword in Node, 10 samples)...');
  const pbkdf2 = await timeHashPassword(10);
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const warmups = 2;
  const emails = await withPool({ databaseUrl: stack.databaseUrl, wsProxy: stack.wsProxy, max: 1 }, (pool) =>
    createLoginUsers(pool, {
      count: settings.loginSamples + warmups,
      runId: Date.now().toString(36),
      password,
    }),
  );
  log(`bench: ${emails.length} logins, one per bench user, each from its own CF-Connecting-IP...`);
  const latencies: number[] = [];
  const failures: Record<number, number> = {};
  for (const [i, email] of emails.entries()) {
    const t = performance.now();
    const res = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'CF-Connecting-IP': benchIp() },
      body: JSON.stringify({ email, password }),
    });
    await res.arrayBuffer();
    const elapsed = performance.now() - t;
    if (i < warmups) continue;
    if (res.status === 200) latencies.push(elapsed);
    else failures[res.status] = (failures[res.status] ?? 0) + 1;
  }
  return { latencies, failures, pbkdf2 };
}

// --- CRM at scale -------------------------------------------------------------------------------

interface ScaleReport {
  steps: BenchStep[];
  seedMs: number;
  totals: { organisations: number; people: number; active: number };
  rows: Row[];
  queries: { label: string; query: CapturedQuery; explained: Explained }[];
  managerTeam: string;
  breakdown: Breakdown | undefined;
}

/** One request split by the worker's `Server-Timing` header (worker/middleware/request-context.ts). */
interface Breakdown {
  samples: number;
  /** ms per request: as the client saw it, inside the worker, waiting on the database */
  client: number[];
  app: number[];
  db: number[];
  statements: number;
  transactions: number;
}

function serverTiming(header: string | null): Record<string, { dur: number; desc?: string }> {
  const out: Record<string, { dur: number; desc?: string }> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const entry: { dur: number; desc?: string } = { dur: 0 };
    for (const param of params) {
      const [key, value = ''] = param.trim().split('=');
      if (key === 'dur') entry.dur = Number(value);
      if (key === 'desc') entry.desc = value.replace(/^"|"$/g, '');
    }
    out[name] = entry;
  }
  return out;
}

/** Sequential requests, each split into client ↔ workerd, worker code and database time. */
async function measureBreakdown(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<Breakdown | undefined> {
  const result: Breakdown = { samples: 0, client: [], app: [], db: [], statements: 0, transactions: 0 };
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    const client = performance.now() - t;
    const timing = serverTiming(res.headers.get('Server-Timing'));
    if (res.status !== 200 || !timing.app) return undefined; // no header: a worker without the timings
    result.samples++;
    result.client.push(client);
    result.app.push(timing.app.dur);
    result.db.push((timing.db?.dur ?? 0) + (timing.tx?.dur ?? 0));
    result.statements = Number(/^(\d+)/.exec(timing.db?.desc ?? '')?.[1] ?? 0);
    result.transactions = Number(/^(\d+)/.exec(timing.tx?.desc ?? '')?.[1] ?? 0);
  }
  return result;
}

async function measureCrm(stack: RunningStack): Promise<ScaleReport> {
  const target = { databaseUrl: stack.databaseUrl, wsProxy: stack.wsProxy };
  let steps: BenchStep[] = [];
  let seedMs = 0;
  const atScale = settings.scale
    ? await withPool({ ...target, max: 1 }, async (pool) => {
        const { rows } = await pool.query<{ organisations: number; people: number }>(
          `select (select count(*)::int from organisations) as organisations,
                  (select count(*)::int from people) as people`,
        );
        const found = rows[0] ?? { organisations: 0, people: 0 };
        return found.organisations >= settings.organisations && found.people >= settings.people;
      })
    : false;
  if (atScale) {
    log('bench: the reused data folder is already at scale: no synthetic seed this run');
  } else if (settings.scale) {
    log(
      `bench: adding ${settings.organisations.toLocaleString('en')} organisations and ` +
        `${settings.people.toLocaleString('en')} people (scripts/seed/bench.ts)...`,
    );
    const t0 = performance.now();
    ({ steps } = await seedBenchData({
      ...target,
      counts: { organisations: settings.organisations, people: settings.people },
      log,
    }));
    seedMs = performance.now() - t0;
  }
  const admin = stack.demoLogins.find((l) => l.role === 'admin');
  const manager = stack.demoLogins.find((l) => l.role === 'manager');
  if (!admin || !manager) throw new Error('bench: npm start printed no demo admin/manager login');

  const { totals, queries, managerTeam } = await withPool({ ...target, max: 1 }, async (pool) => {
    const { rows } = await pool.query<{ organisations: number; people: number; active: number }>(
      `select (select count(*)::int from organisations) as organisations,
              (select count(*)::int from people) as people,
              (select count(*)::int from organisations where status = 'active' and deleted_at is null) as active`,
    );
    const found: ScaleReport['queries'] = [];
    let team = '';
    for (const [label, email] of [
      ['admin (all records)', admin.email],
      ['manager (team scope)', manager.email],
    ] as const) {
      const actor = await actorFor(pool, email);
      if (label.startsWith('manager')) {
        const t = await pool.query<{ name: string }>('select name from teams where id = $1', [actor.teamId]);
        team = t.rows[0]?.name ?? '';
      }
      const query = await captureListQuery(pool, actor, LIST_SEARCH);
      found.push({ label, query, explained: await explain(pool, query) });
    }
    return {
      totals: rows[0] ?? { organisations: 0, people: 0, active: 0 },
      queries: found,
      managerTeam: team,
    };
  });

  const adminHeaders = await authHeaders(stack.url, admin);
  const managerHeaders = await authHeaders(stack.url, manager);
  const listUrl = `${stack.url}/api/v1/organisations?${LIST_SEARCH}`;
  for (const headers of [adminHeaders, managerHeaders]) {
    const res = await fetch(listUrl, { headers });
    const body = (await res.json().catch(() => ({}))) as { data?: unknown[] };
    if (res.status !== 200 || body.data?.length !== 50) {
      throw new Error(`bench: GET ${listUrl} answered ${res.status} with ${body.data?.length ?? 0} rows`);
    }
  }
  const c = settings.latencyConnections;
  const [adminQuery, managerQuery] = queries.map((q) => q.query) as [CapturedQuery, CapturedQuery];
  const cases: Case[] = [
    httpCase(
      'GET /healthz',
      'worker only: the floor of any request',
      `${stack.url}/healthz`,
      {},
      { connections: c },
    ),
    httpCase(
      'GET /api/v1/system/info',
      'session lookup + 1 trivial query, one HTTP SQL request each',
      `${stack.url}/api/v1/system/info`,
      adminHeaders,
      { connections: c },
    ),
    httpCase(
      'GET /organisations (admin)',
      `\`?${LIST_SEARCH}\`: session lookup + list query, one HTTP SQL request each`,
      listUrl,
      adminHeaders,
      { connections: c },
    ),
    httpCase('GET /organisations (manager)', 'same, team-scoped (`team_id = …`)', listUrl, managerHeaders, {
      connections: c,
    }),
    httpCase(
      'POST /organisations (admin)',
      'create: session lookup (HTTP), then a WebSocket connection for the transaction (insert + timeline + outbox)',
      `${stack.url}/api/v1/organisations`,
      { ...adminHeaders, 'content-type': 'application/json' },
      {
        method: 'POST',
        status: 201,
        connections: c,
        body: JSON.stringify({
          name: 'Bench Gestion Privée',
          types: ['investor'],
          category: 'family_office',
          status: 'prospect',
          city: 'Lyon',
          country: 'FR',
        }),
      },
    ),
    sqlPooledCase(stack.databaseUrl, stack.wsProxy, adminQuery, {
      name: 'list SQL (admin), pooled',
      note: 'the list query the service sends, from Node, connection kept open',
      connections: c,
    }),
    sqlPooledCase(stack.databaseUrl, stack.wsProxy, managerQuery, {
      name: 'list SQL (manager), pooled',
      note: 'same, team-scoped',
      connections: c,
    }),
    sqlHttpCase(stack.databaseUrl, stack.wsProxy, adminQuery, {
      name: 'list SQL (admin), over HTTP',
      note: 'the same statement through `neon()` and the local HTTP SQL endpoint, as the worker sends it',
      connections: c,
    }),
    sqlConnectCase(stack.databaseUrl, stack.wsProxy, adminQuery, {
      name: 'list SQL (admin), new connection each',
      note: 'connect (password pipelined, as the worker does) + list query + end',
      connections: c,
      pipelinePassword: true,
    }),
  ];
  const rows = await runCases(cases, settings.latencyDuration, settings.warmup);
  log('bench: one list request split by Server-Timing (sequential)...');
  await measureBreakdown(listUrl, adminHeaders, settings.warmup);
  const breakdown = await measureBreakdown(listUrl, adminHeaders, settings.latencyDuration * settings.rounds);
  return { steps, seedMs, totals, rows, queries, managerTeam, breakdown };
}

// --- report ---------------------------------------------------------------------------------

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const int = (n: number) => Math.round(n).toLocaleString('en');

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length} cores`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}

function loadTable(rows: Row[]): string[] {
  const out = [
    '| case | conc. | req/s | p50 ms | p95 ms | p99 ms | samples | errors | req/s per round | what |',
  ];
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const row of rows) {
    out.push(
      `| ${row.name} | ${row.connections} | ${row.rps.toFixed(0)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ` +
        `${row.count} | ${row.errors} | ${row.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${row.note} |`,
    );
  }
  return out;
}

function sortedStats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

function renderLogin(login: LoginReport): string[] {
  const out: string[] = ['## Login', ''];
  const api = sortedStats(login.latencies);
  const node = sortedStats(login.pbkdf2);
  const failed = Object.entries(login.failures)
    .map(([status, n]) => `${n}× ${status}`)
    .join(', ');
  out.push('| case | samples | p50 ms | p95 ms | p99 ms | failures | what |');
  out.push('| --- | ---: | ---: | ---: | ---: | --- | --- |');
  out.push(
    `| POST /api/v1/auth/login | ${login.latencies.length} | ${ms(api.p50)} | ${ms(api.p95)} | ${ms(api.p99)} | ` +
      `${failed || 'none'} | sequential; one login per bench user, each from its own \`CF-Connecting-IP\` |`,
    `| hashPassword() in Node (reference) | ${login.pbkdf2.length} | ${ms(node.p50)} | ${ms(node.p95)} | ${ms(node.p99)} | - | ` +
      'PBKDF2-SHA256, 100 000 iterations, WebCrypto in Node 22: the CPU cost alone, not measured in workerd |',
    '',
  );
  out.push(
    `- PBKDF2 alone costs ${ms(node.p50)} ms (p50) in Node; the login p50 is ${ms(api.p50)} ms: the rest is a new ` +
      'Postgres connection, the user look-up and the session + audit writes in one transaction, and any wait for a core.',
  );
  if (login.failures[429]) {
    out.push(
      '- 429 answers: the per-IP limit applied, so `CF-Connecting-IP` did not reach the worker as sent (check wrangler dev).',
    );
  }
  out.push('');
  return out;
}

function renderCrm(crm: ScaleReport): string[] {
  const out: string[] = ['## CRM list at scale', ''];
  out.push(
    `- dataset: **${int(crm.totals.organisations)} organisations** (${int(crm.totals.active)} active), ` +
      `**${int(crm.totals.people)} people**: the demo dataset + synthetic rows (\`npm run db:seed -- --organisations N --people N\`)`,
  );
  if (crm.steps.length > 0) {
    out.push(
      `- bench seed: ${(crm.seedMs / 1000).toFixed(1)} s in all; ` +
        crm.steps
          .map(
            (s) =>
              `${s.table} +${int(s.rows)} in ${(s.ms / 1000).toFixed(1)} s (**${int(s.rowsPerSecond)} rows/s**` +
              `${s.table === 'people' ? ', with one affiliation each' : ''})`,
          )
          .join('; ') +
        ' — INSERT … SELECT generate_series, indexes maintained, ANALYZE included',
    );
  } else if (settings.scale) {
    out.push(`- synthetic rows seeded by an earlier run into the reused \`--data-dir\` (not re-seeded)`);
  } else {
    out.push('- `--no-scale`: demo dataset only');
  }
  out.push(
    `- request: \`GET /api/v1/organisations?${LIST_SEARCH}\`, bearer token of the demo admin (all records) and of the ` +
      `demo manager of «${crm.managerTeam}» (team scope); ${settings.latencyConnections} connection(s), ` +
      `${settings.rounds} × ${settings.latencyDuration} s per case`,
    '',
  );
  out.push(...loadTable(crm.rows), '');

  const row = (name: string) => crm.rows.find((r) => r.name === name);
  const floor = row('GET /healthz');
  const apiAdmin = row('GET /organisations (admin)');
  const apiManager = row('GET /organisations (manager)');
  const sqlAdmin = row('list SQL (admin), pooled');
  const sqlManager = row('list SQL (manager), pooled');
  const sqlFresh = row('list SQL (admin), new connection each');
  const sqlHttp = row('list SQL (admin), over HTTP');
  const create = row('POST /organisations (admin)');
  out.push('### Goals: list p95 ≤ 20 ms, overhead ≤ 2× the raw SQL', '');
  for (const [api, raw, who] of [
    [apiAdmin, sqlAdmin, 'admin'],
    [apiManager, sqlManager, 'manager'],
  ] as const) {
    if (!api || !raw) continue;
    const met = api.p95 <= LIST_P95_GOAL_MS;
    const ratio = api.p95 / raw.p95;
    out.push(
      `- ${who}: list p95 **${ms(api.p95)} ms** → ${met ? 'met' : '**not met**'} (goal ${LIST_P95_GOAL_MS} ms); ` +
        `p95 ÷ raw SQL p95 (pooled, ${ms(raw.p95)} ms) = **${ratio.toFixed(1)}×** → ` +
        `${ratio <= LIST_OVERHEAD_GOAL ? 'met' : '**not met**'} (goal ${LIST_OVERHEAD_GOAL}×); p50 ${ms(api.p50)} ms vs ${ms(raw.p50)} ms` +
        (who === 'admin' && sqlHttp
          ? `; ÷ the same SQL over HTTP from Node (p95 ${ms(sqlHttp.p95)} ms) = ${(api.p95 / sqlHttp.p95).toFixed(1)}×`
          : ''),
    );
  }
  if (create) out.push(`- create: POST p95 **${ms(create.p95)} ms** (p50 ${ms(create.p50)} ms)`);
  const info = row('GET /api/v1/system/info');
  if (floor && info && apiAdmin && sqlAdmin && sqlFresh) {
    const part = (v: number) => (v > 0 ? `${ms(v)} ms` : 'within the noise');
    out.push(
      '',
      '### Where the time goes (admin list, p50 differences, one connection)',
      '',
      `- workerd + HTTP + routing, no database (\`/healthz\`): ${ms(floor.p50)} ms`,
      `- + the bearer session look-up and a trivial query, one HTTP SQL request each (\`/system/info\` − \`/healthz\`): ${part(info.p50 - floor.p50)}`,
      `- + the list itself: query, 50 rows through drizzle, zod and JSON (list − \`/system/info\`): ${part(apiAdmin.p50 - info.p50)}`,
      `- for scale, from Node: the list query over HTTP ${sqlHttp ? `${ms(sqlHttp.p50)} ms` : '-'}, on a pooled ` +
        `WebSocket connection ${ms(sqlAdmin.p50)} ms, on a new connection ${ms(sqlFresh.p50)} ms ` +
        `(connection set-up ≈ ${part(sqlFresh.p50 - sqlAdmin.p50)}, which only requests running a transaction pay now); ` +
        `Postgres executes the list in ${ms(crm.queries[0]?.explained.executionMs ?? Number.NaN)} ms (EXPLAIN ANALYZE)`,
    );
  }
  const split = crm.breakdown;
  if (split && split.samples > 0) {
    const client = sortedStats(split.client);
    const app = sortedStats(split.app);
    const db = sortedStats(split.db);
    const outside = sortedStats(split.client.map((v, i) => v - (split.app[i] ?? 0)));
    const code = sortedStats(split.app.map((v, i) => v - (split.db[i] ?? 0)));
    out.push(
      '',
      `### One admin list request, split (${split.samples} sequential requests, \`Server-Timing\` from the worker)`,
      '',
      '| part | p50 ms | p95 ms |',
      '| --- | ---: | ---: |',
      `| as the client sees it | ${ms(client.p50)} | ${ms(client.p95)} |`,
      `| outside the worker's handler: loopback HTTP, wrangler/workerd dispatch, body transfer | ${ms(outside.p50)} | ${ms(outside.p95)} |`,
      `| inside the handler (\`app\`) | ${ms(app.p50)} | ${ms(app.p95)} |`,
      `| — of which waiting on the database (${split.statements} HTTP statement(s), ${split.transactions} transaction(s)) | ${ms(db.p50)} | ${ms(db.p95)} |`,
      `| — of which worker code: routing, zod, drizzle mapping, JSON | ${ms(code.p50)} | ${ms(code.p95)} |`,
    );
  }
  out.push('', '### Query plans (EXPLAIN ANALYZE, BUFFERS)', '');
  for (const q of crm.queries) {
    const e = q.explained;
    const removed = [...e.plan.matchAll(/Rows Removed by Filter: (\d+)/g)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    const verdict = e.seqScan
      ? '**sequential scan**'
      : e.indexes.length > 0
        ? `index: ${e.indexes.map((i) => `\`${i}\``).join(', ')}${e.sort ? ' then a sort' : ', no sort (rows come in index order)'}`
        : 'no index';
    out.push(
      `- ${q.label}: ${verdict}; ${int(removed)} row(s) read and discarded by the filter; ` +
        `execution ${ms(e.executionMs)} ms`,
    );
  }
  for (const q of crm.queries) {
    out.push(
      '',
      `<details><summary>${q.label}</summary>`,
      '',
      '```sql',
      q.query.sql,
      `-- params: ${JSON.stringify(q.query.params)}`,
      '```',
      '',
      '```',
      q.explained.plan,
      '```',
      '',
      '</details>',
    );
  }
  out.push('', '### Index notes', '');
  const needsIndex = crm.queries.filter(
    (q) => q.explained.seqScan || q.explained.sort || q.explained.indexes.length === 0,
  );
  if (needsIndex.length === 0) {
    out.push(
      '- Both plans walk `organisations_name_idx` (lower(name), id) in order and stop after 51 rows: no sort, no full scan. ' +
        'The cost is the rows the filter throws away (other statuses, other teams, deleted rows), which grows as the ' +
        'filter gets more selective. If selective filters (a rare status, a small team) become common, a composite ' +
        'index led by the equality columns keeps the walk exact: `(status, lower(name), id) WHERE deleted_at IS NULL`, ' +
        'and for team scope `(team_id, status, lower(name), id) WHERE deleted_at IS NULL`. Not added here (schema unchanged).',
    );
  } else {
    for (const q of needsIndex) {
      out.push(
        `- ${q.label}: the plan does not walk an index in sort order. An index matching filter and sort would: ` +
          (q.label.startsWith('manager')
            ? '`create index on organisations (team_id, status, lower(name), id) where deleted_at is null`'
            : '`create index on organisations (status, lower(name), id) where deleted_at is null`') +
          ' (not added here: schema unchanged).',
      );
    }
  }
  out.push('');
  return out;
}

function renderMarkdown(r: {
  date: string;
  load: { before: number[]; after: number[] };
  stack: { readyMs: number; startedLine: string; seedLine: string } | undefined;
  rows: Row[];
  login: LoginReport | undefined;
  crm: ScaleReport | undefined;
  bundle: BundleReport | undefined;
}): string {
  const m = machine();
  const versions = stackVersions();
  const out: string[] = [];
  out.push('# Performance results', '');
  out.push(`Generated by \`npm run bench\` (bench/run.ts) on ${r.date}. Re-run it to refresh this file.`, '');
  out.push('## Machine', '', `- ${m.cpu}, ${m.memory}`, `- ${m.os}`, '');
  const la = (v: number[]) => v.map((x) => x.toFixed(2)).join(' / ');
  out.push(
    `- load average (1/5/15 min) before: ${la(r.load.before)}, after: ${la(r.load.after)}`,
    '',
    'Load generator, worker (workerd), proxy and Postgres all share these cores (and anything else running):',
    'numbers are for comparisons between runs on the same machine, not a production forecast.',
    '',
  );
  out.push('## Versions', '', '| component | version |', '| --- | --- |');
  for (const [k, v] of Object.entries(versions)) out.push(`| ${k} | ${v} |`);
  out.push('', '## Settings', '');
  out.push(
    `- ${settings.rounds} round(s) per case, alternating case order, each run after a ${settings.warmup} s warm-up`,
    `- load: ${settings.duration} s per measured run, ${settings.connections} concurrent connections; CRM latency: ` +
      `${settings.latencyDuration} s per run, ${settings.latencyConnections} connection(s); loopback only`,
    '- HTTP load: autocannon against `wrangler dev` (local mode, crons off); SQL: closed loop in Node',
    settings.dataDir
      ? `- data folder \`--data-dir\` (kept between runs; created, migrated and seeded on its first run)`
      : '- fresh temporary data folder (new Postgres cluster, migrations applied, demo dataset seeded)',
    '',
  );
  if (r.stack) {
    out.push('## Start-up', '');
    out.push(
      `- \`scripts/start.ts\` spawn → "Alforis CRM ready" line: **${(r.stack.readyMs / 1000).toFixed(1)} s** ` +
        `(${settings.dataDir ? 'reused data folder: initdb and the demo seed only on its first run' : 'fresh data folder: includes initdb, the demo seed'}` +
        `${settings.build ? ', and the Remix build' : ', no build'})`,
    );
    if (r.stack.startedLine)
      out.push(`- its own breakdown: ${r.stack.startedLine.replace(/^Started in\s*/, '')}`);
    if (r.stack.seedLine) out.push(`- ${r.stack.seedLine.replace(/^demo seed: /, 'demo seed: ')}`);
    out.push('');
  }
  if (r.rows.length > 0) {
    out.push('## Load', '');
    out.push(...loadTable(r.rows));
    const api = r.rows.find((x) => x.name.includes('system/info'));
    const pooled = r.rows.find((x) => x.name.includes('pooled'));
    const fresh = r.rows.find((x) => x.name.includes('new connection'));
    const overHttp = r.rows.find((x) => x.name.includes('over HTTP'));
    if (api && pooled && fresh && api.count > 0) {
      out.push('', '### API overhead', '');
      out.push(
        `- p50 of \`GET /api/v1/system/info\` ÷ p50 of the same SQL on a pooled connection: ` +
          `**${(api.p50 / pooled.p50).toFixed(1)}×** (${ms(api.p50)} ms vs ${ms(pooled.p50)} ms)`,
      );
      if (overHttp) {
        out.push(
          `- ÷ p50 of the SQL over the HTTP endpoint (how the worker sends a statement; the request sends two, ` +
            `session lookup and query): **${(api.p50 / overHttp.p50).toFixed(1)}×** (${ms(api.p50)} ms vs ${ms(overHttp.p50)} ms)`,
        );
      }
      out.push(
        `- ÷ p50 of the SQL on a new connection per query (what a request running a transaction pays first): ` +
          `**${(api.p50 / fresh.p50).toFixed(1)}×** (${ms(api.p50)} ms vs ${ms(fresh.p50)} ms)`,
        `- throughput: ${api.rps.toFixed(0)} req/s through the API vs ${pooled.rps.toFixed(0)} q/s pooled, ` +
          `${overHttp ? `${overHttp.rps.toFixed(0)} q/s over HTTP and ` : ''}${fresh.rps.toFixed(0)} q/s with a new connection each`,
      );
    }
    out.push('');
  }
  if (r.login) out.push(...renderLogin(r.login));
  if (r.crm) out.push(...renderCrm(r.crm));
  if (r.login || r.crm) {
    out.push(
      '## Reading the numbers',
      '',
      'Every API request pays a fixed toll before its own SQL: workerd and the HTTP stack (the `/healthz` floor) and ' +
        'the bearer session look-up, one HTTP SQL request. Single statements go over the HTTP endpoint (no connection ' +
        'set-up); a request that runs a transaction also opens a WebSocket + Postgres connection for it ' +
        '(docs/decisions/023-http-statements-websocket-transactions.md). On this shared 2-core machine each of those is CPU time on the same ' +
        'cores as Postgres, the proxy and the load generator, so the ratios to raw SQL are larger than they would be ' +
        'on Cloudflare with Neon (where the proxy is Neon’s, on other machines, and the round trip is network-bound). ' +
        'Compare runs with each other, watch the load average, and read the pooled SQL rows as the cost of the query ' +
        'alone. Login adds PBKDF2 on top of that toll (100 000 iterations, the Workers cap): the one endpoint made ' +
        'slow on purpose.',
      '',
    );
  }
  if (r.bundle) {
    out.push('## Bundle', '');
    if (r.bundle.error) {
      out.push('`wrangler deploy --dry-run` failed:', '', '```', r.bundle.error, '```', '');
    } else {
      const ok = r.bundle.gzipBytes <= BUNDLE_BUDGET_BYTES;
      out.push('| worker bundle (`--env production`) | raw | gzip -9 | budget (gzip) | status |');
      out.push('| --- | ---: | ---: | ---: | --- |');
      out.push(
        `| bench/.out/index.js | ${kib(r.bundle.rawBytes)} | ${kib(r.bundle.gzipBytes)} | ` +
          `${kib(BUNDLE_BUDGET_BYTES)} | ${ok ? 'within budget' : '**OVER BUDGET**'} |`,
      );
      out.push('');
      if (r.bundle.wranglerLine)
        out.push(`- wrangler: \`${r.bundle.wranglerLine}\` (includes static assets metadata)`);
      if (r.bundle.startupLine) {
        out.push(
          `- startup CPU (\`wrangler check startup\`, profiled locally): ${r.bundle.startupLine} ` +
            '(Cloudflare limits Worker startup to 1 s of CPU)',
        );
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

// --- main -------------------------------------------------------------------------------------

async function main() {
  if (process.argv.includes('search'))
    return (await import('./search')).runSearchBench({ startStack: startStackProcess });
  const date = new Date().toISOString();
  const t0 = performance.now();
  const loadBefore = os.loadavg();
  let rows: Row[] = [];
  let login: LoginReport | undefined;
  let crm: ScaleReport | undefined;
  let stackInfo: { readyMs: number; startedLine: string; seedLine: string } | undefined;
  let stack: RunningStack | undefined;
  let webhooksSection = '';
  const onSignal = () => {
    log('bench: interrupted, stopping the stack...');
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (settings.load) {
      log(
        `bench: starting the local stack (${settings.dataDir ? `data folder ${settings.dataDir}` : 'fresh data folder'})...`,
      );
      stack = await startStackProcess();
      stackInfo = { readyMs: stack.readyMs, startedLine: stack.startedLine, seedLine: stack.seedLine };
      log(`bench: stack ready at ${stack.url} in ${(stack.readyMs / 1000).toFixed(1)} s`);

      const cases: Case[] = [httpCase('GET /healthz', 'worker only', `${stack.url}/healthz`)];
      const headers = await authHeaders(stack.url, stack.demoLogin);
      const info = await fetch(`${stack.url}/api/v1/system/info`, { headers });
      await info.body?.cancel();
      if (info.status === 200) {
        cases.push(
          httpCase(
            'GET /api/v1/system/info',
            `worker + 1 SQL round trip${headers.authorization ? ' (+ bearer session lookup)' : ''}`,
            `${stack.url}/api/v1/system/info`,
            headers,
          ),
        );
      } else {
        log(`bench: GET /api/v1/system/info answered ${info.status}: case skipped`);
      }
      cases.push(
        sqlPooledCase(stack.databaseUrl, stack.wsProxy),
        sqlHttpCase(stack.databaseUrl, stack.wsProxy),
        sqlConnectCase(stack.databaseUrl, stack.wsProxy),
      );
      rows = await runCases(cases, settings.duration, settings.warmup);

      if (settings.login) login = await measureLogin(stack);
      crm = await measureCrm(stack);
      webhooksSection = renderWebhooks(await measureWebhooks(stack, { log }), date);
      if (!has('no-notifications')) await benchNotifications(stack);
      await stack.stop();
      stack = undefined;
    }

    let bundle: BundleReport | undefined;
    if (settings.bundle) {
      log('bench: bundling (wrangler deploy --dry-run --env production) and profiling startup...');
      bundle = await bundleReport();
    }

    const markdown = renderMarkdown({
      date,
      load: { before: loadBefore, after: os.loadavg() },
      stack: stackInfo,
      rows,
      login,
      crm,
      bundle,
    });
    const file = path.join(PROJECT_ROOT, 'docs', 'perf', 'results.md');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, markdown + webhooksSection);
    await flushNotificationsSection();
    log(`\n${markdown}`);
    log(
      `bench: wrote ${path.relative(process.cwd(), file)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    if (bundle && !bundle.error && bundle.gzipBytes > BUNDLE_BUDGET_BYTES) {
      log('bench: the bundle is OVER the 1.5 MB gzip budget');
      process.exitCode = 1;
    }
    if (bundle?.error) process.exitCode = 1;
  } finally {
    await stack?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
