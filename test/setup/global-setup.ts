import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmailSink } from '../../scripts/local/email-sink';
import { startNeonProxy } from '../../scripts/local/neon-proxy';
import { startPostgres } from '../../scripts/local/postgres';
import { resolveRedis, startRedisServer } from '../../scripts/local/redis';
import { startUpstashServer } from '../../scripts/local/upstash-server';
import { startWebhookReceiver } from '../../scripts/local/webhook-receiver';
import { migrate } from '../../scripts/migrate';
import { withAdminPool } from './admin-sql';
import { startSentrySink } from './sentry-sink';

const TEMPLATE_DATABASE = 'alforis_template';
const SHARED_DATABASE = 'alforis_test';

type Stop = () => Promise<void>;

/** What the receiver's DNS-over-HTTPS endpoint answers, for the webhook SSRF tests. */
const WEBHOOK_TEST_DNS: Record<string, string[]> = {
  'partner.example': ['127.0.0.1'],
  'metadata.attacker.example': ['169.254.169.254'],
  'mixed.attacker.example': ['93.184.216.34', 'fe80::1'],
  'intranet.attacker.example': ['10.1.2.3'],
};

/**
 * Starts the real services the worker tests talk to — embedded Postgres, the
 * Neon WebSocket proxy, Redis behind our Upstash REST endpoint, a Sentry sink —
 * migrates a template database, and hands the addresses to the workers pool.
 */
export default async function setup(project: TestProject): Promise<Stop> {
  const stops: Stop[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error('teardown:', error));
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'alforis-test-'));
    await chmod(dataDir, 0o755);
    stops.push(() => rm(dataDir, { recursive: true, force: true }));

    const [postgres, proxy, sentry, redis] = await Promise.allSettled([
      startPostgres({ dataDir: join(dataDir, 'pg'), database: TEMPLATE_DATABASE }),
      startNeonProxy(),
      startSentrySink(),
      resolveRedis({ spawnIfMissing: true, dataDir }),
    ]);
    for (const started of [postgres, proxy, sentry, redis]) {
      if (started.status === 'fulfilled' && started.value)
        stops.push(() => started.value?.stop() ?? Promise.resolve());
    }
    for (const started of [postgres, proxy, sentry, redis]) {
      if (started.status === 'rejected') throw started.reason;
    }
    if (postgres.status !== 'fulfilled' || proxy.status !== 'fulfilled' || sentry.status !== 'fulfilled') {
      throw new Error('unreachable');
    }
    const redisHandle = redis.status === 'fulfilled' ? redis.value : null;

    await migrate({ databaseUrl: postgres.value.url, wsProxy: proxy.value.wsProxy });
    const adminUrl = postgres.value.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1');
    await withAdminPool(adminUrl, proxy.value.wsProxy, async (pool) => {
      await pool.query(`drop database if exists ${SHARED_DATABASE}`);
      await pool.query(`create database ${SHARED_DATABASE} template ${TEMPLATE_DATABASE}`);
    });

    const token = `test-${crypto.randomUUID()}`;
    let upstashUrl = '';
    let upstashDownUrl = '';
    if (redisHandle) {
      const upstash = await startUpstashServer({ redisUrl: redisHandle.url, token });
      stops.push(() => upstash.stop());
      upstashUrl = upstash.url;
      // Redis outage, for real: an Upstash endpoint whose Redis server has been stopped.
      const doomed = await startRedisServer();
      const upstashDown = await startUpstashServer({ redisUrl: doomed.url, token });
      stops.push(() => upstashDown.stop());
      await doomed.stop();
      upstashDownUrl = upstashDown.url;
    } else if (process.env.CI === 'true') {
      throw new Error('CI=true but no Redis found (REDIS_URL, 127.0.0.1:6379 or redis-server on PATH)');
    } else {
      console.warn(
        '\n\n!!! No Redis found (REDIS_URL, 127.0.0.1:6379, redis-server on PATH): Redis-backed tests are SKIPPED !!!\n\n',
      );
    }

    project.provide(
      'DATABASE_URL',
      postgres.value.url.replace(`/${TEMPLATE_DATABASE}`, `/${SHARED_DATABASE}`),
    );
    project.provide('ADMIN_DATABASE_URL', adminUrl);
    project.provide('TEMPLATE_DATABASE', TEMPLATE_DATABASE);
    project.provide('NEON_WS_PROXY', proxy.value.wsProxy);
    project.provide('UPSTASH_REDIS_REST_URL', upstashUrl);
    project.provide('UPSTASH_REDIS_REST_TOKEN', token);
    project.provide('UPSTASH_DOWN_URL', upstashDownUrl);
    project.provide('SENTRY_SINK_URL', sentry.value.url);
    project.provide('REDIS_AVAILABLE', redisHandle !== null);
    const receiver = await startWebhookReceiver({ dns: WEBHOOK_TEST_DNS });
    stops.push(() => receiver.stop());
    project.provide('WEBHOOK_RECEIVER_URL', receiver.url);
    const emailSink = await startEmailSink();
    stops.push(() => emailSink.stop());
    project.provide('EMAIL_SINK_URL', emailSink.url);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
