import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';
import { AppError } from '../lib/errors';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The API speaks JSON: a body of any other type is refused before it is read. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (METHODS_WITH_BODY.has(c.req.method) && hasBody(c.req.raw)) {
    const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
        detail: `Request bodies must be application/json, got ${mediaType || 'no Content-Type'}`,
      });
    }
  }
  await next();
});

function hasBody(request: Request): boolean {
  const length = request.headers.get('Content-Length');
  if (length !== null) return Number(length) > 0;
  return request.body !== null;
}

/** Streams are counted as they are read, so a lying Content-Length cannot bypass the limit. */
export const limitBodySize = createMiddleware<AppEnv>(async (c, next) => {
  const maxSize = c.var.config.MAX_BODY_BYTES;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', { detail: `Request bodies are limited to ${maxSize} bytes` });
    },
  })(c, next);
});
