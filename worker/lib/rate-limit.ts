import { Ratelimit } from '@upstash/ratelimit';
import type { Cache } from './cache';
import { AppError } from './errors';
import type { Logger } from './logger';

export interface LimitRule {
  /** Key namespace, e.g. `login:account`. */
  name: string;
  limit: number;
  window: `${number} ${'s' | 'm' | 'h'}`;
}

/**
 * Sliding-window limits in Redis. If Redis is down or slow the request is let
 * through and the failure logged: rate limits must not make the product less
 * available than Postgres alone (docs/decisions/006-authentication.md).
 */
export async function enforceRateLimits(
  cache: Cache,
  log: Logger,
  checks: { rule: LimitRule; identifier: string }[],
): Promise<void> {
  if (!cache.redis) return;
  let retryAfterSeconds = 0;
  for (const { rule, identifier } of checks) {
    const limiter = new Ratelimit({
      redis: cache.redis,
      prefix: `rl:${rule.name}`,
      limiter: Ratelimit.slidingWindow(rule.limit, rule.window),
      timeout: 500,
      analytics: false,
      ephemeralCache: false,
    });
    try {
      const result = await limiter.limit(identifier);
      if (result.reason === 'timeout') log.warn('ratelimit.timeout', { rule: rule.name });
      if (!result.success) {
        retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((result.reset - Date.now()) / 1000));
      }
    } catch (error) {
      log.warn('ratelimit.unavailable', {
        rule: rule.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (retryAfterSeconds > 0) {
    throw new AppError('RATE_LIMITED', {
      detail: `Too many attempts; retry in ${retryAfterSeconds} s`,
      headers: { 'Retry-After': String(Math.max(1, retryAfterSeconds)) },
    });
  }
}

export interface QuotaState {
  limit: number;
  remaining: number;
  /** Seconds until the window frees capacity again. */
  resetSeconds: number;
  limited: boolean;
}

/**
 * Per-caller API quotas (per user, and per API token): the tightest of the
 * checks, for the `RateLimit-*` headers. Fails open: with Redis down or slow
 * (breaker open, timeout) the answer is `null` and the request goes on.
 */
export async function checkQuotas(
  cache: Cache,
  checks: { rule: LimitRule; identifier: string }[],
): Promise<QuotaState | null> {
  const redis = cache.redis;
  if (!redis || cache.degraded) return null;
  const results = await Promise.all(
    checks.map(({ rule, identifier }) =>
      cache.attempt(`ratelimit:${rule.name}`, async () => {
        const limiter = new Ratelimit({
          redis,
          prefix: `rl:${rule.name}`,
          limiter: Ratelimit.slidingWindow(rule.limit, rule.window),
          timeout: 500,
          analytics: false,
          ephemeralCache: false,
        });
        const result = await limiter.limit(identifier);
        if (result.reason === 'timeout') return null;
        return {
          limit: result.limit,
          remaining: Math.max(0, result.remaining),
          resetSeconds: Math.max(1, Math.ceil((result.reset - Date.now()) / 1000)),
          limited: !result.success,
        } satisfies QuotaState;
      }),
    ),
  );
  const states = results.filter((state): state is QuotaState => Boolean(state));
  if (states.length === 0) return null;
  const limited = states.filter((state) => state.limited);
  if (limited.length > 0) return limited.reduce((a, b) => (b.resetSeconds > a.resetSeconds ? b : a));
  return states.reduce((a, b) => (b.remaining < a.remaining ? b : a));
}
