// Notifications under load, against a running local stack (the one bench/run.ts starts, or
// `npm start`: `tsx bench/notifications.ts --url=http://127.0.0.1:8787` reads .data/run.json).
//   - latency: a task assigned through the API → the notification on every socket of the
//     assignee (3 sockets). Two clocks: from the API call (includes the outbox and the local
//     queue's batching, max_batch_timeout = 1 s) and from the row's insert (created_at: the
//     pipeline after the rules: commit, RPC to the user's hub, fan-out, WebSocket).
//   - sockets: 2,000 sockets across 500 users opened, resumed and held; workerd memory
//     before/after (RSS of the stack's workerd processes) → memory per socket; every socket
//     answers a heartbeat after the hold.
//   - throughput: 100 assignments/s for 10 s spread over 50 users with a socket each; how many
//     arrive, and the insert → socket latency meanwhile.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from '@neondatabase/serverless';
import WebSocket from 'ws';
import { createPool } from '../scripts/local/db';
import { PROJECT_ROOT } from '../scripts/local/runfile';
import { hashToken, newToken, SESSION_TOKEN_PREFIX } from '../worker/modules/identity/tokens';
import type { ServerFrame, WireNotification } from '../worker/modules/notifications/notifications.protocol';

export interface NotificationsBenchStack {
  url: string;
  databaseUrl: string;
  wsProxy: string;
}

interface Stats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface NotificationsReport {
  latency: { samples: number; sockets: number; fromApi: Stats; fromInsert: Stats };
  sockets: {
    requested: number;
    users: number;
    opened: number;
    openSeconds: number;
    heldSeconds: number;
    answeredHeartbeat: number;
    rssBeforeBytes: number | null;
    rssAfterBytes: number | null;
  };
  throughput: {
    rate: number;
    seconds: number;
    sent: number;
    apiErrors: number;
    achievedRate: number;
    received: number;
    fromInsert: Stats;
  };
}

const log = (line: string) => console.log(line);
/** Concurrent API writes of the throughput case. */
const MAX_IN_FLIGHT = 16;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? Number.NaN };
}

interface BenchUser {
  id: string;
  token: string;
}

/** Users with a live session each, written straight to the database (sign-ins are rate limited). */
async function createUsers(pool: Pool, count: number, label: string): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  const run = Date.now().toString(36);
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_, i) => start + i);
    const { rows } = await pool.query<{ id: string }>(
      `insert into users (email, name, role_id, password_hash)
         select 'bench-' || $1 || '-' || $2 || '-' || i || '@bench.test', 'Bench ' || i, 'user', 'x'
           from unnest($3::int[]) as i
       returning id`,
      [label, run, batch],
    );
    for (const row of rows) {
      const token = newToken(SESSION_TOKEN_PREFIX);
      users.push({ id: row.id, token });
      await pool.query(
        `insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '2 hours')`,
        [await hashToken(token), row.id],
      );
    }
  }
  return users;
}

/** A protocol-v1 client over `ws`, authenticated by a bearer session on the upgrade. */
class Socket {
  readonly received: { item: WireNotification; at: number }[] = [];
  private onItem: (() => void)[] = [];
  pongs = 0;
  constructor(
    readonly ws: WebSocket,
    readonly userId: string,
  ) {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text === 'pong') {
        this.pongs++;
        return;
      }
      const at = Date.now();
      const frame = JSON.parse(text) as ServerFrame;
      for (const message of frame.messages) {
        if (message.type === 'notifications' && !message.replay) {
          for (const item of message.items) this.received.push({ item, at });
          for (const wake of this.onItem.splice(0)) wake();
        }
      }
    });
  }

  static open(url: string, user: BenchUser): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/notifications`, {
        headers: { Authorization: `Bearer ${user.token}` },
      });
      const socket = new Socket(ws, user.id);
      const timer = setTimeout(() => reject(new Error('socket did not resume within 30 s')), 30_000);
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on('message', function onFirst(data) {
        const frame = JSON.parse(data.toString()) as ServerFrame;
        if (frame.messages.some((message) => message.type === 'hello')) {
          ws.send(JSON.stringify({ v: 1, type: 'resume', cursor: null }));
        }
        if (frame.messages.some((message) => message.type === 'notifications' && message.replay)) {
          ws.off('message', onFirst);
          clearTimeout(timer);
          resolve(socket);
        }
      });
    });
  }

  async waitFor(title: string, timeoutMs = 15_000): Promise<{ item: WireNotification; at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((entry) => entry.item.body.includes(title));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`notification ${title} not received in time`);
      await new Promise<void>((resolve) => {
        this.onItem.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  close() {
    this.ws.close(1000);
  }
}

async function assign(url: string, adminToken: string, assigneeId: string, title: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/tasks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, assigneeId }),
  });
  await response.body?.cancel();
  return response.status;
}

/** RSS of the stack's workerd processes: the one serving `port` and its siblings (same wrangler parent). */
function workerdRss(port: number): number | null {
  try {
    const table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
    const rows = table
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
      .flatMap((m) =>
        m?.[1] && m[2] && m[3] && m[4] ? [{ pid: m[1], ppid: m[2], rss: Number(m[3]), args: m[4] }] : [],
      );
    const entry = rows.find(
      (row) => row.args.includes('workerd') && row.args.includes(`entry=127.0.0.1:${port} `),
    );
    if (!entry) return null;
    return rows
      .filter((row) => row.ppid === entry.ppid && row.args.includes('workerd serve'))
      .reduce((sum, row) => sum + row.rss * 1024, 0);
  } catch {
    return null;
  }
}

export async function measureNotifications(
  stack: NotificationsBenchStack,
  options: {
    socketUsers?: number;
    socketsPerUser?: number;
    samples?: number;
    rate?: number;
    seconds?: number;
  } = {},
): Promise<NotificationsReport> {
  const pool = createPool({ databaseUrl: stack.databaseUrl, wsProxy: stack.wsProxy, max: 4 });
  const port = Number(new URL(stack.url).port);
  try {
    const [admin] = await createUsers(pool, 1, 'admin');
    if (!admin) throw new Error('no bench admin');
    await pool.query(`update users set role_id = 'admin' where id = $1`, [admin.id]);

    // 1. Latency: one user, three sockets, assignments one at a time.
    const samples = options.samples ?? 40;
    log(`bench notifications: latency, ${samples} assignments to a user with 3 sockets...`);
    const [target] = await createUsers(pool, 1, 'latency');
    if (!target) throw new Error('no bench user');
    const tabs = await Promise.all([0, 1, 2].map(() => Socket.open(stack.url, target)));
    const fromApi: number[] = [];
    const fromInsert: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const title = `lat-${i}-${Date.now()}`;
      const sent = Date.now();
      const status = await assign(stack.url, admin.token, target.id, title);
      if (status !== 201) throw new Error(`POST /api/v1/tasks answered ${status}`);
      const arrivals = await Promise.all(tabs.map((tab) => tab.waitFor(title)));
      const last = Math.max(...arrivals.map((arrival) => arrival.at));
      if (i >= 3) {
        // The first few warm up the hub, the queue consumer and the connections.
        fromApi.push(last - sent);
        fromInsert.push(last - Date.parse(arrivals[0]?.item.createdAt ?? ''));
      }
    }
    for (const tab of tabs) tab.close();

    // 2. Sockets held.
    const socketUsers = options.socketUsers ?? 500;
    const perUser = options.socketsPerUser ?? 4;
    log(`bench notifications: opening ${socketUsers * perUser} sockets for ${socketUsers} users...`);
    const users = await createUsers(pool, socketUsers, 'sockets');
    await sleep(2_000);
    const rssBefore = workerdRss(port);
    const openStart = performance.now();
    const sockets: Socket[] = [];
    const targets = users.flatMap((user) => Array.from({ length: perUser }, () => user));
    for (let start = 0; start < targets.length; start += 50) {
      const opened = await Promise.allSettled(
        targets.slice(start, start + 50).map((user) => Socket.open(stack.url, user)),
      );
      for (const result of opened) if (result.status === 'fulfilled') sockets.push(result.value);
    }
    const openSeconds = (performance.now() - openStart) / 1000;
    const heldSeconds = 15;
    await sleep(heldSeconds * 1000);
    const rssAfter = workerdRss(port);
    for (const socket of sockets) if (socket.ws.readyState === WebSocket.OPEN) socket.ws.send('ping');
    await sleep(10_000);
    const answered = sockets.filter((socket) => socket.pongs > 0).length;

    // 3. Throughput: keep 50 of those users' sockets, close the rest.
    const rate = options.rate ?? 100;
    const seconds = options.seconds ?? 10;
    const receivers = users.slice(0, 50);
    const listening = new Map<string, Socket>();
    for (const socket of sockets) {
      if (receivers.some((user) => user.id === socket.userId) && !listening.has(socket.userId)) {
        listening.set(socket.userId, socket);
      } else {
        socket.close();
      }
    }
    log(`bench notifications: ${rate} assignments/s for ${seconds} s over ${receivers.length} users...`);
    let sent = 0;
    let apiErrors = 0;
    const runId = Date.now().toString(36);
    // Paced, with a cap on requests in flight: an open loop on an overloaded machine only
    // measures Postgres running out of connections. The achieved rate is reported.
    const total = rate * seconds;
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const wait = t0 + (i * 1000) / rate - performance.now();
        if (wait > 0) await sleep(wait);
        const user = receivers[i % receivers.length];
        if (!user) continue;
        sent++;
        const status = await assign(stack.url, admin.token, user.id, `tp-${runId}-${i}`).catch(() => 0);
        if (status !== 201) apiErrors++;
      }
    };
    await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, worker));
    const sendSeconds = (performance.now() - t0) / 1000;
    const expected = sent - apiErrors;
    const deadline = Date.now() + 60_000;
    const count = () =>
      [...listening.values()].reduce(
        (sum, socket) =>
          sum + socket.received.filter((entry) => entry.item.body.includes(`tp-${runId}-`)).length,
        0,
      );
    while (count() < expected && Date.now() < deadline) await sleep(250);
    const throughputLatency = [...listening.values()].flatMap((socket) =>
      socket.received
        .filter((entry) => entry.item.body.includes(`tp-${runId}-`))
        .map((entry) => entry.at - Date.parse(entry.item.createdAt)),
    );
    for (const socket of listening.values()) socket.close();

    return {
      latency: { samples, sockets: 3, fromApi: stats(fromApi), fromInsert: stats(fromInsert) },
      sockets: {
        requested: targets.length,
        users: socketUsers,
        opened: sockets.length,
        openSeconds,
        heldSeconds,
        answeredHeartbeat: answered,
        rssBeforeBytes: rssBefore,
        rssAfterBytes: rssAfter,
      },
      throughput: {
        rate,
        seconds,
        sent,
        apiErrors,
        achievedRate: sent / sendSeconds,
        received: count(),
        fromInsert: stats(throughputLatency),
      },
    };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : '-');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function renderNotifications(report: NotificationsReport, date = new Date().toISOString()): string[] {
  const { latency, sockets, throughput } = report;
  const perSocket =
    sockets.rssBeforeBytes !== null && sockets.rssAfterBytes !== null && sockets.opened > 0
      ? `${((sockets.rssAfterBytes - sockets.rssBeforeBytes) / sockets.opened / 1024).toFixed(1)} KiB`
      : 'n/a (workerd process not found)';
  return [
    '<!-- notifications:start -->',
    '## Notifications (issue 7)',
    '',
    `Run ${date} on ${os.cpus().length} cores (load ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' / ')}), ` + 'local stack (`wrangler dev`, local queues), loopback; `bench/notifications.ts`.',
    '',
    `**Event → received on all ${latency.sockets} sockets of the user** (${latency.fromInsert.count} assignments, one at a time):`,
    '',
    '| measured from | p50 | p95 | max |',
    '|---|---|---|---|',
    `| notification stored (row \`created_at\`) → last socket | ${ms(latency.fromInsert.p50)} ms | ${ms(latency.fromInsert.p95)} ms | ${ms(latency.fromInsert.max)} ms |`,
    `| \`POST /api/v1/tasks\` sent → last socket (outbox + local queue batching, ≤ 1 s) | ${ms(latency.fromApi.p50)} ms | ${ms(latency.fromApi.p95)} ms | ${ms(latency.fromApi.max)} ms |`,
    '',
    `Goal: p95 < 30 ms for the hub path (stored → every socket): ${latency.fromInsert.p95 < 30 ? 'met' : 'NOT met'}. ` +
      'The API-to-socket figure is dominated by the local queue consumer batching ' +
      '(`max_batch_timeout = 1`), not by the notification code.',
    '',
    `**Sockets held**: ${sockets.opened.toLocaleString('en')} of ${sockets.requested.toLocaleString('en')} opened and resumed ` +
      `across ${sockets.users} users in ${sockets.openSeconds.toFixed(1)} s, held ${sockets.heldSeconds} s; ` +
      `${sockets.answeredHeartbeat.toLocaleString('en')} answered a heartbeat afterwards. workerd RSS ` +
      `${sockets.rssBeforeBytes === null ? 'n/a' : mib(sockets.rssBeforeBytes)} → ${sockets.rssAfterBytes === null ? 'n/a' : mib(sockets.rssAfterBytes)}: ` +
      `≈ ${perSocket} per socket (includes the ${sockets.users} hub objects).`,
    '',
    `**Sustained**: target ${throughput.rate} assignments/s for ${throughput.seconds} s over 50 users ` +
      `(at most ${MAX_IN_FLIGHT} API calls in flight): ${throughput.sent} sent at ${throughput.achievedRate.toFixed(1)}/s ` +
      `(${throughput.apiErrors} API errors), ${throughput.received} notifications received; stored → socket ` +
      `p50 ${ms(throughput.fromInsert.p50)} ms, p95 ${ms(throughput.fromInsert.p95)} ms, max ${ms(throughput.fromInsert.max)} ms.`,
    '<!-- notifications:end -->',
    '',
  ];
}

/** Replaces this bench's section of results.md (or appends it), leaving the others as they are. */
export async function writeNotificationsSection(
  lines: string[],
  file = path.join(PROJECT_ROOT, 'docs', 'perf', 'results.md'),
) {
  const current = await fs.readFile(file, 'utf8').catch(() => '');
  const section = lines.join('\n');
  const pattern = /<!-- notifications:start -->[\s\S]*?<!-- notifications:end -->\n?/;
  const next = pattern.test(current)
    ? current.replace(pattern, section)
    : `${current.trimEnd()}\n\n${section}`;
  await fs.writeFile(file, next);
}

let pendingSection: string[] | null = null;

/** For bench/run.ts: measures on its stack (before it stops); the section is written by `flushNotificationsSection`. */
export async function benchNotifications(stack: NotificationsBenchStack): Promise<void> {
  pendingSection = renderNotifications(await measureNotifications(stack));
}

/** For bench/run.ts, after it wrote results.md: adds this bench's section. */
export async function flushNotificationsSection(): Promise<void> {
  if (pendingSection) await writeNotificationsSection(pendingSection);
  pendingSection = null;
}

// Standalone: `npm exec -- tsx bench/notifications.ts --url=http://127.0.0.1:PORT [--data=.data]`
if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(PROJECT_ROOT, 'bench', 'notifications.ts')
) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const url = arg('url');
  const dataDir = path.resolve(PROJECT_ROOT, arg('data') ?? '.data');
  if (!url) throw new Error('--url=http://127.0.0.1:PORT of a running `npm start` is required');
  const info = JSON.parse(readFileSync(path.join(dataDir, 'run.json'), 'utf8')) as {
    postgres: { port: number; database: string };
    proxy: { wsProxy: string };
  };
  const password = readFileSync(path.join(dataDir, 'postgres', 'password'), 'utf8').trim();
  const databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${info.postgres.port}/${info.postgres.database}`;
  const report = await measureNotifications({
    url: url.replace(/\/+$/, ''),
    databaseUrl,
    wsProxy: info.proxy.wsProxy,
  });
  const lines = renderNotifications(report);
  log(lines.join('\n'));
  await writeNotificationsSection(lines);
}
