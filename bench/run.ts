// `npm run bench`: local performance numbers, written to docs/perf/results.md.
//
// Starts the real local stack (scripts/start.ts, the same code as `npm start`) on a
// fresh temporary data folder in a child process, so the load generator does not
// share an event loop with the proxy it measures. Then, loopback only, bounded:
//   - GET /healthz                      (worker only)
//   - GET /api/v1/system/info           (worker + one Postgres round trip)
//   - the same SQL from Node through the Neon driver and the proxy, on a pooled
//     connection and on a new connection per query (what one worker request does)
// Each case runs `rounds` times, in alternating order, each run after a warm-up.
// Then the bundle: `wrangler deploy --dry-run --outdir bench/.out` (gzip size vs the
// 1.5 MB budget) and `wrangler check startup` (startup CPU time).
//
// Flags: --duration=10 --warmup=2 --connections=10 --rounds=2 --no-build --no-load --no-bundle
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Client } from '@neondatabase/serverless';
import autocannon from 'autocannon';
import { createPool, localClientClass } from '../scripts/local/db';
import { freePort } from '../scripts/local/ports';
import { eachLine, groupMembers, stopGroup } from '../scripts/local/proc';
import { PROJECT_ROOT, type RunInfo } from '../scripts/local/runfile';
import { stackVersions } from '../scripts/local/stack';

const SQL = 'select count(*)::int as migrations from drizzle.__drizzle_migrations';
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

function flag(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
const has = (name: string) => process.argv.includes(`--${name}`);

const settings = {
  duration: flag('duration', 10),
  warmup: flag('warmup', 2),
  connections: flag('connections', 10),
  rounds: flag('rounds', 2),
  build: !has('no-build'),
  load: !has('no-load'),
  bundle: !has('no-bundle'),
};

const log = (line: string) => console.log(line);

// --- the stack, in a child process ---------------------------------------------------

interface RunningStack {
  url: string;
  databaseUrl: string;
  wsProxy: string;
  readyMs: number;
  startedLine: string;
  /** the demo admin printed by npm start, if any */
  demoLogin?: { email: string; password: string };
  stop(): Promise<void>;
}

async function startStackProcess(): Promise<RunningStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'alforis-bench-'));
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
  let demoLogin: { email: string; password: string } | undefined;
  const ready = new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      output.push(line);
      if (output.length > 150) output.shift();
      const m = /Alforis CRM ready: (http:\/\/\S+)/.exec(line);
      if (m?.[1]) resolve(m[1]);
      if (line.includes('Started in')) startedLine = line.trim();
      const admin = /^\s+admin\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line);
      if (admin?.[1] && admin[2]) demoLogin = { email: admin[1], password: admin[2] };
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
      await fs.rm(dataDir, { recursive: true, force: true });
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
    return { url, databaseUrl, wsProxy: info.proxy.wsProxy, readyMs, startedLine, demoLogin, stop };
  } catch (err) {
    await stop();
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- stack output ---\n${output.join('\n')}`,
    );
  }
}

/** Signs in as the demo admin (when the seed created one) and returns the bearer header. */
async function authHeaders(
  baseUrl: string,
  login: { email: string; password: string } | undefined,
): Promise<Record<string, string>> {
  if (!login) return {};
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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
  run(seconds: number, record: boolean): Promise<{ latencies: number[]; errors: number; seconds: number }>;
  close?(): Promise<void>;
}

function httpCase(name: string, note: string, url: string, headers: Record<string, string> = {}): Case {
  return {
    name,
    note,
    async run(seconds, record) {
      const latencies: number[] = [];
      let errors = 0;
      const instance = autocannon({
        url,
        headers,
        connections: settings.connections,
        duration: seconds,
        timeout: 10,
      });
      instance.on('response', (_client, statusCode, _bytes, ms) => {
        if (statusCode !== 200) errors++;
        else if (record) latencies.push(ms);
      });
      const result = await instance;
      return { latencies, errors: errors + result.errors + result.timeouts, seconds: result.duration };
    },
  };
}

async function closedLoop(seconds: number, once: () => Promise<void>, record: boolean) {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: settings.connections }, async () => {
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

function sqlPooledCase(databaseUrl: string, wsProxy: string): Case {
  const pool = createPool({ databaseUrl, wsProxy, max: settings.connections, onError: () => {} });
  return {
    name: 'raw SQL, pooled connection',
    note: 'Node → Neon driver → proxy → Postgres, connections kept open',
    run: (seconds, record) => closedLoop(seconds, async () => void (await pool.query(SQL)), record),
    close: () => pool.end(),
  };
}

function sqlConnectCase(databaseUrl: string, wsProxy: string): Case {
  const LocalClient = localClientClass(wsProxy);
  return {
    name: 'raw SQL, new connection each',
    note: 'connect + password auth + query + end, as one worker request does',
    run: (seconds, record) =>
      closedLoop(
        seconds,
        async () => {
          const client: Client = new LocalClient(databaseUrl);
          client.on('error', () => {});
          await client.connect();
          try {
            await client.query(SQL);
          } finally {
            await client.end();
          }
        },
        record,
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
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  errors: number;
  perRound: number[];
}

function summarize(c: Case, s: Samples): Row {
  const sorted = [...s.latencies].sort((a, b) => a - b);
  return {
    name: c.name,
    note: c.note,
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

// --- report ---------------------------------------------------------------------------------

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;

function machine() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length} cores`,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}

function renderMarkdown(r: {
  date: string;
  load: { before: number[]; after: number[] };
  stack: { readyMs: number; startedLine: string } | undefined;
  rows: Row[];
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
    `- ${settings.duration} s per measured run, ${settings.connections} concurrent connections, loopback only`,
    '- HTTP load: autocannon against `wrangler dev` (local mode, crons off); SQL: closed loop in Node',
    '- fresh temporary data folder (new Postgres cluster, migrations applied)',
    '',
  );
  if (r.stack) {
    out.push('## Start-up', '');
    out.push(
      `- \`scripts/start.ts\` spawn → "Alforis CRM ready" line: **${(r.stack.readyMs / 1000).toFixed(1)} s** ` +
        `(fresh data folder: includes initdb${settings.build ? ' and the Remix build' : ', no build'})`,
    );
    if (r.stack.startedLine)
      out.push(`- its own breakdown: ${r.stack.startedLine.replace(/^Started in\s*/, '')}`);
    out.push('');
  }
  if (r.rows.length > 0) {
    out.push('## Load', '');
    out.push('| case | req/s | p50 ms | p95 ms | p99 ms | samples | errors | req/s per round | what |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    for (const row of r.rows) {
      out.push(
        `| ${row.name} | ${row.rps.toFixed(0)} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.p99)} | ${row.count} | ` +
          `${row.errors} | ${row.perRound.map((x) => x.toFixed(0)).join(' / ')} | ${row.note} |`,
      );
    }
    const api = r.rows.find((x) => x.name.includes('system/info'));
    const pooled = r.rows.find((x) => x.name.includes('pooled'));
    const fresh = r.rows.find((x) => x.name.includes('new connection'));
    if (api && pooled && fresh && api.count > 0) {
      out.push('', '### API overhead', '');
      out.push(
        `- p50 of \`GET /api/v1/system/info\` ÷ p50 of the same SQL on a pooled connection: ` +
          `**${(api.p50 / pooled.p50).toFixed(1)}×** (${ms(api.p50)} ms vs ${ms(pooled.p50)} ms)`,
        `- ÷ p50 of the SQL on a new connection per query (what the worker does per request): ` +
          `**${(api.p50 / fresh.p50).toFixed(1)}×** (${ms(api.p50)} ms vs ${ms(fresh.p50)} ms)`,
        `- throughput: ${api.rps.toFixed(0)} req/s through the API vs ${pooled.rps.toFixed(0)} q/s pooled and ` +
          `${fresh.rps.toFixed(0)} q/s with a new connection each`,
      );
    }
    out.push('');
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
  const date = new Date().toISOString();
  const loadBefore = os.loadavg();
  const rows: Row[] = [];
  let stackInfo: { readyMs: number; startedLine: string } | undefined;
  let stack: RunningStack | undefined;
  const onSignal = () => {
    log('bench: interrupted, stopping the stack...');
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (settings.load) {
      log('bench: starting the local stack (fresh data folder)...');
      stack = await startStackProcess();
      stackInfo = { readyMs: stack.readyMs, startedLine: stack.startedLine };
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
        sqlConnectCase(stack.databaseUrl, stack.wsProxy),
      );

      const samples = new Map<Case, Samples>(
        cases.map((c) => [c, { latencies: [], seconds: 0, errors: 0, perRound: [] }]),
      );
      for (let round = 0; round < settings.rounds; round++) {
        const order = round % 2 === 0 ? cases : [...cases].reverse();
        for (const c of order) {
          log(
            `bench: round ${round + 1}/${settings.rounds} · ${c.name} (warm-up ${settings.warmup} s, ${settings.duration} s)`,
          );
          await c.run(settings.warmup, false);
          const res = await c.run(settings.duration, true);
          const s = samples.get(c) as Samples;
          for (const v of res.latencies) s.latencies.push(v); // no spread: ~10^5 samples overflow the stack
          s.seconds += res.seconds;
          s.errors += res.errors;
          s.perRound.push(res.latencies.length / res.seconds);
        }
      }
      for (const c of cases) {
        await c.close?.();
        rows.push(summarize(c, samples.get(c) as Samples));
      }
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
      bundle,
    });
    const file = path.join(PROJECT_ROOT, 'docs', 'perf', 'results.md');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, markdown);
    log(`\n${markdown}`);
    log(`bench: wrote ${path.relative(process.cwd(), file)}`);
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
