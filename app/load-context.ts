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

declare module '@remix-run/server-runtime' {
  interface AppLoadContext {
    cloudflare: CloudflareLoadContext;
  }

  // Types loader/action data for single fetch (turbo-stream) responses.
  interface Future {
    v3_singleFetch: true;
  }
}
