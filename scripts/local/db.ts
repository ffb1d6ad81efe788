// Node-side Postgres access for scripts (migrate, seed, bench) through the same
// driver the worker uses. With a wsProxy, only the connections of this pool are
// pointed at the local proxy (per-client neonConfig): the driver's global settings
// stay untouched, so a Neon URL used elsewhere in the same process keeps Neon's
// defaults.
import { Client, type ClientConfig, Pool } from '@neondatabase/serverless';
import { configureNeonForLocal } from './neon-proxy';

export function createPool(opts: {
  databaseUrl: string;
  wsProxy?: string;
  max?: number;
  onError?: (err: Error) => void;
}): Pool {
  const LocalClient = opts.wsProxy === undefined ? undefined : localClientClass(opts.wsProxy);
  const pool = new Pool({
    connectionString: opts.databaseUrl,
    max: opts.max ?? 4,
    connectionTimeoutMillis: 10_000,
  });
  // Neon's Pool ignores the `Client` option (its constructor assigns this.Client =
  // its own Client); pg-pool instantiates `this.Client` lazily, so replace it here.
  if (LocalClient) pool.Client = LocalClient;
  // Without a listener, an error on an idle client (e.g. after end()) is an uncaught exception.
  pool.on('error', opts.onError ?? ((err: Error) => console.warn(`postgres pool: ${err.message}`)));
  return pool;
}

/** A Neon driver Client whose connections go through the local proxy at `wsProxy` (host:port/v1). */
export function localClientClass(wsProxy: string): typeof Client {
  return class LocalClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      configureNeonForLocal(this.neonConfig, wsProxy);
    }
  };
}

/** Runs fn with a pool and always ends the pool afterwards. */
export async function withPool<T>(
  opts: { databaseUrl: string; wsProxy?: string; max?: number },
  fn: (pool: Pool) => Promise<T>,
): Promise<T> {
  const pool = createPool(opts);
  try {
    return await fn(pool);
  } finally {
    await pool.end().catch(() => {});
  }
}

/** Hides the password of a connection string for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
