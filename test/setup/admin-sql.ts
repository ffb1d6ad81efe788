import { createRequire } from 'node:module';
import { neonConfig, Pool } from '@neondatabase/serverless';

// In Vite's module runner `ws` can resolve to its browser stub: load the Node build explicitly.
const require = createRequire(import.meta.url);
const WebSocket = require('ws') as typeof globalThis.WebSocket;

/** Runs statements from Node through the same Neon driver and proxy the worker uses. */
export async function withAdminPool<T>(
  url: string,
  wsProxy: string,
  work: (pool: Pool) => Promise<T>,
): Promise<T> {
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.coalesceWrites = false;
  const pool = new Pool({ connectionString: url, max: 1 });
  pool.on('error', () => undefined);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}
