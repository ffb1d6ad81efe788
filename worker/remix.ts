import { createRequestHandler, type RequestHandler } from '@remix-run/cloudflare';
import type { AppRequestContext } from '../app/load-context';
// Built by `remix vite:build` (npm run build); typed by worker/remix-build.d.ts.
import * as build from '../build/server/index.js';

type ServerMode = 'development' | 'production' | 'test';

/** Remix's mode decides how much of an error reaches the browser. */
function serverMode(environment: string | undefined): ServerMode {
  if (environment === 'production' || environment === 'staging') return 'production';
  if (environment === 'test') return 'test';
  return 'development';
}

// One handler per mode for the isolate's lifetime: it holds only the build.
const handlers = new Map<ServerMode, RequestHandler>();

/**
 * Renders Remix pages and answers their data requests. Mounted as the Hono
 * fallthrough (`app.all('*', …)`); static assets never reach it, the
 * `[assets]` layer serves them first.
 */
export function handleRemixRequest(
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  app: AppRequestContext,
): Promise<Response> {
  const mode = serverMode(env.ENVIRONMENT);
  let handler = handlers.get(mode);
  if (!handler) {
    handler = createRequestHandler(build, mode);
    handlers.set(mode, handler);
  }
  return handler(request, { cloudflare: { env, ctx }, app });
}
