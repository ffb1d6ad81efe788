/**
 * Secrets and local-only settings are not in wrangler.toml, so `wrangler types`
 * cannot see them; they are declared here and merged into the generated Env
 * (the global one the worker uses and `Cloudflare.Env` that `cloudflare:test` uses).
 */
interface AppSecrets {
  /** Postgres connection string (Neon in production, embedded Postgres locally). */
  DATABASE_URL?: string;
  /** Local only: `host:port/path` of the Neon WebSocket proxy (scripts/local/neon-proxy.ts). */
  NEON_WS_PROXY?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  SENTRY_DSN?: string;
  SESSION_SECRET?: string;
  /** Git SHA or version reported to Sentry and /healthz. */
  RELEASE?: string;
}

interface Env extends AppSecrets {}

declare namespace Cloudflare {
  interface Env extends AppSecrets {}
}
