// A local endpoint speaking the Upstash Redis REST protocol on top of a real Redis,
// so the worker's @upstash/redis client runs unchanged on a laptop.
//
// Protocol, as @upstash/redis 1.39 uses it (pkg/http.ts, pkg/pipeline.ts):
// - every call is `POST <base>[/path]` with `Authorization: Bearer <token>` and a
//   JSON body; `/` takes one command (["SET","k","v","EX","10"]), `/pipeline` and
//   `/multi-exec` take an array of commands and answer an array of
//   `{ result } | { error }` (one per command, HTTP 200).
// - a single command answers `{ result }` (200) or `{ error }` with a non-2xx status
//   (400 for a Redis error): the client throws `UpstashError(body.error)` on !res.ok.
// - with `Upstash-Encoding: base64` (the client's default) every string in a result
//   is base64 (recursively inside arrays); integers and null stay as they are; a
//   top-level "OK" status is sent as is (the client special-cases it). Errors are
//   never encoded.
// - also accepted, like Upstash: the command in the path (`/set/foo/bar`, a POST body
//   is then the last argument) and `?_token=` instead of the header.
// If Redis is unreachable, requests fail fast with 503 `{ error }` (no hanging), so
// the worker treats the cache as down and falls back to Postgres.
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { LOOPBACK, withPortRetry } from './ports';
import { parseRedisUrl, type RespArg, RespConnection, RespError, type RespValue } from './resp';

export interface UpstashServer {
  url: string /* http://127.0.0.1:PORT */;
  token: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartUpstashServerOptions {
  redisUrl: string;
  token: string;
  port?: number;
  /** Redis connections to spread requests over (default 4). */
  connections?: number;
  /** Max wait for Redis to answer before the request fails with 503 (default 3000). */
  commandTimeoutMs?: number;
  onLog?: (line: string) => void;
}

type Json = string | number | null | Json[] | { [k: string]: Json };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// Commands that would block a shared connection, change its state, or switch it to
// pub/sub. Upstash offers transactions only through /multi-exec.
const REFUSED = new Set([
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'sync',
  'psync',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'swapdb',
  'quit',
  'reset',
  'hello',
  'auth',
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
  'shutdown',
  'debug',
]);

const MAX_BODY = 16 * 1024 * 1024;

function toArg(value: unknown): RespArg {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function toCommand(value: unknown): RespArg[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, 'ERR a command must be a non-empty JSON array');
  }
  const cmd = value.map(toArg);
  const name = String(cmd[0]).toLowerCase();
  if (REFUSED.has(name) || (name === 'xread' && cmd.some((a) => String(a).toLowerCase() === 'block'))) {
    throw new HttpError(400, `ERR Command is not allowed: ${name.toUpperCase()}`);
  }
  if (name === 'client' && !['id', 'getname', 'info'].includes(String(cmd[1] ?? '').toLowerCase())) {
    throw new HttpError(400, 'ERR Command is not allowed: CLIENT');
  }
  return compatScript(cmd);
}

// Upstash accepts the `allow-key-locking` script flag (used by @upstash/ratelimit);
// open-source Redis before 8 rejects it. Drop it, and answer EVALSHA calls made with
// the original script's SHA with the rewritten script's SHA, as Upstash would.
const UPSTASH_ONLY_FLAGS = /(#!lua[^\n]*?)\s*\ballow-key-locking\b,?/;
const scriptShas = new Map<string, string>();

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function compatScript(cmd: RespArg[]): RespArg[] {
  const name = String(cmd[0]).toLowerCase();
  const scriptIndex =
    name === 'eval' || name === 'eval_ro'
      ? 1
      : name === 'script' && String(cmd[1]).toLowerCase() === 'load'
        ? 2
        : -1;
  if (scriptIndex > 0) {
    const script = String(cmd[scriptIndex]);
    if (!UPSTASH_ONLY_FLAGS.test(script)) return cmd;
    const rewritten = script.replace(UPSTASH_ONLY_FLAGS, '$1').replace(/#!lua flags=\s*\n/, '#!lua\n');
    scriptShas.set(sha1(script), sha1(rewritten));
    return cmd.map((arg, index) => (index === scriptIndex ? rewritten : arg));
  }
  if (name === 'evalsha' || name === 'evalsha_ro') {
    const mapped = scriptShas.get(String(cmd[1]));
    if (mapped) return cmd.map((arg, index) => (index === 1 ? mapped : arg));
  }
  return cmd;
}

function encodeValue(value: RespValue, base64: boolean, topLevel: boolean): Json {
  if (value === null || typeof value === 'number') return value;
  if (value instanceof RespError)
    return base64 ? Buffer.from(value.message).toString('base64') : value.message;
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
  if (typeof value === 'string') {
    if (!base64 || (topLevel && value === 'OK')) return value;
    return Buffer.from(value, 'utf8').toString('base64');
  }
  return value.map((v) => encodeValue(v, base64, false));
}

function entry(value: RespValue, base64: boolean): { result: Json } | { error: string } {
  return value instanceof RespError ? { error: value.message } : { result: encodeValue(value, base64, true) };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startUpstashServer(opts: StartUpstashServerOptions): Promise<UpstashServer> {
  if (!opts.token) throw new Error('startUpstashServer: token is required');
  const address = parseRedisUrl(opts.redisUrl);
  const size = Math.max(1, opts.connections ?? 4);
  const log = opts.onLog ?? (() => {});
  const pool: (RespConnection | undefined)[] = new Array(size).fill(undefined);
  const connecting: (Promise<RespConnection> | undefined)[] = new Array(size).fill(undefined);
  let stopping = false;

  async function connection(): Promise<RespConnection> {
    if (stopping) throw new HttpError(503, 'ERR the local Upstash endpoint is stopping');
    // least-busy live connection; open a new one in a free slot when all are busy
    let best: RespConnection | undefined;
    let freeSlot = -1;
    for (let i = 0; i < size; i++) {
      const c = pool[i];
      if (c && !c.closed) {
        if (!best || c.inFlight < best.inFlight) best = c;
      } else if (freeSlot < 0 && !connecting[i]) freeSlot = i;
    }
    if (best && (best.inFlight === 0 || freeSlot < 0)) return best;
    if (freeSlot < 0) {
      const pending = connecting.find((p) => p !== undefined);
      if (pending) return pending;
      throw new HttpError(503, 'ERR Redis unavailable');
    }
    const slot = freeSlot;
    const p = RespConnection.connect(address, {
      connectTimeoutMs: 1000,
      commandTimeoutMs: opts.commandTimeoutMs ?? 3000,
    });
    connecting[slot] = p;
    try {
      const c = await p;
      pool[slot] = c;
      return c;
    } catch (err) {
      if (best) return best;
      throw new HttpError(503, `ERR Redis unavailable: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      connecting[slot] = undefined;
    }
  }

  async function run(commands: RespArg[][]): Promise<RespValue[]> {
    const conn = await connection();
    try {
      return await conn.send(commands);
    } catch (err) {
      throw new HttpError(503, `ERR Redis unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function handle(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; json: Json }> {
    const url = new URL(req.url ?? '/', 'http://local');
    const auth = req.headers.authorization ?? '';
    const given = auth.toLowerCase().startsWith('bearer ')
      ? auth.slice(7).trim()
      : (url.searchParams.get('_token') ?? '');
    if (!safeEqual(given, opts.token)) return { status: 401, json: { error: 'Unauthorized' } };
    if (req.method !== 'POST' && req.method !== 'GET') throw new HttpError(405, 'ERR method not allowed');

    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    const parseBody = (): unknown => {
      try {
        return JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, 'ERR failed to parse the request body as JSON');
      }
    };
    const path = url.pathname.replace(/\/+$/, '');

    if (path === '/pipeline' || path === '/multi-exec') {
      const list = parseBody();
      if (!Array.isArray(list) || list.length === 0) {
        throw new HttpError(400, 'ERR the body must be a non-empty array of commands');
      }
      const commands = list.map(toCommand);
      if (path === '/pipeline') {
        const replies = await run(commands);
        return { status: 200, json: replies.map((r) => entry(r, base64)) };
      }
      const replies = await run([['MULTI'], ...commands, ['EXEC']]);
      const exec = replies[replies.length - 1] ?? null;
      if (exec instanceof RespError) {
        const queued = replies.slice(1, -1).find((r) => r instanceof RespError);
        throw new HttpError(400, queued instanceof RespError ? queued.message : exec.message);
      }
      if (!Array.isArray(exec)) throw new HttpError(400, 'ERR transaction aborted');
      return { status: 200, json: exec.map((r) => entry(r, base64)) };
    }

    let command: unknown;
    if (path === '') {
      if (req.method !== 'POST') throw new HttpError(405, 'ERR send commands with POST');
      command = parseBody();
    } else {
      // REST style: /set/foo/bar, with a POST body as the last argument
      command = path.split('/').slice(1).map(decodeURIComponent);
      if (req.method === 'POST' && body.length > 0) (command as RespArg[]).push(body);
    }
    const [reply] = await run([toCommand(command)]);
    if (reply instanceof RespError) return { status: 400, json: { error: reply.message } };
    return { status: 200, json: { result: encodeValue(reply ?? null, base64, true) } };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const send = (status: number, json: Json) => {
        const text = JSON.stringify(json);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      };
      if (tooBig) return send(413, { error: 'ERR request body too large' });
      handle(req, Buffer.concat(chunks)).then(
        ({ status, json }) => send(status, json),
        (err: unknown) => {
          if (err instanceof HttpError) return send(err.status, { error: err.message });
          log(`upstash-server: ${err instanceof Error ? err.stack : String(err)}`);
          send(500, { error: `ERR ${err instanceof Error ? err.message : String(err)}` });
        },
      );
    });
    req.on('error', () => res.destroy());
  });
  server.keepAliveTimeout = 30_000;

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
    url: `http://${LOOPBACK}:${port}`,
    token: opts.token,
    port,
    stop() {
      stopping = true;
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const c of pool) c?.close();
      });
      return stopped;
    },
  };
}
