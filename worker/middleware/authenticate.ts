import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../lib/context';
import { AppError } from '../lib/errors';
import { authenticate } from '../modules/identity/auth.service';
import { readSessionCookie } from '../modules/identity/session-cookie';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Cookie-authenticated writes must come from our own pages: browsers send
 * Origin (or Sec-Fetch-Site) on every cross-site POST, so a forged form post
 * from another site is refused. Bearer-token calls carry no ambient authority.
 */
function assertSameOrigin(request: Request) {
  // Sec-Fetch-Site is set by the browser itself and survives `Referrer-Policy: no-referrer`
  // (which turns Origin into "null" on form posts): trust it when present, else compare Origin.
  const fetchSite = request.headers.get('Sec-Fetch-Site');
  if (fetchSite) {
    if (fetchSite !== 'same-origin' && fetchSite !== 'none') {
      throw new AppError('FORBIDDEN', { detail: 'Cross-site request refused' });
    }
    return;
  }
  const origin = request.headers.get('Origin');
  if (origin && origin !== new URL(request.url).origin) {
    throw new AppError('FORBIDDEN', { detail: 'Cross-origin request refused' });
  }
}

/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie.
 * A bearer header that is present but invalid is a 401 even if a cookie is
 * also sent, so scripts never silently act as a browser session.
 */
export const resolveActor = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  const bearer = bearerToken(header);
  if (header && !bearer) throw new AppError('UNAUTHENTICATED', { detail: 'Malformed Authorization header' });
  const cookie = bearer ? null : readSessionCookie(c.req.raw);
  const token = bearer ?? cookie;
  if (token) {
    const actor = await authenticate(c.var.dbHandle.db, token, (work) => c.var.dbHandle.track(work));
    if (actor) {
      if (cookie && UNSAFE_METHODS.has(c.req.method)) assertSameOrigin(c.req.raw);
      c.set('actor', actor);
      c.set('userId', actor.userId);
    } else if (bearer) {
      throw new AppError('UNAUTHENTICATED', { detail: 'The token is invalid, expired or revoked' });
    }
  }
  await next();
});

/** For `/api/v1/*` routes: a caller must be authenticated. */
export const requireActor = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.var.actor) throw new AppError('UNAUTHENTICATED', { detail: 'Sign in or send a bearer token' });
  await next();
});
