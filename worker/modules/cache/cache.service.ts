import { type PrefixStats, STAT_COUNTERS } from '../../lib/cache';
import { CACHE_TTL } from '../../lib/cache-tags';
import { AppError } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
import { recordAudit } from '../audit/audit.service';
import { assertPermission } from '../identity/actor';
import type { CacheStatsResponse, PrefixStatsRow } from './cache.schemas';

function emptyCounters(): PrefixStats {
  return Object.fromEntries(STAT_COUNTERS.map((name) => [name, 0])) as PrefixStats;
}

function withRates(counters: PrefixStats) {
  const lookups = counters.hits + counters.misses;
  return {
    ...counters,
    hitRate: lookups > 0 ? Math.round((counters.hits / lookups) * 10_000) / 10_000 : null,
    avgLoadMs: counters.loads > 0 ? Math.round((counters.loadMs / counters.loads) * 100) / 100 : null,
  };
}

/** Hit rate and load time per key prefix, busiest first (Admin: settings:manage). */
export async function readCacheStats(deps: ActorDeps): Promise<CacheStatsResponse> {
  assertPermission(deps.actor, 'settings', 'manage');
  const { cache } = deps;
  const base = {
    enabled: cache.enabled,
    namespace: cache.namespace,
    ttlSeconds: { ...CACHE_TTL },
  };
  const totals = emptyCounters();
  if (!cache.enabled) {
    return { ...base, status: 'disabled', totals: withRates(totals), prefixes: [] };
  }
  let byPrefix: Record<string, PrefixStats>;
  try {
    byPrefix = await cache.readStats();
  } catch {
    return { ...base, status: 'degraded', totals: withRates(totals), prefixes: [] };
  }
  const prefixes: PrefixStatsRow[] = Object.entries(byPrefix)
    .map(([prefix, counters]) => {
      for (const name of STAT_COUNTERS) totals[name] += counters[name];
      return { prefix, ...withRates(counters) };
    })
    .sort((a, b) => b.hits + b.misses - (a.hits + a.misses) || a.prefix.localeCompare(b.prefix));
  return {
    ...base,
    status: cache.degraded ? 'degraded' : 'ok',
    totals: withRates(totals),
    prefixes,
  };
}

/** Invalidates every entry that depends on `tag` (a version bump, no key scan); audited. */
export async function flushCacheTag(deps: ActorDeps, tag: string): Promise<void> {
  assertPermission(deps.actor, 'settings', 'manage');
  const flushed = await deps.cache.invalidate([tag]);
  if (!flushed) {
    throw new AppError('SERVICE_UNAVAILABLE', {
      detail: deps.cache.enabled ? 'The cache is unreachable; try again shortly' : 'The cache is disabled',
    });
  }
  await recordAudit(deps.db, {
    actorId: deps.actor.userId,
    action: 'cache.flushed',
    targetType: 'cache',
    targetId: null,
    changes: { tag: { before: null, after: tag } },
    requestId: deps.meta.requestId,
    ip: deps.meta.ip,
  });
}

/** Starts the counters afresh (e.g. before measuring). */
export async function resetCacheStats(deps: ActorDeps): Promise<void> {
  assertPermission(deps.actor, 'settings', 'manage');
  try {
    await deps.cache.resetStats();
  } catch {
    throw new AppError('SERVICE_UNAVAILABLE', { detail: 'The cache is unreachable; try again shortly' });
  }
}
