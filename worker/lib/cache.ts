import { Redis } from '@upstash/redis/cloudflare';
import type { Config } from './config';
import type { Logger } from './logger';

/** Upstash is one HTTP round trip away; past this the cache is treated as down for the call. */
const CACHE_TIMEOUT_MS = 250;

export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

/**
 * The Redis client plus failure semantics: a Redis failure is a cache miss
 * (logged, counted), never an error for the caller. `redis` is exposed for
 * work that must know about failures (health checks, rate limits).
 */
export class Cache {
  readonly stats: CacheStats = { hits: 0, misses: 0, errors: 0 };

  constructor(
    readonly redis: Redis | null,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.redis !== null;
  }

  async get<T>(key: string): Promise<T | null> {
    if (!this.redis) return null;
    try {
      const value = await this.redis.get<T>(key);
      if (value === null) this.stats.misses++;
      else this.stats.hits++;
      return value;
    } catch (error) {
      this.failed('get', key, error);
      return null;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    if (!this.redis) return false;
    try {
      await this.redis.set(key, value, { ex: ttlSeconds });
      return true;
    } catch (error) {
      this.failed('set', key, error);
      return false;
    }
  }

  async delete(...keys: string[]): Promise<number> {
    if (!this.redis || keys.length === 0) return 0;
    try {
      return await this.redis.del(...keys);
    } catch (error) {
      this.failed('del', keys[0] ?? '', error);
      return 0;
    }
  }

  /** Round-trip latency in ms, or throws: for readiness checks, which must see the failure. */
  async ping(): Promise<number> {
    if (!this.redis) throw new Error('cache disabled: UPSTASH_REDIS_REST_URL is not set');
    const started = performance.now();
    const answer = await this.redis.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${String(answer)}`);
    return performance.now() - started;
  }

  private failed(op: string, key: string, error: unknown) {
    this.stats.errors++;
    this.log.warn('cache.error', { op, keyPrefix: key.split(':')[0], error: describe(error) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function createRedis(config: Config): Redis | null {
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return null;
  return new Redis({
    url: config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    // A fresh signal per command: the timeout bounds each round trip, not the client's life.
    signal: () => AbortSignal.timeout(CACHE_TIMEOUT_MS),
    retry: { retries: 0 },
    enableTelemetry: false,
    latencyLogging: false,
  });
}

export function createCache(config: Config, log: Logger): Cache {
  return new Cache(createRedis(config), log);
}
