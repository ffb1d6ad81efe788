import { env } from 'cloudflare:test';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCache, createRedis } from '../../worker/lib/cache';
import { readConfig } from '../../worker/lib/config';
import { createLogger } from '../../worker/lib/logger';

const redisAvailable = inject('REDIS_AVAILABLE');
if (!redisAvailable) console.warn('!!! Redis tests SKIPPED: no Redis available !!!');

describe.skipIf(!redisAvailable)('Upstash REST protocol over a real Redis, from inside workerd', () => {
  const redis = createRedis(readConfig(env));
  const prefix = `test:${crypto.randomUUID()}`;

  afterAll(async () => {
    const keys = await redis?.keys(`${prefix}:*`);
    if (redis && keys && keys.length > 0) await redis.del(...keys);
  });

  it('sets with a TTL and NX, and gets', async () => {
    if (!redis) throw new Error('redis client not configured');
    const key = `${prefix}:nx`;
    expect(await redis.set(key, { name: 'Société Générale', aum: 12.5 }, { ex: 60, nx: true })).toBe('OK');
    expect(await redis.set(key, { name: 'other' }, { ex: 60, nx: true })).toBeNull();
    expect(await redis.get(key)).toEqual({ name: 'Société Générale', aum: 12.5 });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('runs a pipeline and a transaction', async () => {
    if (!redis) throw new Error('redis client not configured');
    const counter = `${prefix}:counter`;
    const pipeline = redis.pipeline();
    pipeline.incr(counter);
    pipeline.incrby(counter, 4);
    pipeline.get(counter);
    pipeline.hset(`${prefix}:hash`, { a: '1', b: 'é' });
    pipeline.hgetall(`${prefix}:hash`);
    expect(await pipeline.exec()).toEqual([1, 5, 5, 2, { a: 1, b: 'é' }]);

    const tx = redis.multi();
    tx.set(`${prefix}:tx`, 'x');
    tx.expire(`${prefix}:tx`, 30);
    expect(await tx.exec()).toEqual(['OK', 1]);
  });

  it('evaluates a Lua script (used for locks and rate limits)', async () => {
    if (!redis) throw new Error('redis client not configured');
    const result = await redis.eval<[string], number>(
      "return redis.call('INCRBY', KEYS[1], ARGV[1])",
      [`${prefix}:lua`],
      ['7'],
    );
    expect(result).toBe(7);
  });

  it('treats a Redis outage as a cache miss, never an error', async () => {
    const down = createCache(
      readConfig({ ...env, UPSTASH_REDIS_REST_URL: inject('UPSTASH_DOWN_URL') }),
      createLogger('error'),
    );
    expect(await down.get('anything')).toBeNull();
    expect(await down.set('anything', 1, 10)).toBe(false);
    expect(down.stats.errors).toBe(2);
    await expect(down.ping()).rejects.toThrow();
  });
});
