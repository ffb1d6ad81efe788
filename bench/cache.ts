// Response-cache benchmark: a read-heavy mix (90% reads across organisation lists, organisation
// details and the dashboard figures' board, 10% writes) against a running stack, in two halves:
// Redis up (cached) then Redis stopped (every read falls back to Postgres, i.e. uncached).
// Reports hit rate (from the stack's own /api/v1/admin/cache/stats), p50/p95 per half, their
// ratio, and the errors of each half (the goal with Redis stopped: none).
//
//   npm exec -- tsx bench/cache.ts --url=http://127.0.0.1:PORT --data-dir=<ALFORIS_DATA_DIR> \
//     --redis-port=<port of a redis-server this run may stop> [--seconds=20] [--organisations=100000]
//
// The Redis port must be one the stack was started on through REDIS_URL and that nothing else
// uses: the second half sends it SHUTDOWN NOSAVE.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { seedBenchData } from '../scripts/seed';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const url = arg('url') ?? 'http://127.0.0.1:8787';
const dataDir = arg('data-dir');
const redisPort = Number(arg('redis-port') ?? 0);
const seconds = Number(arg('seconds') ?? 20);
const organisationsWanted = Number(arg('organisations') ?? 0);
const concurrency = Number(arg('concurrency') ?? 8);
const password = process.env.DEMO_PASSWORD ?? 'alforis-demo';

interface Sample {
  kind: 'list' | 'detail' | 'board' | 'write';
  ms: number;
  status: number;
}

async function login(email: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'CF-Connecting-IP': `10.9.${Math.floor(Math.random() * 250)}.1`,
    },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

function redisShutdown(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('SHUTDOWN NOSAVE\r\n'));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function main() {
  if (organisationsWanted > 0 && dataDir) {
    const info = JSON.parse(readFileSync(path.join(dataDir, 'run.json'), 'utf8')) as {
      postgres: { port: number; database: string };
      proxy: { wsProxy: string };
    };
    const pgPassword = readFileSync(path.join(dataDir, 'postgres', 'password'), 'utf8').trim();
    const databaseUrl = `postgres://postgres:${encodeURIComponent(pgPassword)}@127.0.0.1:${info.postgres.port}/${info.postgres.database}`;
    const t0 = performance.now();
    await seedBenchData({
      databaseUrl,
      wsProxy: info.proxy.wsProxy,
      counts: { organisations: organisationsWanted },
      log: (line) => console.log(line),
    });
    console.log(`seeded ${organisationsWanted} organisations in ${Math.round(performance.now() - t0)} ms`);
  }

  const callers = await Promise.all(
    [
      'admin@alforis.test',
      'manager@alforis.test',
      'user@alforis.test',
      'viewer@alforis.test',
      'manager.lyon@alforis.test',
    ].map(async (email) => ({ email, token: await login(email) })),
  );
  const admin = callers[0] as { token: string };
  const get = (token: string, pathname: string, init: RequestInit = {}) =>
    fetch(`${url}${pathname}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });

  // Hot set: what people open most (the first pages of common list views, the records on them).
  const LISTS = [
    '/api/v1/organisations?limit=50&sort=name',
    '/api/v1/organisations?limit=50&status=active&sort=name',
    '/api/v1/organisations?limit=25&sort=-updatedAt',
    '/api/v1/organisations?limit=50&type=investor&sort=name',
  ];
  const hotIds = new Map<string, string[]>();
  for (const caller of callers) {
    const page = (await (
      await get(caller.token, '/api/v1/organisations?limit=100&sort=-updatedAt')
    ).json()) as {
      data: { id: string }[];
    };
    hotIds.set(
      caller.token,
      page.data.map((row) => row.id),
    );
  }
  await get(admin.token, '/api/v1/admin/cache/stats', { method: 'DELETE' });

  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  async function one(): Promise<Sample> {
    const caller = pick(callers);
    const roll = Math.random();
    const started = performance.now();
    let kind: Sample['kind'];
    let response: Response;
    if (roll < 0.1 && caller.email !== 'viewer@alforis.test') {
      kind = 'write';
      const ids = hotIds.get(caller.token) ?? [];
      response =
        ids.length > 0 && Math.random() < 0.5
          ? await get(caller.token, `/api/v1/organisations/${pick(ids)}`, {
              method: 'PATCH',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ notes: `bench ${Date.now()}` }),
            })
          : await get(caller.token, '/api/v1/organisations', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ name: `Bench ${crypto.randomUUID().slice(0, 8)}`, types: ['investor'] }),
            });
    } else if (roll < 0.45) {
      kind = 'list';
      response = await get(caller.token, pick(LISTS));
    } else if (roll < 0.9) {
      kind = 'detail';
      const ids = hotIds.get(caller.token) ?? [];
      response = await get(
        caller.token,
        ids.length ? `/api/v1/organisations/${pick(ids.slice(0, 30))}` : pick(LISTS),
      );
    } else {
      kind = 'board';
      response = await get(caller.token, '/api/v1/pipeline?limit=5');
    }
    await response.arrayBuffer();
    return { kind, ms: performance.now() - started, status: response.status };
  }

  async function phase(label: string, durationMs: number): Promise<Sample[]> {
    const samples: Sample[] = [];
    const deadline = Date.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          try {
            samples.push(await one());
          } catch {
            samples.push({ kind: 'list', ms: 0, status: 0 });
          }
        }
      }),
    );
    console.log(`${label}: ${samples.length} requests`);
    return samples;
  }

  // Warm-up, then the cached half.
  await phase('warm-up', 3_000);
  await get(admin.token, '/api/v1/admin/cache/stats', { method: 'DELETE' });
  const up = await phase('redis up', seconds * 1000);
  const stats = (await (await get(admin.token, '/api/v1/admin/cache/stats')).json()) as {
    totals: { hits: number; misses: number; hitRate: number | null; avgLoadMs: number | null };
    prefixes: { prefix: string; hits: number; misses: number; hitRate: number | null }[];
  };

  let down: Sample[] = [];
  if (redisPort > 0) {
    await redisShutdown(redisPort);
    down = await phase('redis stopped', seconds * 1000);
  }

  const summary = (samples: Sample[], kinds: Sample['kind'][]) => {
    const chosen = samples.filter((s) => kinds.includes(s.kind) && s.status !== 0);
    const sorted = chosen.map((s) => s.ms).sort((a, b) => a - b);
    const errors = samples.filter(
      (s) => kinds.includes(s.kind) && (s.status === 0 || s.status >= 400),
    ).length;
    return { n: chosen.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), errors };
  };
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
  const lines: string[] = [];
  lines.push(
    `| Half | Requests | Read p50 (ms) | Read p95 (ms) | Write p50 (ms) | Errors (status 0 or ≥ 400) |`,
  );
  lines.push('| --- | --- | --- | --- | --- | --- |');
  for (const [label, samples] of [
    ['Redis up (cached)', up],
    ['Redis stopped (Postgres fallback)', down],
  ] as const) {
    if (samples.length === 0) continue;
    const reads = summary(samples, ['list', 'detail', 'board']);
    const writes = summary(samples, ['write']);
    lines.push(
      `| ${label} | ${samples.length} | ${fmt(reads.p50)} | ${fmt(reads.p95)} | ${fmt(writes.p50)} | ${reads.errors + writes.errors} |`,
    );
  }
  lines.push('');
  lines.push('| Read kind | cached p50 / p95 (ms) | fallback p50 / p95 (ms) | ratio p50 / p95 |');
  lines.push('| --- | --- | --- | --- |');
  for (const kind of ['list', 'detail', 'board'] as const) {
    const a = summary(up, [kind]);
    const b = summary(down, [kind]);
    lines.push(
      `| ${kind} | ${fmt(a.p50)} / ${fmt(a.p95)} | ${fmt(b.p50)} / ${fmt(b.p95)} | ${fmt(a.p50 / b.p50)} / ${fmt(a.p95 / b.p95)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Hit rate (server counters, Redis-up half): ${stats.totals.hitRate === null ? '—' : `${(stats.totals.hitRate * 100).toFixed(1)}%`} ` +
      `(${stats.totals.hits} hits, ${stats.totals.misses} misses; average load ${stats.totals.avgLoadMs ?? '—'} ms). ` +
      `Per prefix: ${stats.prefixes.map((p) => `${p.prefix} ${p.hitRate === null ? '—' : `${(p.hitRate * 100).toFixed(0)}%`}`).join(', ')}.`,
  );
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
