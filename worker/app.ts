import { secureHeaders } from 'hono/secure-headers';
import { createRouter } from './lib/context';
import { AppError } from './lib/errors';
import { registerOpenApiDocs } from './lib/openapi';
import { createMethodLookup } from './lib/route-table';
import { limitBodySize, requireJsonBody } from './middleware/api-guards';
import { handleError } from './middleware/error-handler';
import { requestContext } from './middleware/request-context';
import { MODULES, type ModuleMount } from './modules';
import { handleRemixRequest } from './remix';

/**
 * The whole HTTP surface: `/api/v1/*` (JSON, OpenAPI-described), operations
 * endpoints, and the Remix UI for everything else.
 */
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

  for (const module of modules) app.route(module.prefix, module.routes);
  registerOpenApiDocs(app);

  const allowedMethods = createMethodLookup(() => app.routes);
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

  app.all('/ws', () => {
    // The hub is per user: connecting needs an authenticated identity (identity issue).
    throw new AppError('UNAUTHENTICATED', { detail: 'Sign in to receive notifications' });
  });

  app.all('*', (c) => handleRemixRequest(c.req.raw, c.env, c.executionCtx as ExecutionContext));

  return app;
}

export type App = ReturnType<typeof createApp>;
