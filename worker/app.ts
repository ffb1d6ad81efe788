import { secureHeaders } from 'hono/secure-headers';
import { createRouter, depsOf } from './lib/context';
import { AppError } from './lib/errors';
import { registerOpenApiDocs } from './lib/openapi';
import { createMethodLookup } from './lib/route-table';
import { limitBodySize, requireJsonBody } from './middleware/api-guards';
import { limitApiCalls } from './middleware/api-quota';
import { requireActor, resolveActor } from './middleware/authenticate';
import { dispatchOutboxAfterWrites } from './middleware/dispatch-outbox';
import { handleError } from './middleware/error-handler';
import { conditionalGet } from './middleware/http-cache';
import { requestContext } from './middleware/request-context';
import { MODULES, type ModuleMount, PUBLIC_API_PATHS } from './modules';
import { upgradeToNotificationHub } from './modules/notifications/notifications.socket';
import { handleRemixRequest } from './remix';

/**
 * The whole HTTP surface: `/api/v1/*` (JSON, OpenAPI-described), operations
 * endpoints, and the Remix UI for everything else.
 */
/** Paths that never need the caller's identity (and so never touch Postgres for it). */
const OPERATIONS_PATHS = new Set(['/healthz', '/readyz', '/api/openapi.json', '/api/docs']);

export function createApp(modules: readonly ModuleMount[] = MODULES) {
  const app = createRouter();

  app.onError(handleError);
  app.use('*', requestContext);
  app.use(
    '*',
    secureHeaders({
      // The Remix UI and Swagger UI need inline bootstrap scripts; the API serves JSON only.
      contentSecurityPolicy: undefined,
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('/api/*', limitBodySize, requireJsonBody);
  app.use('*', (c, next) => (OPERATIONS_PATHS.has(c.req.path) ? next() : resolveActor(c, next)));
  const allowedMethods = createMethodLookup(() => app.routes);
  // Unknown paths fall through to the 404 below; every known non-public route needs a caller.
  app.use('/api/v1/*', (c, next) =>
    PUBLIC_API_PATHS.has(c.req.path) || allowedMethods(c.req.path).length === 0
      ? next()
      : requireActor(c, next),
  );

  app.use('/api/v1/*', limitApiCalls);
  app.use('/api/v1/*', conditionalGet);
  app.use('/api/v1/*', dispatchOutboxAfterWrites);
  for (const module of modules) app.route(module.prefix, module.routes);
  registerOpenApiDocs(app);

  app.all('/api/*', (c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      throw new AppError('METHOD_NOT_ALLOWED', {
        detail: `${c.req.method} is not supported here; use ${allowed.join(', ')}`,
        headers: { Allow: allowed.join(', ') },
      });
    }
    throw new AppError('NOT_FOUND', { detail: `No API route matches ${c.req.method} ${c.req.path}` });
  });

  app.get('/ws/notifications', (c) => upgradeToNotificationHub(c));

  app.all('*', (c) =>
    handleRemixRequest(c.req.raw, c.env, c.executionCtx as ExecutionContext, {
      requestId: c.var.requestId,
      actor: c.var.actor ?? null,
      deps: () => depsOf(c),
    }),
  );

  return app;
}

export type App = ReturnType<typeof createApp>;
