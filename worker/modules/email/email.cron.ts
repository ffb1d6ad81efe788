import type { Database } from '../../db/client';
import type { Logger } from '../../lib/logger';
import { dueCampaignWork } from './email.campaigns.service';
import { completeCampaigns, requeueStaleSends } from './email.sending';
import { enqueueDueEnrolments } from './email.sequences.service';

/**
 * The every-minute email job: only finds what is due and enqueues it on
 * `email-sends` (scheduled campaigns, finished A/B tests, due drip steps,
 * sends whose message was lost); the queue consumer does the work.
 */
export async function runEmailCron(db: Database, env: Env, log: Logger, now = new Date()) {
  try {
    const campaigns = await dueCampaignWork(db, env, now);
    const enrolments = await enqueueDueEnrolments(db, env, now);
    const requeued = await requeueStaleSends(db, env);
    const completed = await completeCampaigns(db);
    return { ...campaigns, enrolments, requeued, completed };
  } catch (error) {
    // Email must not stop the other cron jobs (outbox sweep, heartbeat).
    log.error('email.cron.failed', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}
