import { createRoute } from '@hono/zod-openapi';
import { actorDepsOf, actorOf, createRouter, depsOf } from '../../lib/context';
import { problemResponses } from '../../lib/openapi';
import { enforceRateLimits } from '../../lib/rate-limit';
import { recordScope } from './actor';
import { changePassword, login, logout, toPublicUser } from './auth.service';
import { changePasswordSchema, loginBodySchema, loginResponseSchema, meSchema } from './identity.schemas';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie';
import { findUser } from './users.service';

/** Login attempts per account and per IP; the Remix login page applies the same rules. */
export const LOGIN_LIMITS = {
  account: { name: 'login:account', limit: 5, window: '15 m' },
  ip: { name: 'login:ip', limit: 30, window: '15 m' },
} as const;

const loginRoute = createRoute({
  method: 'post',
  path: '/login',
  tags: ['Authentication'],
  summary: 'Sign in with email and password',
  description:
    'Returns a session token (also set as an HttpOnly cookie). Unknown emails and wrong passwords are indistinguishable. Rate limited per account and per IP.',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: loginBodySchema } } } },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: loginResponseSchema } } },
    ...problemResponses(400, 401, 415, 422, 429),
  },
});

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Authentication'],
  summary: 'The caller, with effective permissions and data scope',
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: meSchema } } },
    ...problemResponses(401),
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['Authentication'],
  summary: 'Revoke the current session',
  responses: { 204: { description: 'Signed out' }, ...problemResponses(400, 401) },
});

const passwordRoute = createRoute({
  method: 'post',
  path: '/password',
  tags: ['Authentication'],
  summary: 'Change the password; every other session is revoked',
  request: { body: { required: true, content: { 'application/json': { schema: changePasswordSchema } } } },
  responses: { 204: { description: 'Password changed' }, ...problemResponses(401, 422) },
});

export const authRoutes = createRouter();

authRoutes.openapi(loginRoute, async (c) => {
  const body = c.req.valid('json');
  const deps = depsOf(c);
  await enforceRateLimits(deps.cache, deps.log, [
    { rule: LOGIN_LIMITS.account, identifier: body.email },
    { rule: LOGIN_LIMITS.ip, identifier: deps.meta.ip ?? 'unknown' },
  ]);
  const result = await login(deps, {
    email: body.email,
    password: body.password,
    previousToken: readSessionCookie(c.req.raw),
  });
  c.set('userId', result.user.id);
  c.header('Set-Cookie', sessionCookie(c.req.url, result.token, result.expiresAt));
  c.header('Cache-Control', 'no-store');
  return c.json({ token: result.token, expiresAt: result.expiresAt.toISOString(), user: result.user }, 200);
});

authRoutes.openapi(meRoute, async (c) => {
  const actor = actorOf(c);
  const user = await findUser(c.var.dbHandle.db, actor.userId);
  return c.json(
    {
      ...toPublicUser(user),
      permissions: [...actor.permissions].sort(),
      scope: recordScope(actor),
      via: actor.via,
    },
    200,
  );
});

authRoutes.openapi(logoutRoute, async (c) => {
  const deps = actorDepsOf(c);
  await logout(deps, deps.actor);
  c.header('Set-Cookie', clearedSessionCookie(c.req.url));
  return c.body(null, 204);
});

authRoutes.openapi(passwordRoute, async (c) => {
  const deps = actorDepsOf(c);
  await changePassword(deps, deps.actor, c.req.valid('json'));
  return c.body(null, 204);
});
