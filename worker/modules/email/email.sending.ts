import { and, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client';
import {
  affiliations,
  emailCampaigns,
  emailCampaignVariants,
  emailSends,
  emailSequenceSteps,
  emailSequences,
  emailTemplates,
  organisations,
  people,
} from '../../db/schema';
import type { Logger } from '../../lib/logger';
import { envelopeSchema } from '../../queues/messages';
import { eligibleCondition, recipientEmail } from './email.audience';
import { type EmailConfig, readEmailConfig } from './email.config';
import { createSendgridProvider, type EmailProvider, type OutgoingEmail } from './email.provider';
import { signToken } from './email.tokens';
import { fillVariables, type VariableValues } from './email.variables';

/**
 * Sending: sends are rows first (one per campaign-or-step × recipient, unique
 * idempotency key), then queue messages carrying their ids. The consumer
 * claims each row with a lease before calling the provider, so a redelivered
 * or duplicated message finds it sent (or held) and never sends it twice.
 */

export const SEND_BATCH_SIZE = 50;
const LEASE_SECONDS = 120;

export const emailSendMessageSchema = envelopeSchema.extend({
  type: z.literal('email.send'),
  sendIds: z.array(z.uuid()).min(1).max(100),
});
export const campaignStartMessageSchema = envelopeSchema.extend({
  type: z.literal('email.campaign_start'),
  campaignId: z.uuid(),
});
export const campaignDecideMessageSchema = envelopeSchema.extend({
  type: z.literal('email.campaign_decide'),
  campaignId: z.uuid(),
});

export type EmailSendMessage = z.infer<typeof emailSendMessageSchema>;

export interface SendingDeps {
  db: Database;
  log: Logger;
  env: Env;
}

/** Thrown when some sends of a message failed transiently: the queue retries the message. */
export class TransientSendFailure extends Error {
  override name = 'TransientSendFailure';
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/** Queue messages for these sends, 50 sends a message, 100 messages a `sendBatch`. */
export async function enqueueSends(env: Env, sendIds: string[], delaySeconds = 0): Promise<number> {
  const messages = chunk(sendIds, SEND_BATCH_SIZE).map((ids) => ({
    body: {
      id: `email.send:${ids[0]}:${ids.length}:${Date.now()}`,
      type: 'email.send',
      sendIds: ids,
    } satisfies EmailSendMessage,
    contentType: 'json' as const,
    ...(delaySeconds > 0 ? { delaySeconds: Math.min(delaySeconds, 43_200) } : {}),
  }));
  for (const batch of chunk(messages, 100)) await env.EMAIL_SENDS_QUEUE.sendBatch(batch);
  return sendIds.length;
}

/** Every still-queued send of a campaign goes (back) on the queue. */
export async function enqueueQueuedSends(db: Database, env: Env, campaignId: string): Promise<number> {
  const rows = await db
    .update(emailSends)
    .set({ queuedAt: new Date() })
    .where(and(eq(emailSends.campaignId, campaignId), eq(emailSends.status, 'queued')))
    .returning({ id: emailSends.id });
  return enqueueSends(
    env,
    rows.map((row) => row.id),
  );
}

// ------------------------------------------------------------------ content

interface Content {
  subject: string;
  html: string;
  text: string;
  fromName: string;
  fromEmail: string;
  category: string;
}

async function contentFor(db: Database, rows: (typeof emailSends.$inferSelect)[]) {
  const variantIds = [...new Set(rows.map((row) => row.variantId).filter((id): id is string => id !== null))];
  const stepIds = [...new Set(rows.map((row) => row.stepId).filter((id): id is string => id !== null))];
  const byVariant = new Map<string, Content & { campaignStatus: string }>();
  if (variantIds.length > 0) {
    const variants = await db
      .select({
        id: emailCampaignVariants.id,
        subject: emailCampaignVariants.subject,
        html: emailTemplates.html,
        text: emailTemplates.text,
        fromName: emailCampaigns.fromName,
        fromEmail: emailCampaigns.fromEmail,
        campaignId: emailCampaigns.id,
        campaignStatus: emailCampaigns.status,
      })
      .from(emailCampaignVariants)
      .innerJoin(emailTemplates, eq(emailTemplates.id, emailCampaignVariants.templateId))
      .innerJoin(emailCampaigns, eq(emailCampaigns.id, emailCampaignVariants.campaignId))
      .where(inArray(emailCampaignVariants.id, variantIds));
    for (const variant of variants)
      byVariant.set(variant.id, { ...variant, category: `campaign:${variant.campaignId}` });
  }
  const byStep = new Map<string, Content & { sequenceStatus: string }>();
  if (stepIds.length > 0) {
    const steps = await db
      .select({
        id: emailSequenceSteps.id,
        config: emailSequenceSteps.config,
        fromName: emailSequences.fromName,
        fromEmail: emailSequences.fromEmail,
        sequenceId: emailSequences.id,
        sequenceStatus: emailSequences.status,
        html: emailTemplates.html,
        text: emailTemplates.text,
      })
      .from(emailSequenceSteps)
      .innerJoin(emailSequences, eq(emailSequences.id, emailSequenceSteps.sequenceId))
      .innerJoin(
        emailTemplates,
        sql`${emailTemplates.id} = (${emailSequenceSteps.config}->>'templateId')::uuid`,
      )
      .where(inArray(emailSequenceSteps.id, stepIds));
    for (const step of steps) {
      const config = step.config as { subject?: string };
      byStep.set(step.id, {
        ...step,
        subject: config.subject ?? '',
        category: `sequence:${step.sequenceId}`,
      });
    }
  }
  return { byVariant, byStep };
}

async function recipientsOf(db: Database, personIds: string[]) {
  if (personIds.length === 0)
    return new Map<string, { eligibleEmail: string | null; values: VariableValues }>();
  const rows = await db
    .select({
      id: people.id,
      firstName: people.firstName,
      lastName: people.lastName,
      jobTitle: people.jobTitle,
      city: people.city,
      email: recipientEmail,
      eligible: sql<boolean>`(${people.deletedAt} is null and ${people.erasedAt} is null and ${eligibleCondition})`,
      organisationName: organisations.name,
      organisationCity: organisations.city,
    })
    .from(people)
    .leftJoin(
      affiliations,
      and(
        eq(affiliations.personId, people.id),
        eq(affiliations.isPrimary, true),
        isNull(affiliations.endDate),
        isNull(affiliations.deletedAt),
      ),
    )
    .leftJoin(organisations, eq(organisations.id, affiliations.organisationId))
    .where(inArray(people.id, personIds));
  return new Map(
    rows.map((row) => [
      row.id,
      {
        eligibleEmail: row.eligible ? row.email : null,
        values: {
          'person.first_name': row.firstName,
          'person.last_name': row.lastName,
          'person.email': row.email,
          'person.job_title': row.jobTitle,
          'person.city': row.city,
          'organisation.name': row.organisationName,
          'organisation.city': row.organisationCity,
        } satisfies VariableValues,
      },
    ]),
  );
}

function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|quot|apos|lt|gt|#39);/gi, (_whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return ({ amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' } as Record<string, string>)[lower] ?? '';
  });
}

/** Links become signed click redirects; an open pixel goes at the end of the body. */
export async function addTracking(html: string, config: EmailConfig, sendId: string): Promise<string> {
  const links = new Map<string, string>();
  const hrefs: string[] = [];
  await new HTMLRewriter()
    .on('a[href]', {
      element(element) {
        const href = element.getAttribute('href') ?? '';
        if (/^https?:\/\//i.test(href) && !href.startsWith(`${config.publicBaseUrl}/t/`)) hrefs.push(href);
      },
    })
    .transform(new Response(html))
    .text();
  for (const href of new Set(hrefs)) {
    // lol-html hands attributes over as written: `&amp;` in a query string is still escaped.
    const url = decodeAttribute(href);
    links.set(
      href,
      `${config.publicBaseUrl}/t/c/${await signToken(config.trackingSecret, { kind: 'click', sendId, url })}`,
    );
  }
  const pixel = `${config.publicBaseUrl}/t/o/${await signToken(config.trackingSecret, { kind: 'open', sendId })}`;
  return new HTMLRewriter()
    .on('a[href]', {
      element(element) {
        const tracked = links.get(element.getAttribute('href') ?? '');
        if (tracked) element.setAttribute('href', tracked);
      },
    })
    .on('body', {
      element(element) {
        element.append(
          `<img src="${pixel}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`,
          { html: true },
        );
      },
    })
    .transform(new Response(html))
    .text();
}

export async function unsubscribeUrl(config: EmailConfig, sendId: string): Promise<string> {
  return `${config.publicBaseUrl}/t/u/${await signToken(config.trackingSecret, { kind: 'unsubscribe', sendId })}`;
}

/** The personalised message of one send, with RFC 8058 one-click unsubscribe headers. */
export async function buildMessage(
  config: EmailConfig,
  send: { id: string; email: string },
  content: Content,
  values: VariableValues,
): Promise<OutgoingEmail> {
  const unsubscribe = await unsubscribeUrl(config, send.id);
  const filled: VariableValues = { ...values, unsubscribe_url: unsubscribe, preferences_url: unsubscribe };
  const html = await addTracking(fillVariables(content.html, filled, 'html'), config, send.id);
  const name = [values['person.first_name'], values['person.last_name']].filter(Boolean).join(' ');
  return {
    to: name ? { email: send.email, name } : { email: send.email },
    from: { email: content.fromEmail, name: content.fromName },
    subject: fillVariables(content.subject, filled, 'text'),
    html,
    text: fillVariables(content.text, filled, 'text'),
    headers: {
      'List-Unsubscribe': `<${unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    customArgs: { send_id: send.id },
    categories: [content.category],
  };
}

// ------------------------------------------------------------------ the consumer

/** Sends left in this minute and today (rate limit and daily quota, counted from what was sent). */
async function sendingAllowance(db: Database, config: EmailConfig): Promise<number> {
  const [row] = await db
    .select({
      lastMinute: sql<number>`count(*) filter (where ${emailSends.sentAt} > now() - interval '1 minute')::int`,
      today: sql<number>`count(*) filter (where ${emailSends.sentAt} >= date_trunc('day', now()))::int`,
    })
    .from(emailSends)
    .where(sql`${emailSends.sentAt} >= least(now() - interval '1 minute', date_trunc('day', now()))`);
  return Math.max(
    0,
    Math.min(config.ratePerMinute - (row?.lastMinute ?? 0), config.dailyQuota - (row?.today ?? 0)),
  );
}

function secondsToMidnightUtc(now = new Date()): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((midnight - now.getTime()) / 1000);
}

export async function handleSendMessage(
  message: EmailSendMessage,
  deps: SendingDeps,
  provider: EmailProvider = createSendgridProvider({
    baseUrl: readEmailConfig(deps.env).sendgridBaseUrl,
    apiKey: readEmailConfig(deps.env).sendgridApiKey,
  }),
): Promise<void> {
  const config = readEmailConfig(deps.env);
  const { db } = deps;
  const allowance = await sendingAllowance(db, config);
  let ids = message.sendIds;
  if (allowance < ids.length) {
    // Over the rate or the quota: the rest waits for the next minute (or tomorrow), without burning retries.
    const [row] = await db
      .select({ today: sql<number>`count(*)::int` })
      .from(emailSends)
      .where(sql`${emailSends.sentAt} >= date_trunc('day', now())`);
    const delay = (row?.today ?? 0) >= config.dailyQuota ? secondsToMidnightUtc() : 60;
    await enqueueSends(deps.env, ids.slice(allowance), delay);
    deps.log.info('email.send.throttled', { deferred: ids.length - allowance, delay });
    ids = ids.slice(0, allowance);
    if (ids.length === 0) return;
  }

  const claimed = await db
    .update(emailSends)
    .set({
      status: 'sending',
      attempts: sql`${emailSends.attempts} + 1`,
      leasedUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .where(
      and(
        inArray(emailSends.id, ids),
        sql`(${emailSends.status} = 'queued' or (${emailSends.status} = 'sending' and ${emailSends.leasedUntil} < now()))`,
      ),
    )
    .returning();
  const claimedIds = new Set(claimed.map((row) => row.id));
  const held = await db
    .select({ id: emailSends.id })
    .from(emailSends)
    .where(
      and(
        inArray(
          emailSends.id,
          ids.filter((id) => !claimedIds.has(id)),
        ),
        eq(emailSends.status, 'sending'),
      ),
    );
  // Held by another delivery of the same sends: look again once its lease is over.
  if (held.length > 0) {
    await enqueueSends(
      deps.env,
      held.map((row) => row.id),
      LEASE_SECONDS + 10,
    );
  }
  if (claimed.length === 0) return;

  const { byVariant, byStep } = await contentFor(db, claimed);
  const recipients = await recipientsOf(
    db,
    claimed.map((row) => row.personId).filter((id): id is string => id !== null),
  );
  let transient = 0;
  for (const send of claimed) {
    const campaign = send.variantId ? byVariant.get(send.variantId) : undefined;
    const step = send.stepId ? byStep.get(send.stepId) : undefined;
    const content = campaign ?? step;
    const recipient = send.personId ? recipients.get(send.personId) : undefined;
    const settle = (values: Partial<typeof emailSends.$inferInsert>) =>
      db
        .update(emailSends)
        .set({ leasedUntil: null, ...values })
        .where(eq(emailSends.id, send.id));
    if (campaign?.campaignStatus === 'paused' || step?.sequenceStatus === 'paused') {
      await settle({ status: 'queued' });
      continue;
    }
    if (!content || campaign?.campaignStatus === 'cancelled') {
      await settle({ status: 'skipped', error: content ? 'campaign cancelled' : 'content not found' });
      continue;
    }
    if (!recipient?.eligibleEmail) {
      await settle({ status: 'skipped', error: 'not eligible (consent, suppression or address)' });
      continue;
    }
    const outgoing = await buildMessage(
      config,
      { id: send.id, email: recipient.eligibleEmail },
      content,
      recipient.values,
    );
    const result = await provider.send(outgoing);
    if (result.ok) {
      await settle({
        status: 'sent',
        sentAt: new Date(),
        providerMessageId: result.providerMessageId,
        error: null,
      });
    } else if (result.retryable) {
      transient++;
      await settle({ status: 'queued', error: result.error });
    } else {
      await settle({ status: 'failed', error: result.error });
      deps.log.warn('email.send.rejected', { sendId: send.id, status: result.status });
    }
  }
  if (transient > 0) throw new TransientSendFailure(`${transient} send(s) failed transiently; retrying`);
}

/** Cron sweep: queued sends whose message was lost (enqueue failed after commit) go back on the queue. */
export async function requeueStaleSends(db: Database, env: Env): Promise<number> {
  const rows = await db
    .update(emailSends)
    .set({ queuedAt: new Date() })
    .where(
      and(
        eq(emailSends.status, 'queued'),
        lt(emailSends.queuedAt, sql`now() - interval '15 minutes'`),
        sql`not exists (select 1 from ${emailCampaigns} c where c.id = ${emailSends.campaignId} and c.status in ('paused', 'cancelled'))`,
      ),
    )
    .returning({ id: emailSends.id });
  return enqueueSends(
    env,
    rows.map((row) => row.id),
  );
}

/** Campaigns whose every send is settled are sent. */
export async function completeCampaigns(db: Database): Promise<number> {
  const rows = await db
    .update(emailCampaigns)
    .set({ status: 'sent', completedAt: new Date(), updatedAt: new Date() })
    .where(
      and(
        eq(emailCampaigns.status, 'sending'),
        isNotNull(emailCampaigns.startedAt),
        sql`not exists (select 1 from ${emailSends} s where s.campaign_id = ${emailCampaigns.id} and s.status in ('queued', 'sending'))`,
      ),
    )
    .returning({ id: emailCampaigns.id });
  return rows.length;
}
