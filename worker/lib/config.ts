import { z } from 'zod';
import { AppError } from './errors';

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional())
  .optional();

const configSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'staging', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  NEON_WS_PROXY: z.string().optional(),
  UPSTASH_REDIS_REST_URL: optionalUrl,
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  SENTRY_DSN: optionalUrl,
  SENTRY_TRACES_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  RELEASE: z.string().optional(),
  /** DNS-over-HTTPS endpoint (JSON API) used to check webhook destinations; unset = IP literals only. */
  WEBHOOK_DNS_RESOLVER_URL: optionalUrl,
  /** Cache key prefix; default derived from the database's host and name. */
  CACHE_NAMESPACE: z.string().trim().min(1).optional(),
  /** API requests per minute and caller (sliding window), per user and per API token. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().positive().default(1_200),
  RATE_LIMIT_TOKEN_PER_MINUTE: z.coerce.number().int().positive().default(600),
});

export type Config = z.infer<typeof configSchema>;

/** Variables that must be present for the API to serve data, per environment. */
const REQUIRED_IN_PRODUCTION = [
  'DATABASE_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
] as const;

const configCache = new WeakMap<object, Config>();

/**
 * Validates the environment once per isolate and env object. Names of missing
 * or invalid variables are reported; their values never are.
 */
export function readConfig(env: Env): Config {
  const cached = configCache.get(env);
  if (cached) return cached;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    throw new AppError('MISCONFIGURED', { detail: `Invalid configuration: ${names.join(', ')}` });
  }
  const config = parsed.data;
  if (config.ENVIRONMENT === 'production') {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => !config[name]);
    if (missing.length > 0) {
      throw new AppError('MISCONFIGURED', { detail: `Missing configuration: ${missing.join(', ')}` });
    }
  }
  configCache.set(env, config);
  return config;
}

export function requireDatabaseUrl(config: Config): string {
  if (!config.DATABASE_URL) {
    throw new AppError('MISCONFIGURED', { detail: 'Missing configuration: DATABASE_URL' });
  }
  return config.DATABASE_URL;
}
