import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';
import { AppError } from '../lib/errors';
import { checkQuotas, type LimitRule } from '../lib/rate-limit';

/**
 * Per-user and per-API-token request quotas on the authenticated API
 * (`RATE_LIMIT_*_PER_MINUTE`), with `RateLimit-*` headers on every answer and
 * a 429 problem with `Retry-After` past the limit. Fails open without Redis.
 */
export const limitApiCalls = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.var.actor;
  if (!actor) return next();
  const config = c.var.config;
  const checks: { rule: LimitRule; identifier: string }[] = [
    {
      rule: { name: 'api:user', limit: config.RATE_LIMIT_USER_PER_MINUTE, window: '1 m' },
      identifier: actor.userId,
    },
  ];
  if (actor.via === 'api-token' && actor.tokenId) {
    checks.push({
      rule: { name: 'api:token', limit: config.RATE_LIMIT_TOKEN_PER_MINUTE, window: '1 m' },
      identifier: actor.tokenId,
    });
  }
  const quota = await checkQuotas(c.var.cache, checks);
  if (!quota) return next();
  const headers = {
    'RateLimit-Limit': String(quota.limit),
    'RateLimit-Remaining': String(quota.remaining),
    'RateLimit-Reset': String(quota.resetSeconds),
  };
  if (quota.limited) {
    throw new AppError('RATE_LIMITED', {
      detail: `Request quota of ${quota.limit} per minute used up; retry in ${quota.resetSeconds} s`,
      headers: { ...headers, 'Retry-After': String(quota.resetSeconds) },
    });
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
