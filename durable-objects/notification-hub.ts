import { DurableObject } from 'cloudflare:workers';

/** Per-socket state that survives hibernation (kept in the socket's attachment). */
interface SocketAttachment {
  sessionId: string;
  userId: string | null;
  connectedAt: string;
}

export interface HubMessage {
  id: string;
  type: string;
  [field: string]: unknown;
}

export interface PublishResult {
  delivered: number;
  pruned: number;
}

/** Close codes a server may not send (RFC 6455 §7.4.1): echoing them throws. */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

/**
 * One hub per user, holding that user's WebSockets through the hibernation
 * API: no timers and no in-memory socket list, so the object can sleep between
 * messages and wake with its sockets intact. Heartbeats ("ping" → "pong") are
 * answered by the runtime without waking the object.
 */
export class NotificationHub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('Expected a WebSocket upgrade', { status: 426, headers: { Upgrade: 'websocket' } });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    const attachment: SocketAttachment = {
      sessionId: crypto.randomUUID(),
      userId: request.headers.get('X-Hub-User'),
      connectedAt: new Date().toISOString(),
    };
    this.ctx.acceptWebSocket(server, [attachment.sessionId]);
    server.serializeAttachment(attachment);
    server.send(JSON.stringify({ type: 'hello', sessionId: attachment.sessionId }));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** RPC: sends the messages as one frame to every open socket; sockets that fail are closed and dropped. */
  async publish(messages: HubMessage[]): Promise<PublishResult> {
    if (messages.length === 0) return { delivered: 0, pruned: 0 };
    const frame = JSON.stringify({ type: 'batch', messages });
    let delivered = 0;
    let pruned = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(frame);
        delivered++;
      } catch {
        pruned++;
        try {
          socket.close(1011, 'send failed');
        } catch {
          // Already closed: nothing to release.
        }
      }
    }
    return { delivered, pruned };
  }

  /** RPC: how many sockets are open (for diagnostics and tests). */
  async connectionCount(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Clients only send heartbeats (auto-answered) and acknowledgements; anything else is ignored.
    if (typeof message === 'string' && message.length < 1024) {
      const attachment = socket.deserializeAttachment() as SocketAttachment | null;
      if (message === '{"type":"whoami"}')
        socket.send(JSON.stringify({ type: 'you', sessionId: attachment?.sessionId }));
    }
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    try {
      socket.close(RESERVED_CLOSE_CODES.has(code) ? 1000 : code, reason.slice(0, 120));
    } catch {
      // The peer is gone already.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
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
