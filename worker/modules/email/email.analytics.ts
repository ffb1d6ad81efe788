import { eq, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { emailSends, emailSuppressions } from '../../db/schema';
import { AppError } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';
import { getCampaign } from './email.campaigns.service';

/** Per campaign, variant or step: counts from sends and events, unique per send. */
async function metricsWhere(db: Database, where: SQL) {
  const [row] = await db
    .select({
      recipients: sql<number>`count(*)::int`,
      sent: sql<number>`count(*) filter (where s.status = 'sent')::int`,
      failed: sql<number>`count(*) filter (where s.status = 'failed')::int`,
      delivered: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type = 'delivered'))::int`,
      uniqueOpens: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type = 'open' and not e.machine))::int`,
      machineOpens: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type = 'open' and e.machine)
        and not exists (select 1 from email_events e where e.send_id = s.id and e.type = 'open' and not e.machine))::int`,
      uniqueClicks: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type = 'click' and not e.machine))::int`,
      bounces: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type in ('bounce', 'dropped')))::int`,
      unsubscribes: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type in ('unsubscribe', 'group_unsubscribe')))::int`,
      spamReports: sql<number>`count(*) filter (where exists (select 1 from email_events e where e.send_id = s.id and e.type = 'spamreport'))::int`,
    })
    .from(sql`${emailSends} s`)
    .where(where);
  const counts = row ?? {
    recipients: 0,
    sent: 0,
    failed: 0,
    delivered: 0,
    uniqueOpens: 0,
    machineOpens: 0,
    uniqueClicks: 0,
    bounces: 0,
    unsubscribes: 0,
    spamReports: 0,
  };
  // Without delivery events (sink, or webhook not configured) the base is what was sent.
  const base = counts.delivered > 0 ? counts.delivered : counts.sent;
  const ratio = (value: number) => (base === 0 ? 0 : Math.round((value / base) * 10_000) / 10_000);
  return { ...counts, openRate: ratio(counts.uniqueOpens), clickThroughRate: ratio(counts.uniqueClicks) };
}

export async function campaignAnalytics(deps: ActorDeps, campaignId: string) {
  assertPermission(deps.actor, 'emails', 'read');
  const campaign = await getCampaign(deps, campaignId);
  const total = await metricsWhere(deps.db, sql`s.campaign_id = ${campaignId}`);
  const variants = [];
  for (const variant of campaign.variants) {
    variants.push({
      variantId: variant.id,
      label: variant.label,
      metrics: await metricsWhere(deps.db, sql`s.variant_id = ${variant.id}`),
    });
  }
  const daily = await deps.db.execute<{ day: string; sent: number; opens: number; clicks: number }>(sql`
    with days as (
      select date_trunc('day', s.sent_at) as day, count(*)::int as sent, 0 as opens, 0 as clicks
        from email_sends s where s.campaign_id = ${campaignId} and s.sent_at is not null group by 1
      union all
      select date_trunc('day', e.occurred_at), 0,
             count(distinct e.send_id) filter (where e.type = 'open' and not e.machine)::int,
             count(distinct e.send_id) filter (where e.type = 'click' and not e.machine)::int
        from email_events e join email_sends s on s.id = e.send_id
       where s.campaign_id = ${campaignId} group by 1
    )
    select to_char(day, 'YYYY-MM-DD') as day, sum(sent)::int as sent, sum(opens)::int as opens, sum(clicks)::int as clicks
      from days group by day order by day`);
  return { total, variants, daily: daily.rows };
}

export async function sequenceStepAnalytics(db: Database, stepId: string) {
  return metricsWhere(db, sql`s.step_id = ${stepId}`);
}

export async function listSuppressions(deps: ActorDeps, limit: number, cursor?: string) {
  assertPermission(deps.actor, 'emails', 'read');
  const rows = await deps.db
    .select()
    .from(emailSuppressions)
    .where(cursor ? sql`${emailSuppressions.email} > ${cursor}` : undefined)
    .orderBy(emailSuppressions.email)
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const data = rows.slice(0, limit).map((row) => ({
    email: row.email,
    reason: row.reason,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  }));
  return { data, nextCursor: hasMore ? (data[data.length - 1]?.email ?? null) : null };
}

export async function addSuppression(deps: ActorDeps, email: string, reason: string) {
  assertPermission(deps.actor, 'emails', 'manage');
  const [row] = await deps.db
    .insert(emailSuppressions)
    .values({ email: email.toLowerCase(), reason, source: `user:${deps.actor.userId}` })
    .onConflictDoUpdate({ target: emailSuppressions.email, set: { reason } })
    .returning();
  if (!row) throw new Error('suppression not stored');
  return { email: row.email, reason: row.reason, source: row.source, createdAt: row.createdAt.toISOString() };
}

export async function removeSuppression(deps: ActorDeps, email: string) {
  assertPermission(deps.actor, 'emails', 'manage');
  const removed = await deps.db
    .delete(emailSuppressions)
    .where(eq(emailSuppressions.email, email.toLowerCase()))
    .returning({ email: emailSuppressions.email });
  if (removed.length === 0) throw new AppError('NOT_FOUND', { detail: 'Address not suppressed' });
}
