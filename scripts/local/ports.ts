// Free TCP ports on loopback, and retrying a start when a port was taken between
// choosing it and binding it (another process can always win that race).
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Asks the kernel for a free port on 127.0.0.1 (bind :0, read, close). */
export async function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: could not read the bound address'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** True when the error (or a message it carries) says the address is in use. */
export function isAddressInUse(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (e.code === 'EADDRINUSE') return true;
  if (typeof e.message === 'string' && /EADDRINUSE|address already in use/i.test(e.message)) return true;
  return e.cause !== undefined && isAddressInUse(e.cause);
}

/**
 * Runs `start(port)` with a fresh free port, or with `fixedPort` when given (no
 * retry then: a port the caller asked for is not silently replaced). Retries with
 * a new port when the start fails because the address is in use.
 */
export async function withPortRetry<T>(
  start: (port: number) => Promise<T>,
  opts: { fixedPort?: number; attempts?: number } = {},
): Promise<T> {
  if (opts.fixedPort !== undefined && opts.fixedPort !== 0) return start(opts.fixedPort);
  const attempts = opts.attempts ?? 5;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      lastError = err;
    }
  }
  throw new Error(`could not bind a free port after ${attempts} attempts`, { cause: lastError });
}

/** Resolves when something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(500);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
