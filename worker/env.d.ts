// Secrets and local-only settings are not in wrangler.toml, so `wrangler types`
// cannot see them; they are declared here and merged into the generated Env.
declare namespace Cloudflare {
  interface Env {
    /** Postgres connection string (Neon in production, embedded Postgres locally). */
    DATABASE_URL?: string;
    /** Local only: `host:port` of the Neon WebSocket proxy (scripts/local/neon-proxy.ts). */
    NEON_WS_PROXY?: string;
    UPSTASH_REDIS_REST_URL?: string;
    UPSTASH_REDIS_REST_TOKEN?: string;
    SENTRY_DSN?: string;
    SESSION_SECRET?: string;
    /** Git SHA or version reported to Sentry and /healthz. */
    RELEASE?: string;
  }
}
