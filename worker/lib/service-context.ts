import type { Database } from '../db/client';
import type { Actor } from '../modules/identity/actor';
import type { Cache } from './cache';
import type { Logger } from './logger';

/** What every service call receives: plain dependencies, no HTTP types. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface ServiceDeps {
  db: Database;
  cache: Cache;
  log: Logger;
  meta: RequestMeta;
}

export interface ActorDeps extends ServiceDeps {
  actor: Actor;
}
