import { OpenAPIHono } from '@hono/zod-openapi';
import type { DbHandle } from '../db/client';
import type { Cache } from './cache';
import type { Config } from './config';
import { validationError } from './errors';
import type { Logger } from './logger';
import type { ErrorReporter } from './sentry';

/** Per-request dependencies, set by the request-context middleware; never module state. */
export interface AppVariables {
  requestId: string;
  config: Config;
  log: Logger;
  /** Lazily opened: requests that never query never connect. */
  dbHandle: DbHandle;
  cache: Cache;
  reporter: ErrorReporter | null;
  /** Set by authentication once identity exists; logged with the request. */
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
