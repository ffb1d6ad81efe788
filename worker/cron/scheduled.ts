import { createDbHandle } from '../db/client';
import { readConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { createReporter } from '../lib/sentry';
import { runEmailCron } from '../modules/email/email.cron';
import { notificationJobs } from '../modules/notifications/notifications.schedule';
import { dispatchPending } from '../modules/outbox/outbox.service';
import { heartbeatMessage } from '../queues/messages';

/** Cron expressions of wrangler.toml `[triggers]`; a test keeps the two in step. */
export const CRONS = {
  everyMinute: '* * * * *',
  everyQuarterHour: '*/15 * * * *',
  daily: '0 3 * * *',
} as const;

/**
 * The `scheduled` export only enqueues; queue consumers do the work, with
 * retries. Each tick sends a heartbeat so operators can see the pipeline live;
 * later features add their jobs per cron (outbox sweep, drips, webhook health).
 */
export async function handleScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  const config = readConfig(env);
  const log = createLogger(config.LOG_LEVEL, { cron: controller.cron });
  const source = `cron:${controller.cron}`;
  try {
    const known = (Object.values(CRONS) as string[]).includes(controller.cron);
    if (!known) log.warn('cron.unknown', {});
    await env.DOMAIN_EVENTS_QUEUE.send(heartbeatMessage(source, controller.scheduledTime), {
      contentType: 'json',
    });
    for (const job of notificationJobs(controller.cron, controller.scheduledTime)) {
      await env.DOMAIN_EVENTS_QUEUE.send(job, { contentType: 'json' });
    }
    let outbox = 0;
    let email: Awaited<ReturnType<typeof runEmailCron>> = null;
    if (controller.cron === CRONS.everyMinute) {
      // Sweep: events whose immediate dispatch failed (or whose request died) leave within a minute.
      const dbHandle = createDbHandle({
        databaseUrl: config.DATABASE_URL,
        wsProxy: config.NEON_WS_PROXY,
        log,
      });
      try {
        outbox = await dispatchPending(dbHandle.db, env.DOMAIN_EVENTS_QUEUE);
        email = await runEmailCron(dbHandle.db, env, log, new Date(controller.scheduledTime));
      } finally {
        ctx.waitUntil(dbHandle.close());
      }
    }
    log.info('cron.enqueued', {
      heartbeat: 1,
      outbox,
      email,
      scheduledTime: new Date(controller.scheduledTime).toISOString(),
    });
  } catch (error) {
    log.error('cron.failed', { error: error instanceof Error ? error.message : String(error) });
    createReporter(config, ctx)?.captureException(error, { requestId: source });
    throw error;
  }
}
