import type { ServiceDeps } from '../worker/lib/service-context';
import type { Actor } from '../worker/modules/identity/actor';

/**
 * What every Remix loader and action receives as `context`. The worker
 * (worker/remix.ts) builds it from the fetch handler's arguments; in
 * `remix vite:dev` the Cloudflare dev proxy plugin provides a superset
 * (`env`, `ctx`, `cf`, `caches`) emulated by wrangler.
 */
export interface CloudflareLoadContext {
  env: Env;
  ctx: Pick<ExecutionContext, 'waitUntil' | 'passThroughOnException'>;
}

/**
 * The request's dependencies, built by the Hono app before Remix runs, so
 * loaders and actions call the same services as the API (RBAC and validation
 * enforced once, in the services). `actor` is null for anonymous visitors.
 */
export interface AppRequestContext {
  requestId: string;
  actor: Actor | null;
  /** Service dependencies; the database pool opens on first use. */
  deps(): ServiceDeps;
}

declare module '@remix-run/server-runtime' {
  interface AppLoadContext {
    cloudflare: CloudflareLoadContext;
    app: AppRequestContext;
  }

  // Types loader/action data for single fetch (turbo-stream) responses.
  interface Future {
    v3_singleFetch: true;
  }
}
