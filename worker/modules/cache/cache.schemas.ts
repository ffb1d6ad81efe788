import { z } from '@hono/zod-openapi';
import { STAT_COUNTERS } from '../../lib/cache';

/**
 * Tags an Admin may flush: everything, one type, one record, the lists of one
 * scope, or the pipeline configuration (docs/decisions/013-response-cache.md).
 */
export const CACHE_TAG_PATTERN =
  /^(all|cfg:pipeline|type:[a-z_]+|rec:[a-z_]+:[0-9a-f-]{36}|list:[a-z_]+:(all|team:[0-9a-f-]{36}|user:[0-9a-f-]{36}))$/;

export const flushCacheSchema = z
  .object({
    tag: z
      .string()
      .trim()
      .regex(
        CACHE_TAG_PATTERN,
        'Not a cache tag (all, type:<entity>, rec:<entity>:<id>, list:<entity>:<scope>)',
      )
      .openapi({ example: 'type:organisation' }),
  })
  .openapi('CacheFlush');

const counters = Object.fromEntries(STAT_COUNTERS.map((name) => [name, z.number().int()])) as Record<
  (typeof STAT_COUNTERS)[number],
  z.ZodNumber
>;

export const prefixStatsSchema = z
  .object({
    prefix: z.string().openapi({ example: 'organisation:list' }),
    ...counters,
    hitRate: z.number().nullable().openapi({ description: 'hits / (hits + misses), null before any lookup' }),
    avgLoadMs: z.number().nullable(),
  })
  .openapi('CachePrefixStats');

export const cacheStatsSchema = z
  .object({
    enabled: z.boolean(),
    status: z.enum(['ok', 'degraded', 'disabled']),
    namespace: z.string(),
    ttlSeconds: z.record(z.string(), z.number().int()),
    totals: prefixStatsSchema.omit({ prefix: true }),
    prefixes: z.array(prefixStatsSchema),
  })
  .openapi('CacheStats');

export type CacheStatsResponse = z.infer<typeof cacheStatsSchema>;
export type PrefixStatsRow = z.infer<typeof prefixStatsSchema>;
