import { type CustomTypesConfig, neon, neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless';
import { AppError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import * as schema from './schema';

/**
 * The only module that decides how the worker reaches Postgres
 * (docs/decisions/001-database-transport.md, 023-http-reads-websocket-transactions.md).
 *
 * - Single statements (`db.select…`, `db.insert…`, `db.execute…` outside a
 *   transaction) go over Neon's HTTP SQL endpoint: one fetch each, no connection
 *   set-up, nothing to close.
 * - `db.transaction(…)` runs on the Neon driver's WebSocket `Pool`, opened on the
 *   first transaction of the request and ended through `waitUntil`; Workers forbid
 *   sharing sockets across requests.
 * Services see one drizzle `Database` either way.
 */

export type Database = NeonDatabase<typeof schema>;

let configuredProxy: string | undefined;

/**
 * Local runs reach Postgres through our proxy (WebSocket and `POST /sql` on one port,
 * scripts/local/neon-proxy.ts); production keeps Neon's defaults (`wss://…/v2`, `https://api.…/sql`).
 */
function configureTransport(wsProxy: string | undefined) {
  if (!wsProxy || configuredProxy === wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  // The local Postgres uses cleartext password auth on loopback (as Neon does behind TLS), so the
  // startup message and password can be pipelined: one round trip fewer per connection.
  neonConfig.pipelineConnect = 'password';
  neonConfig.fetchEndpoint = `http://${wsProxy.split('/')[0]}/sql`;
  configuredProxy = wsProxy;
}

/** What drizzle's neon-serverless session hands its client (node-postgres query config). */
interface DriverQuery {
  text: string;
  values?: unknown[];
  rowMode?: 'array';
  types?: CustomTypesConfig;
}

/**
 * A client for drizzle that sends each statement as one HTTP request. drizzle's
 * neon-serverless session calls only `query()` on it outside transactions and returns
 * what it resolves to: `neon(…, { fullResults: true })` answers node-postgres shaped
 * results (`rows`, `fields`, `rowCount`, `command`) parsed with the same type parsers.
 */
function httpClient(databaseUrl: string, stats: DbStats) {
  const sql = neon(databaseUrl, { fullResults: true });
  const send = (config: string | DriverQuery, values?: unknown[]) =>
    typeof config === 'string'
      ? sql.query(config, values ?? [])
      : sql.query(config.text, values ?? config.values ?? [], {
          arrayMode: config.rowMode === 'array',
          fullResults: true,
          types: config.types,
        });
  return {
    async query(config: string | DriverQuery, values?: unknown[]) {
      const started = performance.now();
      try {
        return await send(config, values);
      } finally {
        stats.statements++;
        stats.statementMs += performance.now() - started;
      }
    },
  };
}

/** Where a request's database time went (access log, `Server-Timing`). */
export interface DbStats {
  /** Statements sent over HTTP, and the time spent waiting for them (overlapping ones add up). */
  statements: number;
  statementMs: number;
  /** Transactions run on the WebSocket pool, and their time including the connection set-up. */
  transactions: number;
  transactionMs: number;
}

export interface DbHandle {
  /** Statements over HTTP; `db.transaction` opens the WebSocket pool on first use. */
  readonly db: Database;
  /** The request's WebSocket pool, opened on first use (for session-level work outside drizzle). */
  readonly pool: Pool;
  /** Whether the WebSocket pool was opened (a transaction ran, or `pool` was used). */
  readonly opened: boolean;
  readonly stats: Readonly<DbStats>;
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
  let poolDb: Database | undefined;
  let db: Database | undefined;
  let closing = false;
  const clients = new Set<{ neonConfig: { coalesceWrites: boolean } }>();
  const pending = new Set<Promise<unknown>>();
  const stats: DbStats = { statements: 0, statementMs: 0, transactions: 0, transactionMs: 0 };

  const databaseUrl = () => {
    if (!options.databaseUrl) {
      throw new AppError('MISCONFIGURED', { detail: 'Missing configuration: DATABASE_URL' });
    }
    configureTransport(options.wsProxy);
    return options.databaseUrl;
  };

  const openPool = () => {
    if (!pool) {
      pool = new Pool({ connectionString: databaseUrl(), max: 5, connectionTimeoutMillis: 5_000 });
      // Without a listener, an error on an idle client (e.g. after end()) is an uncaught exception.
      pool.on('error', (error: Error) => {
        // Sockets dropping while the pool ends are expected; anything else is worth a warning.
        if (closing) options.log.debug('db.pool_error_on_close', { error: error.message });
        else options.log.warn('db.pool_error', { error: error.message });
      });
      // A connection that dies mid-query also errors on the client itself; the query already failed.
      pool.on(
        'connect',
        (client: {
          neonConfig: { coalesceWrites: boolean };
          on(event: 'error' | 'end', listener: (error: Error) => void): unknown;
        }) => {
          clients.add(client);
          client.on('end', () => clients.delete(client));
          client.on('error', (error: Error) => {
            if (closing) options.log.debug('db.client_error_on_close', { error: error.message });
            else options.log.warn('db.client_error', { error: error.message });
          });
        },
      );
      poolDb = drizzle({ client: pool, schema });
    }
    return { pool, db: poolDb as Database };
  };

  const openDb = () => {
    if (!db) {
      // drizzle's session only calls `query()` outside transactions (see httpClient); the cast
      // stands for the Pool it would otherwise receive, whose other methods it never touches here.
      const http = drizzle({ client: httpClient(databaseUrl(), stats) as unknown as Pool, schema });
      // Over HTTP every statement is its own transaction, so drizzle's begin/commit on this
      // client would not hold a transaction together: transactions run on the WebSocket pool.
      http.transaction = async (transaction, config) => {
        const started = performance.now();
        try {
          return await openPool().db.transaction(transaction, config);
        } finally {
          stats.transactions++;
          stats.transactionMs += performance.now() - started;
        }
      };
      db = http;
    }
    return db;
  };

  return {
    get db() {
      return openDb();
    },
    get pool() {
      return openPool().pool;
    },
    get opened() {
      return pool !== undefined;
    },
    stats,
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
      poolDb = undefined;
      db = undefined;
      closing = true;
      if (!current) return;
      // The driver coalesces writes into one WebSocket message per tick (setTimeout 0); ending
      // a client writes its Terminate message and closes the socket at once, so the deferred
      // send would hit a closed socket ("Can't call WebSocket send() after close()", uncaught
      // in workerd). Writing immediately sends the Terminate before the close.
      for (const client of clients) client.neonConfig.coalesceWrites = false;
      await current.end().catch(() => undefined);
    },
  };
}
