import { createApp } from './app';
import { handleScheduled } from './cron/scheduled';
import { handleQueueBatch } from './queues/consumer';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: handleQueueBatch,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export { NotificationHub } from '../durable-objects/notification-hub';
