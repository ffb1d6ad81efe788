import type { Context } from 'hono';
import { notificationHubs } from '../../../durable-objects/notification-hub';
import type { AppEnv } from '../../lib/context';
import { AppError } from '../../lib/errors';

const TICKET = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([0-9a-f]{64})$/;

/**
 * `GET /ws/notifications`: authenticated here, before the request reaches the
 * hub, by the session (cookie or bearer) or by a single-use ticket
 * (`?ticket=` from POST /api/v1/notifications/ticket) that the user's hub
 * redeems. Anything else is a 401 problem and no socket is opened.
 */
export async function upgradeToNotificationHub(c: Context<AppEnv>): Promise<Response> {
  if (c.req.header('Upgrade')?.toLowerCase() !== 'websocket') {
    throw new AppError('BAD_REQUEST', {
      detail: 'Expected a WebSocket upgrade',
      headers: { Upgrade: 'websocket' },
    });
  }
  const ticket = c.req.query('ticket');
  const actor = c.var.actor;
  let userId: string;
  let secret: string | null = null;
  if (ticket !== undefined) {
    const match = TICKET.exec(ticket);
    if (!match?.[1] || !match[2]) throw new AppError('UNAUTHENTICATED', { detail: 'Malformed ticket' });
    userId = match[1];
    secret = match[2];
  } else if (actor) {
    userId = actor.userId;
    // Browsers send the cookie on cross-site WebSocket upgrades too: only our own pages may open one.
    const origin = c.req.header('Origin');
    if (actor.via === 'session' && origin && origin !== new URL(c.req.url).origin) {
      throw new AppError('FORBIDDEN', { detail: 'Cross-origin WebSocket refused' });
    }
  } else {
    throw new AppError('UNAUTHENTICATED', {
      detail: 'Sign in, or pass a ticket from POST /api/v1/notifications/ticket',
    });
  }
  // One hub per user: the id comes from the verified identity (or the hub checks the ticket), never from headers.
  const headers = new Headers(c.req.raw.headers);
  headers.delete('X-Hub-Ticket');
  headers.set('X-Hub-User', userId);
  if (secret) headers.set('X-Hub-Ticket', secret);
  const upgraded = await notificationHubs(c.env).getByName(userId).fetch(new Request(c.req.raw, { headers }));
  if (upgraded.status === 401) throw new AppError('UNAUTHENTICATED', { detail: 'Invalid or expired ticket' });
  // A fetched response's headers are immutable; middleware still adds ours (request id, security headers).
  return new Response(null, {
    status: upgraded.status,
    headers: upgraded.headers,
    webSocket: upgraded.webSocket,
  });
}
