// Webhook delivery throughput, locally, through the real pipeline:
//   outbox rows → (cron sweep) domain-events queue → fan-out subscriber →
//   webhook-deliveries queue → signed POST → a local receiver that verifies
//   every request with the official `standardwebhooks` library.
// Reports deliveries per second, event → delivery latency (p50/p95/max), lost
// and duplicated deliveries, and appends its section to docs/perf/results.md.
//
// Alone: `npm exec -- tsx bench/webhooks.ts [--events=500] [--endpoints=4] [--no-build]`
// (starts the local stack in this process on a fresh data folder). `npm run bench`
// calls `measureWebhooks` with its own stack.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPool } from '../scripts/local/db';
import { PROJECT_ROOT } from '../scripts/local/runfile';
import { startWebhookReceiver } from '../scripts/local/webhook-receiver';
import { generateSecret } from '../worker/modules/webhooks/webhooks.signing';

export interface WebhookBenchReport {
  events: number;
  endpoints: number;
  expected: number;
  delivered: number;
  verified: number;
  lost: number;
  duplicates: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Runs one measurement against a running stack (worker with `--test-scheduled`).
 * Bounded: stops after `timeoutMs` whatever arrived.
 */
export async function measureWebhooks(
  stack: { url: string; databaseUrl: string; wsProxy: string },
  options: { events?: number; endpoints?: number; timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<WebhookBenchReport> {
  const events = options.events ?? 500;
  const endpointCount = options.endpoints ?? 4;
  const log = options.log ?? console.log;
  const expected = events * endpointCount;
  const arrivals = new Map<string, number>();
  let duplicates = 0;
  let verified = 0;
  const receiver = await startWebhookReceiver({
    keep: 10,
    onDelivery(delivery) {
      const key = `${delivery.path} ${delivery.headers['webhook-id']}`;
      if (arrivals.has(key)) duplicates++;
      else arrivals.set(key, Date.now());
      if (delivery.hmacVerified) verified++;
    },
  });
  const pool = createPool({ databaseUrl: stack.databaseUrl, wsProxy: stack.wsProxy, max: 2 });
  try {
    // Only the bench's endpoints receive during the run.
    await pool.query('update webhook_endpoints set active = false');
    for (let index = 0; index < endpointCount; index++) {
      const secret = generateSecret();
      const receiverPath = `/bench/${index}`;
      await pool.query(
        `insert into webhook_endpoints (url, description, events, secret) values ($1, 'bench', $2, $3)`,
        [`${receiver.url}${receiverPath}`, ['organisation.*'], secret],
      );
      await fetch(`${receiver.url}/_control/keys`, {
        method: 'POST',
        body: JSON.stringify({ path: receiverPath, secrets: [secret] }),
      }).then((response) => response.body?.cancel());
    }
    // The events, written as the services write them (outbox rows), with their creation time.
    const { rows } = await pool.query<{ id: string; occurred_at: Date }>(
      `insert into outbox_events (type, entity_type, entity_id, payload)
       select 'organisation.created', 'organisation', id, jsonb_build_object('id', id, 'name', 'Bench ' || n)
         from (select gen_random_uuid() as id, n from generate_series(1, $1::int) n) s
       returning id, occurred_at`,
      [events],
    );
    const occurredAt = new Map(
      rows.map((row) => [`msg_${row.id.replaceAll('-', '')}`, row.occurred_at.getTime()]),
    );
    const started = Date.now();
    log(`bench webhooks: ${events} events × ${endpointCount} endpoints = ${expected} deliveries`);
    const deadline = started + (options.timeoutMs ?? 240_000);
    // The every-minute cron sweep sends pending outbox rows (up to 1 000 per call) to the queue.
    while (Date.now() < deadline) {
      const pending = await pool.query<{ count: number }>(
        'select count(*)::int as count from outbox_events where dispatched_at is null',
      );
      if ((pending.rows[0]?.count ?? 0) === 0) break;
      const response = await fetch(`${stack.url}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      await response.body?.cancel();
    }
    while (arrivals.size < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // A little longer, to catch duplicates that arrive late.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const latencies = [...arrivals.entries()]
      .map(([key, at]) => at - (occurredAt.get(key.split(' ')[1] ?? '') ?? at))
      .sort((a, b) => a - b);
    const last = Math.max(...arrivals.values());
    const seconds = (last - started) / 1000;
    return {
      events,
      endpoints: endpointCount,
      expected,
      delivered: arrivals.size,
      verified,
      lost: expected - arrivals.size,
      duplicates,
      seconds,
      perSecond: arrivals.size / seconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    };
  } finally {
    await pool.query("delete from webhook_endpoints where description = 'bench'").catch(() => undefined);
    await pool.end().catch(() => undefined);
    await receiver.stop();
  }
}

export function renderWebhooks(report: WebhookBenchReport, date: string): string {
  const goal = report.perSecond >= 500 && report.lost === 0 ? 'met' : 'NOT met';
  return [
    '',
    '## Webhooks: delivery throughput (bench/webhooks.ts)',
    '',
    `${date}, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)} at the end. Outbox rows → cron sweep → domain-events queue → fan-out → webhook-deliveries queue → signed POST to a local receiver verifying every request with \`standardwebhooks\` (wrangler dev, local queues, embedded Postgres through the Neon proxy).`,
    '',
    '| events × endpoints | delivered | verified | missing at the end (lost) | duplicates | wall time | deliveries/s | event → delivery p50 | p95 | max |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${report.events} × ${report.endpoints} | ${report.delivered} | ${report.verified} | ${report.lost} | ${report.duplicates} | ${report.seconds.toFixed(1)} s | ${report.perSecond.toFixed(0)} | ${report.p50Ms} ms | ${report.p95Ms} ms | ${report.maxMs} ms |`,
    '',
    `Goal ≥ 500 deliveries/s with 0 lost: **${goal}**.`,
    '',
  ].join('\n');
}

/** Appends (or replaces) this section at the end of docs/perf/results.md. */
export async function writeWebhooksSection(markdown: string): Promise<void> {
  const file = path.join(PROJECT_ROOT, 'docs', 'perf', 'results.md');
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const marker = '\n## Webhooks: delivery throughput';
  const kept = current.includes(marker) ? current.slice(0, current.indexOf(marker)) : current.trimEnd();
  await fs.writeFile(file, `${kept}\n${markdown}`);
}

async function main() {
  const flag = (name: string, fallback: number) => {
    const arg = process.argv.find((entry) => entry.startsWith(`--${name}=`));
    return arg ? Number(arg.split('=')[1]) : fallback;
  };
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'alforis-bench-webhooks-'));
  await fs.chmod(dataDir, 0o755);
  const { startStack } = await import('../scripts/local/stack');
  const stack = await startStack({
    dataDir,
    cron: false,
    build: !process.argv.includes('--no-build'),
    log: (line) => console.log(`[stack] ${line}`),
    childOutput: () => {},
  });
  try {
    const report = await measureWebhooks(
      { url: stack.workerUrl, databaseUrl: stack.databaseUrl, wsProxy: stack.wsProxy },
      { events: flag('events', 500), endpoints: flag('endpoints', 4) },
    );
    const markdown = renderWebhooks(report, new Date().toISOString());
    console.log(markdown);
    await writeWebhooksSection(markdown);
  } finally {
    await stack.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
