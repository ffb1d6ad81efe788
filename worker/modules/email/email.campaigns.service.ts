import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../db/client';
import {
  emailCampaigns,
  emailCampaignVariants,
  emailEvents,
  emailSegments,
  emailSends,
  emailTemplates,
} from '../../db/schema';
import { AppError } from '../../lib/errors';
import { decodeCursor, pageOf } from '../../lib/pagination';
import { assertIfMatch, recordChange } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { assertPermission } from '../identity/actor';
import { chooseWinner } from './email.ab';
import { audienceRecipients, audienceScope, loadSegment } from './email.audience';
import type {
  abTestInput,
  CampaignStatus,
  createCampaignSchema,
  listQuery,
  updateCampaignSchema,
} from './email.schemas';
import { enqueueQueuedSends, type SendingDeps } from './email.sending';

type CampaignRow = typeof emailCampaigns.$inferSelect;
type VariantRow = typeof emailCampaignVariants.$inferSelect;
type AbTest = z.infer<typeof abTestInput>;

function toCampaign(row: CampaignRow, variants: VariantRow[]) {
  return {
    id: row.id,
    name: row.name,
    segmentId: row.segmentId,
    fromName: row.fromName,
    fromEmail: row.fromEmail,
    status: row.status as CampaignStatus,
    scheduledAt: row.scheduledAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    abTest: (row.abTest as AbTest | null) ?? null,
    winnerVariantId: row.winnerVariantId,
    winnerReason: row.winnerReason,
    testEndsAt: row.testEndsAt?.toISOString() ?? null,
    variants: variants
      .filter((variant) => variant.campaignId === row.id)
      .sort((left, right) => left.label.localeCompare(right.label))
      .map((variant) => ({
        id: variant.id,
        label: variant.label,
        subject: variant.subject,
        templateId: variant.templateId,
        splitPercent: variant.splitPercent,
      })),
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export type Campaign = ReturnType<typeof toCampaign>;

async function loadCampaign(db: Database, id: string) {
  const [row] = await db
    .select()
    .from(emailCampaigns)
    .where(and(eq(emailCampaigns.id, id), isNull(emailCampaigns.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Campaign not found' });
  const variants = await db
    .select()
    .from(emailCampaignVariants)
    .where(eq(emailCampaignVariants.campaignId, id));
  return { row, variants };
}

async function checkReferences(db: Database, segmentId: string | undefined, templateIds: string[]) {
  const errors: { path: string; message: string; code: string }[] = [];
  if (segmentId) {
    const [segment] = await db
      .select({ id: emailSegments.id })
      .from(emailSegments)
      .where(and(eq(emailSegments.id, segmentId), isNull(emailSegments.deletedAt)));
    if (!segment) errors.push({ path: 'segmentId', message: 'No such segment', code: 'not_found' });
  }
  if (templateIds.length > 0) {
    const found = await db
      .select({ id: emailTemplates.id })
      .from(emailTemplates)
      .where(and(inArray(emailTemplates.id, templateIds), isNull(emailTemplates.deletedAt)));
    const known = new Set(found.map((row) => row.id));
    templateIds.forEach((id, index) => {
      if (!known.has(id))
        errors.push({ path: `variants.${index}.templateId`, message: 'No such template', code: 'not_found' });
    });
  }
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'Unknown references', errors });
}

export async function listCampaigns(deps: ActorDeps, query: z.infer<typeof listQuery>) {
  assertPermission(deps.actor, 'emails', 'read');
  const [cursorUpdated, cursorId] = query.cursor ? decodeCursor(query.cursor, 2) : [null, null];
  const rows = await deps.db
    .select()
    .from(emailCampaigns)
    .where(
      and(
        isNull(emailCampaigns.deletedAt),
        query.q ? sql`${emailCampaigns.name} ilike ${`%${query.q.replace(/[%_\\]/g, '\\$&')}%`}` : undefined,
        cursorUpdated && cursorId
          ? sql`(${emailCampaigns.updatedAt}, ${emailCampaigns.id}) < (${String(cursorUpdated)}::timestamptz, ${String(cursorId)}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(emailCampaigns.updatedAt), desc(emailCampaigns.id))
    .limit(query.limit + 1);
  const page = pageOf(rows, query.limit, (row) => [row.updatedAt.toISOString(), row.id]);
  const variants =
    page.data.length > 0
      ? await deps.db
          .select()
          .from(emailCampaignVariants)
          .where(
            inArray(
              emailCampaignVariants.campaignId,
              page.data.map((row) => row.id),
            ),
          )
      : [];
  return { data: page.data.map((row) => toCampaign(row, variants)), nextCursor: page.nextCursor };
}

export async function getCampaign(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'read');
  const { row, variants } = await loadCampaign(deps.db, id);
  return toCampaign(row, variants);
}

export async function createCampaign(deps: ActorDeps, input: z.infer<typeof createCampaignSchema>) {
  assertPermission(deps.actor, 'emails', 'create');
  await checkReferences(
    deps.db,
    input.segmentId,
    input.variants.map((variant) => variant.templateId),
  );
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(emailCampaigns)
      .values({
        name: input.name,
        segmentId: input.segmentId,
        fromName: input.fromName,
        fromEmail: input.fromEmail,
        abTest: input.abTest ?? null,
        ownerId: deps.actor.userId,
        teamId: deps.actor.teamId,
      })
      .returning();
    if (!row) throw new Error('campaign not inserted');
    const variants = await tx
      .insert(emailCampaignVariants)
      .values(
        input.variants.map((variant) => ({
          campaignId: row.id,
          label: variant.label,
          subject: variant.subject,
          templateId: variant.templateId,
          splitPercent: input.abTest ? variant.splitPercent : 100,
        })),
      )
      .returning();
    await recordChange(tx, {
      entityType: 'email_campaign',
      entityId: row.id,
      action: 'created',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    return toCampaign(row, variants);
  });
}

const _EDITABLE: CampaignStatus[] = ['draft', 'scheduled', 'paused'];

export async function updateCampaign(
  deps: ActorDeps,
  id: string,
  input: z.infer<typeof updateCampaignSchema>,
  ifMatch?: string,
) {
  assertPermission(deps.actor, 'emails', 'update');
  await checkReferences(deps.db, input.segmentId, input.variants?.map((variant) => variant.templateId) ?? []);
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailCampaigns)
      .where(and(eq(emailCampaigns.id, id), isNull(emailCampaigns.deletedAt)))
      .for('update');
    if (!current) throw new AppError('NOT_FOUND', { detail: 'Campaign not found' });
    assertIfMatch(ifMatch, current.version);
    if (current.status !== 'draft' && current.status !== 'scheduled') {
      throw new AppError('CONFLICT', { detail: `A ${current.status} campaign cannot be edited` });
    }
    const abTest = input.abTest === undefined ? current.abTest : input.abTest;
    const [row] = await tx
      .update(emailCampaigns)
      .set({
        name: input.name ?? current.name,
        segmentId: input.segmentId ?? current.segmentId,
        fromName: input.fromName ?? current.fromName,
        fromEmail: input.fromEmail ?? current.fromEmail,
        abTest,
        updatedAt: new Date(),
        version: current.version + 1,
      })
      .where(eq(emailCampaigns.id, id))
      .returning();
    if (!row) throw new Error('campaign not updated');
    if (input.variants) {
      await tx.delete(emailCampaignVariants).where(eq(emailCampaignVariants.campaignId, id));
      await tx.insert(emailCampaignVariants).values(
        input.variants.map((variant) => ({
          campaignId: id,
          label: variant.label,
          subject: variant.subject,
          templateId: variant.templateId,
          splitPercent: abTest ? variant.splitPercent : 100,
        })),
      );
    }
    await recordChange(tx, {
      entityType: 'email_campaign',
      entityId: id,
      action: 'updated',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      events: [],
    });
    const variants = await tx
      .select()
      .from(emailCampaignVariants)
      .where(eq(emailCampaignVariants.campaignId, id));
    return toCampaign(row, variants);
  });
}

export async function deleteCampaign(deps: ActorDeps, id: string) {
  assertPermission(deps.actor, 'emails', 'delete');
  const { row } = await loadCampaign(deps.db, id);
  if (row.status === 'sending' || row.status === 'testing') {
    throw new AppError('CONFLICT', { detail: 'Pause or cancel the campaign before deleting it' });
  }
  await deps.db.update(emailCampaigns).set({ deletedAt: new Date() }).where(eq(emailCampaigns.id, id));
}

/** Moves a campaign between states; `from` is what the transition accepts. */
async function transition(
  deps: ActorDeps,
  id: string,
  from: CampaignStatus[],
  to: CampaignStatus,
  extra: Partial<typeof emailCampaigns.$inferInsert> = {},
) {
  assertPermission(deps.actor, 'emails', 'manage');
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(emailCampaigns)
      .where(and(eq(emailCampaigns.id, id), isNull(emailCampaigns.deletedAt)))
      .for('update');
    if (!current) throw new AppError('NOT_FOUND', { detail: 'Campaign not found' });
    if (!from.includes(current.status as CampaignStatus)) {
      throw new AppError('CONFLICT', { detail: `A ${current.status} campaign cannot become ${to}` });
    }
    const [row] = await tx
      .update(emailCampaigns)
      .set({ status: to, updatedAt: new Date(), version: current.version + 1, ...extra })
      .where(eq(emailCampaigns.id, id))
      .returning();
    if (!row) throw new Error('campaign not updated');
    await recordChange(tx, {
      entityType: 'email_campaign',
      entityId: id,
      action: 'status_changed',
      actor: deps.actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      changes: { status: { before: current.status, after: to } },
      events: [],
    });
    return { before: current, row };
  });
}

export async function enqueueCampaignStart(env: Env, campaignId: string) {
  await env.EMAIL_SENDS_QUEUE.send(
    { id: `email.campaign_start:${campaignId}:${Date.now()}`, type: 'email.campaign_start', campaignId },
    { contentType: 'json' },
  );
}

export async function sendCampaignNow(deps: ActorDeps, env: Env, id: string) {
  const { row } = await transition(deps, id, ['draft', 'scheduled'], 'sending', { scheduledAt: null });
  await enqueueCampaignStart(env, row.id);
  return getCampaign(deps, id);
}

export async function scheduleCampaign(deps: ActorDeps, id: string, at: string) {
  const when = new Date(at);
  if (when.getTime() < Date.now() - 60_000) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'The time is in the past',
      errors: [{ path: 'at', message: 'Choose a time in the future', code: 'too_small' }],
    });
  }
  await transition(deps, id, ['draft', 'scheduled'], 'scheduled', { scheduledAt: when });
  return getCampaign(deps, id);
}

export async function pauseCampaign(deps: ActorDeps, id: string) {
  await transition(deps, id, ['sending', 'testing', 'scheduled'], 'paused');
  return getCampaign(deps, id);
}

export async function resumeCampaign(deps: ActorDeps, env: Env, id: string) {
  const { before, row } = await transition(deps, id, ['paused'], 'sending');
  if (!row.startedAt) await enqueueCampaignStart(env, id);
  else if (row.abTest && !row.winnerVariantId && before.testEndsAt) {
    // Paused during the test: back to testing; the cron decides when the wait is over.
    await deps.db.update(emailCampaigns).set({ status: 'testing' }).where(eq(emailCampaigns.id, id));
    await enqueueQueuedSends(deps.db, env, id);
  } else await enqueueQueuedSends(deps.db, env, id);
  return getCampaign(deps, id);
}

export async function cancelCampaign(deps: ActorDeps, id: string) {
  await transition(deps, id, ['draft', 'scheduled', 'sending', 'testing', 'paused'], 'cancelled');
  await deps.db
    .update(emailSends)
    .set({ status: 'skipped', error: 'campaign cancelled' })
    .where(and(eq(emailSends.campaignId, id), eq(emailSends.status, 'queued')));
  return getCampaign(deps, id);
}

// ------------------------------------------------------------------ queue work

async function insertSends(
  db: Database,
  campaignId: string,
  rows: { personId: string; email: string; variantId: string; phase: string | null }[],
) {
  for (let index = 0; index < rows.length; index += 1_000) {
    await db
      .insert(emailSends)
      .values(
        rows.slice(index, index + 1_000).map((row) => ({
          idempotencyKey: `campaign:${campaignId}:${row.personId}`,
          campaignId,
          variantId: row.variantId,
          personId: row.personId,
          email: row.email,
          phase: row.phase,
        })),
      )
      .onConflictDoNothing({ target: emailSends.idempotencyKey });
  }
}

/**
 * `email.campaign_start`: materialises recipients (the test group only, for an
 * A/B test) as send rows and enqueues them. Safe to run twice: rows are unique
 * per (campaign, person).
 */
export async function startCampaign(campaignId: string, deps: SendingDeps) {
  const { db } = deps;
  const [campaign] = await db.select().from(emailCampaigns).where(eq(emailCampaigns.id, campaignId));
  if (!campaign || campaign.deletedAt || campaign.status !== 'sending') return;
  const variants = await db
    .select()
    .from(emailCampaignVariants)
    .where(eq(emailCampaignVariants.campaignId, campaignId))
    .orderBy(asc(emailCampaignVariants.label));
  const segment = await loadSegment(db, campaign.segmentId);
  if (!segment || variants.length === 0) {
    await db
      .update(emailCampaigns)
      .set({ status: 'cancelled', winnerReason: 'segment or variants missing', updatedAt: new Date() })
      .where(eq(emailCampaigns.id, campaignId));
    return;
  }
  const recipients = await audienceRecipients(
    db,
    segment,
    await audienceScope(db, campaign.ownerId),
    campaignId,
  );
  const abTest = campaign.abTest as AbTest | null;
  if (abTest && variants.length > 1 && !campaign.winnerVariantId) {
    const testSize = Math.min(recipients.length, Math.ceil((recipients.length * abTest.testPercent) / 100));
    const group = recipients.slice(0, testSize);
    const rows: { personId: string; email: string; variantId: string; phase: string }[] = [];
    let start = 0;
    variants.forEach((variant, index) => {
      const end =
        index === variants.length - 1
          ? group.length
          : start + Math.round((group.length * variant.splitPercent) / 100);
      for (const recipient of group.slice(start, end))
        rows.push({ ...recipient, variantId: variant.id, phase: 'test' });
      start = end;
    });
    await insertSends(db, campaignId, rows);
    await db
      .update(emailCampaigns)
      .set({
        status: 'testing',
        startedAt: campaign.startedAt ?? new Date(),
        testEndsAt: campaign.testEndsAt ?? new Date(Date.now() + abTest.waitMinutes * 60_000),
        updatedAt: new Date(),
      })
      .where(eq(emailCampaigns.id, campaignId));
  } else {
    const variantId = campaign.winnerVariantId ?? variants[0]?.id ?? '';
    await insertSends(
      db,
      campaignId,
      recipients.map((recipient) => ({ ...recipient, variantId, phase: abTest ? 'final' : null })),
    );
    await db
      .update(emailCampaigns)
      .set({ startedAt: campaign.startedAt ?? new Date(), updatedAt: new Date() })
      .where(eq(emailCampaigns.id, campaignId));
  }
  const queued = await enqueueQueuedSends(db, deps.env, campaignId);
  deps.log.info('email.campaign.started', { campaignId, recipients: recipients.length, queued });
}

/** Unique human opens or clicks and sends, per variant, over the test group. */
export async function variantOutcomes(
  db: Database,
  campaignId: string,
  metric: 'opens' | 'clicks',
  phase?: string,
) {
  const eventType = metric === 'opens' ? 'open' : 'click';
  const rows = await db
    .select({
      variantId: emailCampaignVariants.id,
      label: emailCampaignVariants.label,
      sent: sql<number>`count(distinct ${emailSends.id}) filter (where ${emailSends.status} = 'sent')::int`,
      successes: sql<number>`count(distinct ${emailEvents.sendId}) filter (where ${emailEvents.type} = ${eventType} and not ${emailEvents.machine})::int`,
    })
    .from(emailCampaignVariants)
    .leftJoin(
      emailSends,
      and(
        eq(emailSends.variantId, emailCampaignVariants.id),
        phase ? eq(emailSends.phase, phase) : undefined,
      ),
    )
    .leftJoin(emailEvents, eq(emailEvents.sendId, emailSends.id))
    .where(eq(emailCampaignVariants.campaignId, campaignId))
    .groupBy(emailCampaignVariants.id, emailCampaignVariants.label)
    .orderBy(asc(emailCampaignVariants.label));
  return rows;
}

/**
 * `email.campaign_decide`: after the wait, pick the winner (significant lead,
 * else the default) and send it to the rest of the audience.
 */
export async function decideCampaign(campaignId: string, deps: SendingDeps) {
  const { db } = deps;
  const [campaign] = await db.select().from(emailCampaigns).where(eq(emailCampaigns.id, campaignId));
  if (campaign?.status !== 'testing' || !campaign.abTest) return;
  if (campaign.testEndsAt && campaign.testEndsAt.getTime() > Date.now()) return;
  const abTest = campaign.abTest as AbTest;
  let winnerVariantId = campaign.winnerVariantId;
  if (!winnerVariantId) {
    const outcomes = await variantOutcomes(db, campaignId, abTest.metric, 'test');
    const decision = chooseWinner(outcomes, {
      defaultLabel: abTest.defaultVariant,
      confidence: abTest.confidence ?? 0.95,
      metric: abTest.metric,
    });
    winnerVariantId = decision.variantId;
    const updated = await db
      .update(emailCampaigns)
      .set({ winnerVariantId, winnerReason: decision.reason, updatedAt: new Date() })
      .where(and(eq(emailCampaigns.id, campaignId), isNull(emailCampaigns.winnerVariantId)))
      .returning({ id: emailCampaigns.id });
    if (updated.length === 0) return; // another delivery decided first
    deps.log.info('email.campaign.winner', {
      campaignId,
      winner: decision.label,
      significant: decision.significant,
    });
  }
  await db.update(emailCampaigns).set({ status: 'sending' }).where(eq(emailCampaigns.id, campaignId));
  await startCampaign(campaignId, deps);
}

/** Cron: scheduled campaigns that are due start; finished tests are decided. */
export async function dueCampaignWork(db: Database, env: Env, now = new Date()) {
  const due = await db
    .update(emailCampaigns)
    .set({ status: 'sending', updatedAt: now })
    .where(
      and(
        eq(emailCampaigns.status, 'scheduled'),
        lte(emailCampaigns.scheduledAt, now),
        isNull(emailCampaigns.deletedAt),
      ),
    )
    .returning({ id: emailCampaigns.id });
  for (const campaign of due) await enqueueCampaignStart(env, campaign.id);
  const decided = await db
    .select({ id: emailCampaigns.id })
    .from(emailCampaigns)
    .where(
      and(
        eq(emailCampaigns.status, 'testing'),
        lte(emailCampaigns.testEndsAt, now),
        isNull(emailCampaigns.deletedAt),
      ),
    );
  for (const campaign of decided) {
    await env.EMAIL_SENDS_QUEUE.send(
      { id: `email.campaign_decide:${campaign.id}`, type: 'email.campaign_decide', campaignId: campaign.id },
      { contentType: 'json' },
    );
  }
  return { started: due.length, deciding: decided.length };
}
