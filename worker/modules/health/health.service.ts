import type { DbHandle } from '../../db/client';
import type { Cache } from '../../lib/cache';

const CHECK_TIMEOUT_MS = 2_000;

export interface DependencyCheck {
  status: 'ok' | 'down' | 'degraded' | 'disabled';
  latencyMs?: number;
  error?: string;
}

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { postgres: DependencyCheck; redis: DependencyCheck };
}

async function timed(check: () => Promise<unknown>): Promise<{ latencyMs: number } | { error: string }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Postgres is required (without it the CRM cannot answer); Redis is an
 * optimisation, so its failure degrades readiness without failing it.
 */
export async function checkReadiness(deps: { dbHandle: DbHandle; cache: Cache }): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([
    timed(() => deps.dbHandle.pool.query('select 1')),
    deps.cache.enabled ? timed(() => deps.cache.ping()) : Promise.resolve(null),
  ]);
  const postgresCheck: DependencyCheck =
    'latencyMs' in postgres
      ? { status: 'ok', latencyMs: postgres.latencyMs }
      : { status: 'down', error: postgres.error };
  const redisCheck: DependencyCheck =
    redis === null
      ? { status: 'disabled' }
      : 'latencyMs' in redis
        ? deps.cache.degraded
          ? // Answering again, but requests still bypass it until the breaker closes.
            { status: 'degraded', latencyMs: redis.latencyMs, error: 'circuit breaker open after failures' }
          : { status: 'ok', latencyMs: redis.latencyMs }
        : { status: 'degraded', error: redis.error };
  return {
    status: postgresCheck.status === 'ok' ? 'ready' : 'unavailable',
    checks: { postgres: postgresCheck, redis: redisCheck },
  };
}
