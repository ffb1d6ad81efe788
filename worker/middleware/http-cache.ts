import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';

/**
 * Conditional GETs for the API: answers that depend on the caller are
 * `private` (never stored by shared caches) and revalidated each time; a
 * matching `If-None-Match` gets `304 Not Modified` without the body.
 */
export const conditionalGet = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method !== 'GET' || c.res.status !== 200) return;
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'private, no-cache');
  c.res.headers.append('Vary', 'Authorization, Cookie');
  const etag = c.res.headers.get('ETag');
  const candidates = c.req.header('If-None-Match');
  if (!etag || !candidates) return;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  const matches = candidates.trim() === '*' || candidates.split(',').some((tag) => weak(tag) === weak(etag));
  if (!matches) return;
  const headers = new Headers(c.res.headers);
  headers.delete('Content-Type');
  headers.delete('Content-Length');
  c.res = new Response(null, { status: 304, headers });
});
