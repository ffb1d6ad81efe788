import type { ConsumerDeps } from '../../queues/consumer';
import type { DomainEventMessage } from '../../queues/messages';
import { hubPublisher } from './notifications.hub';
import { RULES } from './notifications.rules';
import { notifyForEvent } from './notifications.service';

/** Domain events → notifications. Idempotent: rows are unique per (event id, recipient). */
export const notificationsSubscriber = {
  name: 'notifications',
  async handle(event: DomainEventMessage, deps: ConsumerDeps): Promise<void> {
    if (!RULES[event.type]) return;
    await notifyForEvent({ db: deps.db, hubs: hubPublisher(deps.env, deps.log) }, event);
  },
};
