import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';
import { AppError } from '../lib/errors';
import { IMPORT_MEDIA_TYPES, IMPORT_UPLOAD_PATH, MAX_FILE_BYTES } from '../modules/imports/imports.limits';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The routes whose body is a raw file rather than JSON: what they accept, and up to what size. */
const FILE_UPLOADS: { method: string; path: string; mediaTypes: readonly string[]; maxBytes: number }[] = [
  { method: 'POST', path: IMPORT_UPLOAD_PATH, mediaTypes: IMPORT_MEDIA_TYPES, maxBytes: MAX_FILE_BYTES },
];

function fileUploadOf(c: { req: { method: string; path: string } }) {
  const path = c.req.path.replace(/\/+$/, '');
  return FILE_UPLOADS.find((upload) => upload.method === c.req.method && upload.path === path);
}

/** The API speaks JSON: a body of any other type is refused before it is read. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (METHODS_WITH_BODY.has(c.req.method) && hasBody(c.req.raw)) {
    const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? '';
    const upload = fileUploadOf(c);
    if (upload && !upload.mediaTypes.includes(mediaType.toLowerCase())) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
        detail: `Send the file as ${upload.mediaTypes.join(' or ')}, got ${mediaType || 'no Content-Type'}`,
      });
    }
    if (!upload && !JSON_MEDIA_TYPE.test(mediaType)) {
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
  const upload = fileUploadOf(c);
  const maxSize = upload?.maxBytes ?? c.var.config.MAX_BODY_BYTES;
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', {
        detail: upload
          ? `Files are limited to ${Math.round(maxSize / 1024 / 1024)} MB (${maxSize} bytes)`
          : `Request bodies are limited to ${maxSize} bytes`,
      });
    },
  })(c, next);
});
