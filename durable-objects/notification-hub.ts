import { DurableObject } from 'cloudflare:workers';
import { createDbHandle, type Database } from '../worker/db/client';
import { readConfig } from '../worker/lib/config';
import { createLogger } from '../worker/lib/logger';
import {
  type ClientMessage,
  clientMessageSchema,
  encodeFrame,
  MAX_CLIENT_FRAME_BYTES,
  type ServerMessage,
  type WireNotification,
} from '../worker/modules/notifications/notifications.protocol';
import { catchUp, type HubPublisher, markRead } from '../worker/modules/notifications/notifications.service';

/**
 * Per-socket state that survives hibernation (kept in the socket's attachment,
 * which is limited to 2 KB: `ahead` stays tiny because sequence numbers are
 * contiguous per user).
 */
interface SocketAttachment {
  sessionId: string;
  userId: string;
  connectedAt: string;
  /** pending: opened, no `resume` yet (live pushes are skipped: the catch-up will hold them). */
  state: 'pending' | 'live';
  /** Every sequence number up to this one was sent (or is not deliverable). */
  cursor: number;
  /** Sequence numbers above `cursor` already sent (pushes can overtake each other). */
  ahead: number[];
  /** The last cursor the client acknowledged (diagnostics). */
  acked: number | null;
}

export interface PublishResult {
  delivered: number;
  pruned: number;
}

/** Close codes a server may not send (RFC 6455 §7.4.1): echoing them throws. */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);
const TICKET_TTL_MS = 30_000;
const TICKET_PREFIX = 'ticket:';

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Marks `seq` as sent; returns false if it already was. */
function take(attachment: SocketAttachment, seq: number): boolean {
  if (seq <= attachment.cursor || attachment.ahead.includes(seq)) return false;
  attachment.ahead.push(seq);
  attachment.ahead.sort((a, b) => a - b);
  while (attachment.ahead[0] === attachment.cursor + 1) {
    attachment.cursor++;
    attachment.ahead.shift();
  }
  // A gap that never fills (a row deleted before it was pushed) must not grow the attachment forever.
  if (attachment.ahead.length > 100) {
    attachment.cursor = attachment.ahead[attachment.ahead.length - 1] ?? attachment.cursor;
    attachment.ahead = [];
  }
  return true;
}

const isLive = (item: WireNotification, now: number) =>
  item.expiresAt === null || Date.parse(item.expiresAt) > now;

/**
 * One hub per user, holding that user's WebSockets through the hibernation
 * API: no timers and no in-memory socket list, so the object can sleep between
 * messages and wake with its sockets intact. Heartbeats ("ping" → "pong") are
 * answered by the runtime without waking the object.
 *
 * Delivery: the worker stores a notification in Postgres, then calls
 * `publish`. A socket first sends `resume` with its cursor and gets what it
 * missed from Postgres; pushes that race with that catch-up are buffered and
 * de-duplicated by sequence number, so nothing is lost or sent twice.
 */
export class NotificationHub extends DurableObject<Env> {
  /** Pushes that arrive while a socket's catch-up query runs (the object stays awake meanwhile). */
  private readonly resuming = new Map<WebSocket, WireNotification[]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426, headers: { Upgrade: 'websocket' } });
    }
    const userId = request.headers.get('X-Hub-User');
    const ticket = request.headers.get('X-Hub-Ticket');
    if (!userId) return new Response('No user', { status: 401 });
    if (ticket !== null && !(await this.redeemTicket(ticket))) {
      return new Response('Invalid or expired ticket', { status: 401 });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    const attachment: SocketAttachment = {
      sessionId: crypto.randomUUID(),
      userId,
      connectedAt: new Date().toISOString(),
      state: 'pending',
      cursor: 0,
      ahead: [],
      acked: null,
    };
    this.ctx.acceptWebSocket(server, [attachment.sessionId]);
    server.serializeAttachment(attachment);
    server.send(encodeFrame([{ type: 'hello', sessionId: attachment.sessionId }]));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** RPC: a single-use secret valid for 30 s, redeemed by the next upgrade (for clients that cannot send the cookie). */
  async issueTicket(): Promise<string> {
    const secret = `${crypto.randomUUID()}${crypto.randomUUID()}`.replaceAll('-', '');
    const now = Date.now();
    const stale = await this.ctx.storage.list<number>({ prefix: TICKET_PREFIX });
    const expired = [...stale].filter(([, expiresAt]) => expiresAt <= now).map(([key]) => key);
    if (expired.length > 0) await this.ctx.storage.delete(expired);
    await this.ctx.storage.put(`${TICKET_PREFIX}${await sha256(secret)}`, now + TICKET_TTL_MS);
    return secret;
  }

  private async redeemTicket(secret: string): Promise<boolean> {
    const key = `${TICKET_PREFIX}${await sha256(secret)}`;
    const expiresAt = await this.ctx.storage.get<number>(key);
    if (expiresAt === undefined) return false;
    // Storage operations of one object are serialised: a ticket can be redeemed once.
    await this.ctx.storage.delete(key);
    return expiresAt > Date.now();
  }

  /**
   * RPC: pushes new notifications (already stored) and the unread count, as
   * one frame per socket. Expired ones and ones a socket already has are
   * skipped; sockets whose send throws are closed and dropped.
   */
  async publish(items: WireNotification[], unreadCount?: number): Promise<PublishResult> {
    const now = Date.now();
    const deliverable = items.filter((item) => isLive(item, now));
    let delivered = 0;
    let pruned = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const buffer = this.resuming.get(socket);
      if (buffer) {
        buffer.push(...deliverable);
        continue;
      }
      const attachment = socket.deserializeAttachment() as SocketAttachment;
      if (attachment.state !== 'live') continue;
      const fresh = deliverable.filter((item) => take(attachment, item.seq));
      const messages: ServerMessage[] = [];
      if (fresh.length > 0) {
        messages.push({ type: 'notifications', items: fresh, cursor: attachment.cursor, replay: false });
      }
      if (unreadCount !== undefined) messages.push({ type: 'unread', count: unreadCount });
      if (messages.length === 0) continue;
      if (this.send(socket, messages)) {
        socket.serializeAttachment(attachment);
        delivered++;
      } else {
        pruned++;
      }
    }
    return { delivered, pruned };
  }

  /** RPC: read state, archive and unread count changes, to every resumed socket. */
  async broadcast(messages: ServerMessage[]): Promise<PublishResult> {
    let delivered = 0;
    let pruned = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const attachment = socket.deserializeAttachment() as SocketAttachment;
      if (attachment.state !== 'live') continue;
      if (this.send(socket, messages)) delivered++;
      else pruned++;
    }
    return { delivered, pruned };
  }

  /** RPC: how many sockets are open (for diagnostics and tests). */
  async connectionCount(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(socket: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const size = typeof raw === 'string' ? raw.length : raw.byteLength;
    if (typeof raw !== 'string' || size > MAX_CLIENT_FRAME_BYTES) {
      this.send(socket, [{ type: 'error', code: 'BAD_FRAME', message: 'Send JSON text frames under 16 KB' }]);
      return;
    }
    let message: ClientMessage;
    try {
      const parsed = clientMessageSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        const version = (JSON.parse(raw) as { v?: unknown } | null)?.v;
        const unsupported = version !== undefined && version !== 1;
        this.send(socket, [
          {
            type: 'error',
            code: unsupported ? 'UNSUPPORTED_VERSION' : 'BAD_FRAME',
            message: unsupported
              ? 'This hub speaks protocol version 1'
              : (parsed.error.issues[0]?.message ?? ''),
          },
        ]);
        return;
      }
      message = parsed.data;
    } catch {
      this.send(socket, [{ type: 'error', code: 'BAD_FRAME', message: 'Frames must be JSON' }]);
      return;
    }
    const attachment = socket.deserializeAttachment() as SocketAttachment;
    try {
      switch (message.type) {
        case 'resume':
          await this.resume(socket, attachment, message.cursor);
          return;
        case 'ack':
          attachment.acked = message.cursor;
          socket.serializeAttachment(attachment);
          return;
        case 'read':
        case 'read_all': {
          if (attachment.state !== 'live') {
            this.send(socket, [{ type: 'error', code: 'NOT_RESUMED', message: 'Send resume first' }]);
            return;
          }
          await this.withDb((db, hubs) =>
            markRead(db, hubs, attachment.userId, message.type === 'read_all' ? 'all' : message.ids),
          );
          return;
        }
      }
    } catch (error) {
      this.resuming.delete(socket);
      createLogger(readConfig(this.env).LOG_LEVEL).error('hub.message_failed', {
        type: message.type,
        error: error instanceof Error ? error.message : String(error),
      });
      this.send(socket, [{ type: 'error', code: 'INTERNAL', message: 'Try again' }]);
    }
  }

  private async resume(socket: WebSocket, attachment: SocketAttachment, cursor: number | null) {
    this.resuming.set(socket, []);
    const missed = await this.withDb((db) => catchUp(db, attachment.userId, cursor));
    const raced = this.resuming.get(socket) ?? [];
    this.resuming.delete(socket);
    attachment.state = 'live';
    attachment.cursor = missed.cursor;
    attachment.ahead = [];
    const now = Date.now();
    const items = [
      ...missed.items,
      ...raced.filter((item) => isLive(item, now) && take(attachment, item.seq)),
    ];
    socket.serializeAttachment(attachment);
    this.send(socket, [
      {
        type: 'notifications',
        items,
        cursor: attachment.cursor,
        replay: true,
        ...(missed.truncated ? { truncated: true } : {}),
      },
      { type: 'unread', count: missed.unread },
    ]);
  }

  /** Mark-read from a socket goes through the same service as the API, which broadcasts to every tab. */
  private async withDb<T>(work: (db: Database, hubs: HubPublisher) => Promise<T>): Promise<T> {
    const config = readConfig(this.env);
    const log = createLogger(config.LOG_LEVEL, { hub: true });
    const handle = createDbHandle({ databaseUrl: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY, log });
    // This object is the hub: broadcast locally instead of calling ourselves over RPC.
    const hubs: HubPublisher = {
      publish: async (_userId, items, unread) => {
        await this.publish(items, unread);
      },
      broadcast: async (_userId, messages) => {
        await this.broadcast(messages);
      },
    };
    try {
      return await work(handle.db, hubs);
    } finally {
      this.ctx.waitUntil(handle.close());
    }
  }

  /** Sends one frame; on failure closes and forgets the socket. */
  private send(socket: WebSocket, messages: ServerMessage[]): boolean {
    try {
      socket.send(encodeFrame(messages));
      return true;
    } catch {
      this.resuming.delete(socket);
      try {
        socket.close(1011, 'send failed');
      } catch {
        // Already closed: nothing to release.
      }
      return false;
    }
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    this.resuming.delete(socket);
    try {
      socket.close(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason.slice(0, 120));
    } catch {
      // The peer is gone already.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    this.resuming.delete(socket);
    try {
      socket.close(1011, 'socket error');
    } catch {
      // The peer is gone already.
    }
  }
}

/** The binding, typed: `wrangler types` cannot see the class behind it. */
export function notificationHubs(env: Env): DurableObjectNamespace<NotificationHub> {
  return env.NOTIFICATION_HUB as unknown as DurableObjectNamespace<NotificationHub>;
}
