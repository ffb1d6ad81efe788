import type { NotificationHub } from '../../../durable-objects/notification-hub';
import type { Logger } from '../../lib/logger';
import type { HubPublisher } from './notifications.service';

/**
 * The hubs' namespace, typed. A type-only import of the class: Remix routes use
 * this module and must not pull `cloudflare:workers` into their build.
 */
export function hubNamespace(env: Env): DurableObjectNamespace<NotificationHub> {
  return env.NOTIFICATION_HUB as unknown as DurableObjectNamespace<NotificationHub>;
}

/** The real publisher: RPC to the user's Durable Object. A failed push is logged, never fatal (catch-up covers it). */
export function hubPublisher(env: Env, log: Logger): HubPublisher {
  return {
    async publish(userId, items, unreadCount) {
      try {
        await hubNamespace(env).getByName(userId).publish(items, unreadCount);
      } catch (error) {
        log.warn('notifications.publish_failed', { userId, error: String(error) });
      }
    },
    async broadcast(userId, messages) {
      try {
        await hubNamespace(env).getByName(userId).broadcast(messages);
      } catch (error) {
        log.warn('notifications.broadcast_failed', { userId, error: String(error) });
      }
    },
  };
}
