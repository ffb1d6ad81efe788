import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { AppError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import * as schema from './schema';

/**
 * The only module that decides how the worker reaches Postgres.
 *
 * Transport: the Neon driver's WebSocket `Pool`, for one-shot queries and
 * interactive transactions alike (see docs/decisions/001-database-transport.md).
 * A pool lives for one request or one queue batch and is ended through
 * `waitUntil`; Workers forbid sharing sockets across requests.
 */

export type Database = NeonDatabase<typeof schema>;

let configuredProxy: string | undefined;

/** Local runs reach Postgres through our WebSocket proxy; production keeps Neon's defaults. */
function configureTransport(wsProxy: string | undefined) {
  if (!wsProxy || configuredProxy === wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  // The local Postgres uses cleartext password auth on loopback (as Neon does behind TLS), so the
  // startup message and password can be pipelined: one round trip fewer per connection.
  neonConfig.pipelineConnect = 'password';
  configuredProxy = wsProxy;
}

export interface DbHandle {
  /** Opens the pool on first use, so requests that never touch Postgres never connect. */
  readonly db: Database;
  readonly pool: Pool;
  readonly opened: boolean;
  /** Work that may finish after the response (e.g. `last_seen_at`); `close()` waits for it. */
  track(work: Promise<unknown>): void;
  close(): Promise<void>;
}

export function createDbHandle(options: {
  databaseUrl: string | undefined;
  wsProxy?: string;
  log: Logger;
}): DbHandle {
  let pool: Pool | undefined;
  let db: Database | undefined;
  let closing = false;
  const pending = new Set<Promise<unknown>>();
  const open = () => {
    if (!pool) {
      if (!options.databaseUrl) {
        throw new AppError('MISCONFIGURED', { detail: 'Missing configuration: DATABASE_URL' });
      }
      configureTransport(options.wsProxy);
      pool = new Pool({ connectionString: options.databaseUrl, max: 5, connectionTimeoutMillis: 5_000 });
      // Without a listener, an error on an idle client (e.g. after end()) is an uncaught exception.
      pool.on('error', (error: Error) => {
        // Sockets dropping while the pool ends are expected; anything else is worth a warning.
        if (closing) options.log.debug('db.pool_error_on_close', { error: error.message });
        else options.log.warn('db.pool_error', { error: error.message });
      });
      // A connection that dies mid-query also errors on the client itself; the query already failed.
      pool.on('connect', (client: { on(event: 'error', listener: (error: Error) => void): unknown }) => {
        client.on('error', (error: Error) => {
          if (closing) options.log.debug('db.client_error_on_close', { error: error.message });
          else options.log.warn('db.client_error', { error: error.message });
        });
      });
      db = drizzle({ client: pool, schema });
    }
    return { pool, db: db as Database };
  };
  return {
    get db() {
      return open().db;
    },
    get pool() {
      return open().pool;
    },
    get opened() {
      return pool !== undefined;
    },
    track(work) {
      const settled = work
        .catch((error: unknown) =>
          options.log.warn('db.background_failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => pending.delete(settled));
      pending.add(settled);
    },
    async close() {
      await Promise.allSettled([...pending]);
      const current = pool;
      pool = undefined;
      db = undefined;
      closing = true;
      if (current) await current.end().catch(() => undefined);
    },
  };
}
