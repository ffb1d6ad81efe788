import { OpenAPIHono } from '@hono/zod-openapi';
import type { DbHandle } from '../db/client';
import type { Actor } from '../modules/identity/actor';
import type { Cache } from './cache';
import type { Config } from './config';
import { AppError, validationError } from './errors';
import type { Logger } from './logger';
import type { ErrorReporter } from './sentry';
import type { ActorDeps, ServiceDeps } from './service-context';

/** Per-request dependencies, set by the request-context middleware; never module state. */
export interface AppVariables {
  requestId: string;
  config: Config;
  log: Logger;
  /** Lazily opened: requests that never query never connect. */
  dbHandle: DbHandle;
  cache: Cache;
  reporter: ErrorReporter | null;
  /** The authenticated caller, when there is one (see middleware/authenticate.ts). */
  actor?: Actor;
  /** Logged with the request. */
  userId?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

/**
 * A router for one module. Every zod failure on any request part becomes the
 * same 422 problem with field paths, so handlers only see valid input.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues);
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;

/** The authenticated caller; only for routes behind `requireActor`. */
export function actorOf(c: { var: AppVariables }): Actor {
  const actor = c.var.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', { detail: 'Sign in or send a bearer token' });
  return actor;
}

/** Plain dependencies for services, built from the request context. */
export function depsOf(c: {
  var: AppVariables;
  req: { header(name: string): string | undefined };
}): ServiceDeps {
  return {
    db: c.var.dbHandle.db,
    cache: c.var.cache,
    log: c.var.log,
    meta: {
      requestId: c.var.requestId,
      ip: c.req.header('CF-Connecting-IP') ?? null,
      userAgent: c.req.header('User-Agent') ?? null,
    },
  };
}

export function actorDepsOf(c: {
  var: AppVariables;
  req: { header(name: string): string | undefined };
}): ActorDeps {
  return { ...depsOf(c), actor: actorOf(c) };
}
