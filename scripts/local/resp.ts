// A small, binary-safe RESP2 client over `net` (no dependency): pipelined batches on
// one connection, replies matched in order. Used by the local Upstash endpoint and
// by the Redis discovery (PING).
//
// Reply types: bulk string -> Buffer, simple string -> string, integer -> number,
// nil -> null, array -> RespValue[], error -> RespError (as a value, never thrown
// for a single reply: callers decide).
import net from 'node:net';

export class RespError extends Error {
  override name = 'RespError';
}

export type RespValue = Buffer | string | number | null | RespError | RespValue[];

export type RespArg = string | Buffer;

export interface RedisAddress {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
}

export function parseRedisUrl(url: string): RedisAddress {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw new Error(`unsupported Redis URL scheme ${u.protocol} (only redis://)`);
  const db = u.pathname.length > 1 ? Number.parseInt(u.pathname.slice(1), 10) : undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: db !== undefined && Number.isFinite(db) ? db : undefined,
  };
}

const CRLF = Buffer.from('\r\n');

export function encodeCommand(args: readonly RespArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const b = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

interface Parsed {
  value: RespValue;
  end: number;
}

/** Parses one reply at `offset`; undefined when the buffer does not hold it all yet. */
function parseReply(buf: Buffer, offset: number): Parsed | undefined {
  if (offset >= buf.length) return undefined;
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd < 0) return undefined;
  const type = buf[offset];
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case 0x2b: // '+'
      return { value: line, end: next };
    case 0x2d: // '-'
      return { value: new RespError(line), end: next };
    case 0x3a: // ':'
      return { value: Number(line), end: next };
    case 0x24: {
      // '$'
      const len = Number.parseInt(line, 10);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: Buffer.from(buf.subarray(next, next + len)), end: next + len + 2 };
    }
    case 0x2a: {
      // '*'
      const count = Number.parseInt(line, 10);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`RESP protocol error: unexpected byte 0x${(type ?? 0).toString(16)}`);
  }
}

interface Pending {
  expected: number;
  replies: RespValue[];
  resolve(replies: RespValue[]): void;
  reject(err: Error): void;
}

export interface RespConnectOptions {
  connectTimeoutMs?: number;
  /** A batch with no complete answer after this long kills the connection. */
  commandTimeoutMs?: number;
}

export class RespConnection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before the next reply can be complete (skips re-parsing big bulk strings). */
  private needed = 0;
  private queue: Pending[] = [];
  private closedError: Error | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly commandTimeoutMs: number,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('Redis connection closed')));
  }

  static async connect(
    address: RedisAddress | string,
    opts: RespConnectOptions = {},
  ): Promise<RespConnection> {
    const addr = typeof address === 'string' ? parseRedisUrl(address) : address;
    const connectTimeoutMs = opts.connectTimeoutMs ?? 1000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: addr.host, port: addr.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`Redis ${addr.host}:${addr.port}: connect timeout after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`Redis ${addr.host}:${addr.port}: ${err.message}`, { cause: err }));
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const conn = new RespConnection(socket, opts.commandTimeoutMs ?? 5000);
    const setup: RespArg[][] = [];
    if (addr.password !== undefined) {
      setup.push(addr.username ? ['AUTH', addr.username, addr.password] : ['AUTH', addr.password]);
    }
    if (addr.db !== undefined && addr.db !== 0) setup.push(['SELECT', String(addr.db)]);
    if (setup.length > 0) {
      const replies = await conn.send(setup).catch((err: Error) => {
        conn.close();
        throw err;
      });
      const failed = replies.find((r) => r instanceof RespError);
      if (failed) {
        conn.close();
        throw failed;
      }
    }
    return conn;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** Number of batches waiting for replies. */
  get inFlight(): number {
    return this.queue.length;
  }

  /** Sends the commands in one write; resolves with one reply per command, in order. */
  send(commands: readonly (readonly RespArg[])[]): Promise<RespValue[]> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise<RespValue[]>((resolve, reject) => {
      this.queue.push({ expected: commands.length, replies: [], resolve, reject });
      this.socket.write(Buffer.concat(commands.map(encodeCommand)));
      this.armTimer();
    });
  }

  async command(...args: RespArg[]): Promise<RespValue> {
    const [reply] = await this.send([args]);
    return reply ?? null;
  }

  close(): void {
    this.fail(new Error('Redis connection closed by client'));
    this.socket.destroy();
  }

  private armTimer() {
    if (this.timer || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fail(new Error(`Redis did not answer within ${this.commandTimeoutMs} ms`));
      this.socket.destroy();
    }, this.commandTimeoutMs);
    this.timer.unref();
  }

  private onData(chunk: Buffer) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    let buf =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    let offset = 0;
    try {
      for (;;) {
        const parsed = parseReply(buf, offset);
        if (!parsed) break;
        offset = parsed.end;
        this.deliver(parsed.value);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      this.socket.destroy();
      return;
    }
    buf = buf.subarray(offset);
    this.chunks = buf.length > 0 ? [buf] : [];
    this.buffered = buf.length;
    this.needed = 0;
    if (buf[0] === 0x24) {
      const lineEnd = buf.indexOf(CRLF);
      if (lineEnd > 0) this.needed = lineEnd + 2 + Number.parseInt(buf.toString('utf8', 1, lineEnd), 10) + 2;
    }
  }

  private deliver(value: RespValue) {
    const head = this.queue[0];
    if (!head) return; // unsolicited (should not happen without pub/sub)
    head.replies.push(value);
    if (head.replies.length === head.expected) {
      this.queue.shift();
      clearTimeout(this.timer);
      this.timer = undefined;
      this.armTimer();
      head.resolve(head.replies);
    }
  }

  private fail(err: Error) {
    this.closedError ??= err;
    clearTimeout(this.timer);
    this.timer = undefined;
    const queue = this.queue;
    this.queue = [];
    for (const p of queue) p.reject(this.closedError);
  }
}

/** One-shot PING; true when a Redis answers PONG within timeoutMs. */
export async function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  let conn: RespConnection | undefined;
  try {
    conn = await RespConnection.connect(url, { connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs });
    return (await conn.command('PING')) === 'PONG';
  } catch {
    return false;
  } finally {
    conn?.close();
  }
}
