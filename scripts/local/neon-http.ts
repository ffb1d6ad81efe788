// Local stand-in for Neon's HTTP SQL endpoint (`POST https://<host>/sql`), so the
// driver's `neon()` transport — one fetch per query, no connection set-up — runs
// unchanged against the embedded Postgres. Served by the same server as the
// WebSocket proxy (scripts/local/neon-proxy.ts).
//
// Protocol (read from @neondatabase/serverless 1.2.0, index.mjs `neon()` / `execute`):
//   request   POST <fetchEndpoint>, JSON body `{ query, params }` or, for
//             `sql.transaction([...])`, `{ queries: [{ query, params }, ...] }`.
//             Params arrive already serialised by pg's prepareValue: strings or null
//             (bytea as `\x…` hex). Headers:
//               Neon-Connection-String   postgresql://user:password@host[:port]/db?...
//               Neon-Raw-Text-Output     "true": every value as Postgres text (the
//                                        driver parses it with pg-types, like pg does)
//               Neon-Array-Mode          "true": rows as arrays, else objects
//               Neon-Batch-Isolation-Level / -Read-Only / -Deferrable  (batches only)
//   response  200 `{ command, rowCount, rows, fields: [{ name, dataTypeID, tableID,
//             columnID, dataTypeSize, dataTypeModifier, format }], rowAsArray }`, or
//             `{ results: [<that>, ...] }` for a batch (one transaction);
//             400 `{ message, code, detail, hint, position, constraint, ... }` for a
//             Postgres error (the driver copies those fields onto NeonDbError);
//             anything else is reported by the driver as "Server error (HTTP status N)".
//             Responses over Neon's 10 MB cap are refused (400), as Neon does.
//
// Behind it: one node-postgres pool per connection string (Neon keeps a pooled
// connection per endpoint the same way), statements always sent with the extended
// protocol, so, as on Neon, one request is one statement.
import type http from 'node:http';
import { createRequire } from 'node:module';

/** The slice of node-postgres used here (the package ships no types; @types/pg is not installed). */
interface PgField {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: string;
}
interface PgResult {
  command: string;
  rowCount: number | null;
  rows: (string | null)[][];
  fields: PgField[];
}
interface PgQueryConfig {
  text: string;
  values?: unknown[];
  rowMode: 'array';
  queryMode: 'extended';
  types: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}
interface PgClient {
  query(config: PgQueryConfig): Promise<PgResult>;
  release(error?: Error | boolean): void;
}
interface PgPool {
  query(config: PgQueryConfig): Promise<PgResult>;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max: number;
    idleTimeoutMillis: number;
    allowExitOnIdle: boolean;
  }) => PgPool;
}

// Node's require: node-postgres is CommonJS, and in vitest's globalSetup an ESM import may be transformed.
const require = createRequire(import.meta.url);

/** Every value as the text Postgres sent: the driver in the worker parses it (Neon-Raw-Text-Output). */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

const MAX_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Neon's documented cap on an HTTP query response (10 MB, Neon changelog 2023-08-16): enforced here
 * too, so a statement that would fail against Neon fails locally and in tests as well.
 */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Fields of a Postgres error the driver copies onto NeonDbError (its `errorFields`). */
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
};

class RequestError extends Error {}

interface Statement {
  query: string;
  params: unknown[];
}

function parseStatement(value: unknown): Statement {
  const candidate = value as { query?: unknown; params?: unknown } | null;
  if (!candidate || typeof candidate.query !== 'string') throw new RequestError('missing "query"');
  const params = candidate.params ?? [];
  if (!Array.isArray(params)) throw new RequestError('"params" must be an array');
  for (const param of params) {
    if (param !== null && typeof param !== 'string') {
      throw new RequestError('params must be strings or null (as the driver serialises them)');
    }
  }
  return { query: candidate.query, params };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestError(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toResponse(result: PgResult, arrayMode: boolean) {
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: f.format,
  }));
  const rows = arrayMode
    ? result.rows
    : result.rows.map((row) => Object.fromEntries(fields.map((field, i) => [field.name, row[i] ?? null])));
  return { command: result.command, rowCount: result.rowCount, rows, fields, rowAsArray: arrayMode };
}

/** An error Postgres sent (node-postgres DatabaseError), as opposed to a socket error. */
function isPostgresError(error: unknown): error is Error & Record<string, unknown> {
  const fields = error as { code?: unknown; severity?: unknown };
  return error instanceof Error && typeof fields.severity === 'string' && typeof fields.code === 'string';
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  let text = JSON.stringify(body);
  if (status === 200 && Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
    status = 400;
    text = JSON.stringify({
      message: `response is too large (max is ${MAX_RESPONSE_BYTES} bytes): read it in pages, or inside a transaction (WebSocket)`,
    });
  }
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export interface NeonHttpEndpoint {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  stop(): Promise<void>;
}

export function createNeonHttpEndpoint(opts: {
  /** Only connection strings whose host passes are served (the proxy allows loopback only). */
  allowHost(host: string): boolean;
  onLog?: (line: string) => void;
  /** Connections per database (default 10). */
  maxConnections?: number;
}): NeonHttpEndpoint {
  const log = opts.onLog ?? (() => {});
  let pg: PgModule | undefined;
  const pools = new Map<string, PgPool>();
  let stopped = false;

  const poolFor = (connectionString: string): PgPool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      let url: URL;
      try {
        url = new URL(connectionString);
      } catch {
        throw new RequestError('Neon-Connection-String is not a valid URL');
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        throw new RequestError('Neon-Connection-String must be a postgres:// URL');
      }
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!opts.allowHost(host)) throw new RequestError(`host ${host} is not a loopback host`);
      pg ??= require('pg') as PgModule;
      pool = new pg.Pool({
        connectionString,
        max: opts.maxConnections ?? 10,
        // Test databases are dropped `with (force)`; idle connections go quickly anyway.
        idleTimeoutMillis: 5_000,
        allowExitOnIdle: true,
      });
      // An idle connection killed by Postgres (database dropped, server stopping) must not crash the proxy.
      pool.on('error', (error) => log(`neon-http: idle connection: ${error.message}`));
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const run = (executor: PgPool | PgClient, statement: Statement) =>
    executor.query({
      text: statement.query,
      values: statement.params,
      rowMode: 'array',
      queryMode: 'extended',
      types: RAW_TEXT,
    });

  async function runBatch(pool: PgPool, statements: Statement[], headers: http.IncomingHttpHeaders) {
    const level = headers['neon-batch-isolation-level'];
    const readOnly = headers['neon-batch-read-only'];
    const deferrable = headers['neon-batch-deferrable'];
    const modes: string[] = [];
    if (typeof level === 'string') {
      const sqlLevel = ISOLATION_LEVELS[level];
      if (!sqlLevel) throw new RequestError(`unknown Neon-Batch-Isolation-Level ${level}`);
      modes.push(`isolation level ${sqlLevel}`);
    }
    if (readOnly === 'true') modes.push('read only');
    if (readOnly === 'false') modes.push('read write');
    if (deferrable === 'true') modes.push('deferrable');
    if (deferrable === 'false') modes.push('not deferrable');
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await run(client, { query: `begin ${modes.join(', ')}`, params: [] });
      try {
        const results: PgResult[] = [];
        for (const statement of statements) results.push(await run(client, statement));
        await run(client, { query: 'commit', params: [] });
        return results;
      } catch (error) {
        await run(client, { query: 'rollback', params: [] }).catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const connectionString = req.headers['neon-connection-string'];
    if (typeof connectionString !== 'string') throw new RequestError('missing Neon-Connection-String');
    const arrayMode = req.headers['neon-array-mode'] === 'true';
    if (req.headers['neon-raw-text-output'] !== 'true') {
      // The driver always asks for text; Neon's JSON-typed output is not emulated.
      throw new RequestError('only Neon-Raw-Text-Output: true is supported here');
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError('the body is not JSON');
    }
    const pool = poolFor(connectionString);
    const queries = (body as { queries?: unknown } | null)?.queries;
    if (queries !== undefined) {
      if (!Array.isArray(queries)) throw new RequestError('"queries" must be an array');
      const results = await runBatch(pool, queries.map(parseStatement), req.headers);
      send(res, 200, { results: results.map((result) => toResponse(result, arrayMode)) });
      return;
    }
    send(res, 200, toResponse(await run(pool, parseStatement(body)), arrayMode));
  }

  return {
    handle(req, res) {
      if (stopped) {
        send(res, 503, { message: 'the local Neon endpoint is stopping' });
        return;
      }
      serve(req, res).catch((error: unknown) => {
        if (res.headersSent) return;
        if (error instanceof RequestError) {
          send(res, 400, { message: error.message });
        } else if (isPostgresError(error)) {
          const body: Record<string, unknown> = { message: error.message };
          for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
          send(res, 400, body);
        } else {
          const message = error instanceof Error ? error.message : String(error);
          log(`neon-http: ${message}`);
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`database unavailable: ${message}\n`);
        }
      });
    },
    async stop() {
      stopped = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((pool) => pool.end()));
    },
  };
}
