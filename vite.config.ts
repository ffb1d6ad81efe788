import { fileURLToPath } from 'node:url';
import { cloudflareDevProxyVitePlugin, vitePlugin as remix } from '@remix-run/dev';
import { defineConfig, type ProxyOptions } from 'vite';

/**
 * Paths the worker serves itself (Hono), mirroring `run_worker_first` in
 * wrangler.toml. Keys starting with `^` are regular expressions, so `/t/` does
 * not swallow `/taches`.
 */
function workerProxy(target: string | undefined): Record<string, ProxyOptions> | undefined {
  if (!target) return undefined;
  const http: ProxyOptions = { target, changeOrigin: false };
  return {
    '^/ws(/|$|\\?)': { ...http, ws: true },
    '^/(api|t|hooks)/': http,
    '^/(healthz|readyz)($|\\?)': http,
  };
}

export default defineConfig(({ command }) => ({
  plugins: [
    // Dev only: gives `remix vite:dev` the same `context.cloudflare.env` the
    // worker passes in production (bindings emulated by wrangler's
    // getPlatformProxy). Must come before the Remix plugin.
    ...(command === 'serve' ? [cloudflareDevProxyVitePlugin()] : []),
    remix({
      // v3_routeConfig is left off: it needs @remix-run/route-config and
      // @remix-run/fs-routes, which we do not depend on.
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: {
    alias: { '~': fileURLToPath(new URL('./app', import.meta.url)) },
  },
  // The server build (build/server/index.js, ESM) is imported by
  // worker/remix.ts and bundled again by wrangler's esbuild for workerd. Deps
  // stay external here (as in Remix's Cloudflare templates) so that esbuild
  // resolves one copy of react/@remix-run/* for the worker and the build;
  // anything Vite does inline resolves with workerd's conditions.
  ssr: {
    target: 'webworker',
    resolve: {
      conditions: ['workerd', 'worker', 'browser'],
      externalConditions: ['workerd', 'worker'],
    },
  },
  server: {
    proxy: workerProxy(process.env.WRANGLER_URL),
  },
}));
