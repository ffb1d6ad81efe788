// Local stand-in for Neon's WebSocket proxy, so @neondatabase/serverless can talk to
// the embedded Postgres exactly as it talks to Neon.
//
// Protocol (read from @neondatabase/serverless 1.2.0, index.mjs `connect()`): the
// driver opens `ws://<wsProxy>?address=<host>:<port>` (string wsProxy) or the URL a
// wsProxy function returns, sets binaryType = 'arraybuffer', and then writes the raw
// Postgres frontend protocol as binary WebSocket messages (no extra framing; with
// useSecureWebSocket = false and no sslmode it sends no SSLRequest). We open a TCP
// connection to <host>:<port> and pipe bytes both ways.
//
// The same server answers `POST /sql`, Neon's HTTP SQL endpoint (scripts/local/neon-http.ts),
// which the worker uses for single statements.
//
// Driver bug worked around here: `Client.end()` sends Terminate ('X') but does not
// close its WebSocket, so we close the TCP side once we have forwarded a Terminate
// message, and close the WebSocket when TCP closes.
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { NeonConfig } from '@neondatabase/serverless';
import type * as WsModule from 'ws';
import { createNeonHttpEndpoint } from './neon-http';
import { LOOPBACK, withPortRetry } from './ports';

export interface NeonProxy {
  port: number;
  /** value for the worker's NEON_WS_PROXY binding, e.g. "127.0.0.1:PORT/v1" */
  wsProxy: string;
  /** Neon's HTTP SQL endpoint on the same server (`neonConfig.fetchEndpoint`), e.g. "http://127.0.0.1:PORT/sql" */
  sqlEndpoint: string;
  stop(): Promise<void>;
}

// In vitest's globalSetup (Vite module runner) `import 'ws'` can resolve to ws's
// browser stub; Node's own require always gets the real package.
const require = createRequire(import.meta.url);
function loadWs(): typeof WsModule {
  return require('ws') as typeof WsModule;
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);
function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Parses `address=host:port` (IPv6 hosts in brackets). Only loopback targets are allowed. */
function parseAddress(url: string | undefined): { host: string; port: number } | { error: string } {
  const params = new URL(url ?? '/', 'http://proxy').searchParams;
  const address = params.get('address');
  if (!address) return { error: 'missing address=host:port' };
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address);
  if (!m?.[1] || !m[2]) return { error: `bad address ${JSON.stringify(address)}` };
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { error: `bad port in ${address}` };
  if (!isLoopbackHost(host)) return { error: `address ${address} is not a loopback host` };
  return { host, port };
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/**
 * Follows the frontend message framing of one connection to notice Terminate ('X').
 * Start-up packets have no type byte (int32 length, int32 code); SSL/GSS requests
 * are followed by another start-up packet; then every message is type + int32 length.
 */
class FrontendScanner {
  private startup = true;
  private header = Buffer.alloc(0);
  private skip = 0;
  private type = 0;

  /** Returns true when the chunk completes a Terminate message. */
  push(chunk: Buffer): boolean {
    let i = 0;
    let terminated = false;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        if (this.skip === 0 && this.type === 0x58) terminated = true;
        continue;
      }
      const headerLen = this.startup ? 8 : 5;
      const need = headerLen - this.header.length;
      const take = chunk.subarray(i, i + need);
      this.header = Buffer.concat([this.header, take]);
      i += take.length;
      if (this.header.length < headerLen) break;
      if (this.startup) {
        const len = this.header.readInt32BE(0);
        const code = this.header.readInt32BE(4);
        this.type = 0;
        this.skip = Math.max(0, len - 8);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.startup = false;
      } else {
        this.type = this.header[0] ?? 0;
        const len = this.header.readInt32BE(1);
        this.skip = Math.max(0, len - 4);
        if (this.skip === 0 && this.type === 0x58) terminated = true;
      }
      this.header = Buffer.alloc(0);
    }
    return terminated;
  }
}

const MAX_BUFFERED = 4 * 1024 * 1024;

export async function startNeonProxy(
  opts: { port?: number; onLog?: (line: string) => void } = {},
): Promise<NeonProxy> {
  const { WebSocketServer } = loadWs();
  const log = opts.onLog ?? (() => {});
  const sockets = new Set<net.Socket>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });

  const sqlEndpoint = createNeonHttpEndpoint({ allowHost: isLoopbackHost, onLog: log });
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && new URL(req.url ?? '/', 'http://proxy').pathname === '/sql') {
      sqlEndpoint.handle(req, res);
      return;
    }
    res
      .writeHead(426, { 'content-type': 'text/plain' })
      .end('Neon WebSocket proxy: connect with WebSocket, or POST /sql\n');
  });
  server.on('upgrade', (req, socket: Duplex, head) => {
    const target = parseAddress(req.url);
    if ('error' in target) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${target.error}\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tcp = net.connect({ host: target.host, port: target.port });
      tcp.setNoDelay(true);
      sockets.add(tcp);
      const scanner = new FrontendScanner();
      let terminated = false;

      ws.on('message', (data, isBinary) => {
        const chunk = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data as ArrayBuffer);
        if (!isBinary && chunk.length === 0) return;
        if (terminated) return;
        const ok = tcp.write(chunk);
        if (scanner.push(chunk)) {
          terminated = true;
          tcp.end();
          return;
        }
        if (!ok) {
          ws.pause();
          tcp.once('drain', () => ws.resume());
        }
      });
      tcp.on('data', (chunk) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(chunk, { binary: true }, () => {
          if (tcp.isPaused() && ws.bufferedAmount < MAX_BUFFERED / 2) tcp.resume();
        });
        if (ws.bufferedAmount > MAX_BUFFERED) tcp.pause();
      });
      tcp.on('error', (err) => {
        log(`neon-proxy: tcp ${target.host}:${target.port}: ${err.message}`);
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING)
          ws.close(1011, 'database connection failed');
      });
      tcp.on('close', () => {
        sockets.delete(tcp);
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      });
      ws.on('close', () => {
        if (!tcp.destroyed) tcp.end();
        // give Postgres a moment to read the Terminate, then make sure it is gone
        setTimeout(() => tcp.destroy(), 1000).unref();
      });
      ws.on('error', (err) => {
        log(`neon-proxy: websocket: ${err.message}`);
        tcp.destroy();
      });
    });
  });

  const port = await withPortRetry(
    (candidate) =>
      new Promise<number>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen({ host: LOOPBACK, port: candidate, exclusive: true }, () => {
          server.off('error', onError);
          resolve(candidate);
        });
      }),
    { fixedPort: opts.port },
  );

  let stopped: Promise<void> | undefined;
  return {
    port,
    wsProxy: `${LOOPBACK}:${port}/v1`,
    sqlEndpoint: sqlEndpointUrl(`${LOOPBACK}:${port}/v1`),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const s of sockets) s.destroy();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => sqlEndpoint.stop());
      return stopped;
    },
  };
}

/** The HTTP SQL endpoint served next to a `wsProxy` address ("host:port/v1" → "http://host:port/sql"). */
export function sqlEndpointUrl(wsProxy: string): string {
  return `http://${wsProxy.split('/')[0]}/sql`;
}

type LocalNeonSettings = Pick<
  NeonConfig,
  | 'webSocketConstructor'
  | 'wsProxy'
  | 'useSecureWebSocket'
  | 'pipelineTLS'
  | 'pipelineConnect'
  | 'coalesceWrites'
>;

/**
 * Points @neondatabase/serverless at the local proxy, for Node-side scripts
 * (migrations, seed, bench). Pass the driver's `neonConfig` (global) or a Pool/
 * Client's `neonConfig` instance. `wsProxy` is `host:port/v1` as returned by
 * startNeonProxy() (and used as the worker's NEON_WS_PROXY binding).
 *
 * - webSocketConstructor = ws (Node 22 has a global WebSocket, `ws` is the proven one)
 * - useSecureWebSocket = false (plain ws://), pipelineTLS = false (no TLS to Postgres)
 * - pipelineConnect = false: the 'password' pipelining only works with cleartext
 *   password auth; the local cluster uses SCRAM.
 * - coalesceWrites = false: batching writes per tick costs ~1 ms per round trip in Node.
 */
export function configureNeonForLocal(config: LocalNeonSettings, wsProxy: string): void {
  config.webSocketConstructor = loadWs() as unknown as NeonConfig['webSocketConstructor'];
  config.wsProxy = (host: string, port: number | string) => `${wsProxy}?address=${host}:${port}`;
  config.useSecureWebSocket = false;
  config.pipelineTLS = false;
  config.pipelineConnect = false;
  config.coalesceWrites = false;
}
