import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    DATABASE_URL: string;
    /** Admin connection (database `postgres`) for creating per-file databases from the template. */
    ADMIN_DATABASE_URL: string;
    TEMPLATE_DATABASE: string;
    NEON_WS_PROXY: string;
    UPSTASH_REDIS_REST_URL: string;
    UPSTASH_REDIS_REST_TOKEN: string;
    /** An Upstash endpoint whose Redis has been stopped: Redis outage, for degradation tests. */
    UPSTASH_DOWN_URL: string;
    /** Local Sentry ingestion sink (speaks the envelope protocol); `GET /__envelopes` lists what it got. */
    SENTRY_SINK_URL: string;
    /** `false` when no Redis could be found outside CI: Redis-backed tests skip, loudly. */
    REDIS_AVAILABLE: boolean;
    /** Local partner endpoint (scripts/local/webhook-receiver.ts); also answers DNS-over-HTTPS on /dns-query. */
    WEBHOOK_RECEIVER_URL: string;
    /** Local email provider speaking SendGrid's v3 mail/send; `GET /__messages` lists what it got. */
    EMAIL_SINK_URL: string;
  }
}
