import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../db/client';
import { emailListMembers, emailSegments, people, users } from '../../db/schema';
import { ROLES, type RoleId } from '../identity/permissions';
import type { segmentFilters } from './email.schemas';

/**
 * Audiences: who a segment reaches. Eligibility is not optional and not a
 * filter: people without granted consent, suppressed (unsubscribed, bounced,
 * spam report), erased, deleted or without an address are never recipients.
 */

export type SegmentFilters = z.infer<typeof segmentFilters>;

export interface SegmentLike {
  id: string;
  kind: string;
  filters: SegmentFilters;
}

/** The address we mail: the work address first. */
export const recipientEmail = sql<string>`lower(coalesce(nullif(${people.workEmail}, ''), nullif(${people.personalEmail}, '')))`;

const hasEmail = sql`coalesce(nullif(${people.workEmail}, ''), nullif(${people.personalEmail}, '')) is not null`;
const consentGranted = sql`${people.consentStatus} = 'granted'`;
const notSuppressed = sql`not exists (select 1 from email_suppressions s where s.email = ${recipientEmail})`;
const alive = sql`${people.deletedAt} is null and ${people.erasedAt} is null`;

function textArray(values: readonly string[]): SQL {
  return sql`array[${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )}]::text[]`;
}

/** Conditions of the saved filters (and list membership), without eligibility. */
export function segmentCondition(segment: SegmentLike): SQL {
  const filters = segment.filters;
  const conditions: SQL[] = [alive];
  if (segment.kind === 'static') {
    conditions.push(
      sql`exists (select 1 from ${emailListMembers} m where m.segment_id = ${segment.id} and m.person_id = ${people.id})`,
    );
  }
  const organisation: SQL[] = [];
  if (filters.organisationTypes?.length)
    organisation.push(sql`o.types && ${textArray(filters.organisationTypes)}`);
  if (filters.pipelineStageIds?.length) {
    organisation.push(
      sql`o.pipeline_stage_id in (${sql.join(
        filters.pipelineStageIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  }
  if (filters.mandateStatuses?.length) {
    organisation.push(
      sql`exists (select 1 from mandates md where md.organisation_id = o.id and md.deleted_at is null and md.status = any(${textArray(filters.mandateStatuses)}))`,
    );
  }
  if (organisation.length > 0) {
    conditions.push(
      sql`exists (select 1 from affiliations a join organisations o on o.id = a.organisation_id
        where a.person_id = ${people.id} and a.end_date is null and a.deleted_at is null and o.deleted_at is null
        and ${sql.join(organisation, sql` and `)})`,
    );
  }
  if (filters.cities?.length) {
    const cities = textArray(filters.cities.map((city) => city.toLowerCase()));
    conditions.push(
      sql`(lower(${people.city}) = any(${cities}) or exists (select 1 from affiliations a join organisations o on o.id = a.organisation_id
        where a.person_id = ${people.id} and a.end_date is null and a.deleted_at is null and lower(o.city) = any(${cities})))`,
    );
  }
  if (filters.tags?.length) conditions.push(sql`${people.tags} && ${textArray(filters.tags)}`);
  if (filters.languages?.length)
    conditions.push(sql`${people.language} = any(${textArray(filters.languages)})`);
  const lastInteraction = sql`(select max(i.occurred_at) from interaction_participants ip join interactions i on i.id = ip.interaction_id
    where ip.kind = 'person' and ip.participant_id = ${people.id} and i.deleted_at is null)`;
  if (filters.interactedWithinDays) {
    conditions.push(
      sql`${lastInteraction} >= now() - make_interval(days => ${filters.interactedWithinDays})`,
    );
  }
  if (filters.notInteractedForDays) {
    conditions.push(
      sql`coalesce(${lastInteraction} < now() - make_interval(days => ${filters.notInteractedForDays}), true)`,
    );
  }
  if (filters.consentGrantedSince) {
    conditions.push(sql`${people.consentAt} >= ${filters.consentGrantedSince}::date`);
  }
  return sql.join(conditions, sql` and `);
}

/** Who may be mailed at all. */
export const eligibleCondition = sql`${hasEmail} and ${consentGranted} and ${notSuppressed}`;

/** The people a user may target: their role's scope over people (own, team, all). */
export async function audienceScope(db: Database, userId: string): Promise<SQL | undefined> {
  const [user] = await db
    .select({ roleId: users.roleId, teamId: users.teamId })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) return sql`false`;
  const role = ROLES[user.roleId as RoleId];
  switch (role?.scope ?? 'own') {
    case 'all':
      return undefined;
    case 'team':
      return user.teamId ? eq(people.teamId, user.teamId) : eq(people.ownerId, userId);
    default:
      return eq(people.ownerId, userId);
  }
}

export async function loadSegment(db: Database, id: string): Promise<SegmentLike | undefined> {
  const [row] = await db
    .select({
      id: emailSegments.id,
      kind: emailSegments.kind,
      filters: emailSegments.filters,
      deletedAt: emailSegments.deletedAt,
    })
    .from(emailSegments)
    .where(eq(emailSegments.id, id));
  if (!row || row.deletedAt) return undefined;
  return { id: row.id, kind: row.kind, filters: row.filters as SegmentFilters };
}

/** Recipients now, and how many matching people are excluded, by reason. */
export async function countAudience(db: Database, segment: SegmentLike, scope: SQL | undefined) {
  const where = and(segmentCondition(segment), scope);
  const [counts] = await db
    .select({
      eligible: sql<number>`count(*) filter (where ${eligibleCondition})::int`,
      noEmail: sql<number>`count(*) filter (where not (${hasEmail}))::int`,
      noConsent: sql<number>`count(*) filter (where ${hasEmail} and not (${consentGranted}))::int`,
      suppressed: sql<number>`count(*) filter (where ${hasEmail} and ${consentGranted} and not (${notSuppressed}))::int`,
    })
    .from(people)
    .where(where);
  const sample = await db
    .select({
      id: people.id,
      name: sql<string>`${people.firstName} || ' ' || ${people.lastName}`,
      email: recipientEmail,
    })
    .from(people)
    .where(and(where, eligibleCondition))
    .orderBy(people.lastName, people.firstName, people.id)
    .limit(10);
  return {
    count: counts?.eligible ?? 0,
    excluded: {
      noConsent: counts?.noConsent ?? 0,
      suppressed: counts?.suppressed ?? 0,
      noEmail: counts?.noEmail ?? 0,
    },
    sample,
  };
}

/**
 * Every eligible recipient, in a stable pseudo-random order per `salt` (the
 * campaign id), so that an A/B test group is a fair sample and reproducible.
 */
export async function audienceRecipients(
  db: Database,
  segment: SegmentLike,
  scope: SQL | undefined,
  salt: string,
) {
  return db
    .select({ personId: people.id, email: recipientEmail })
    .from(people)
    .where(and(segmentCondition(segment), scope, eligibleCondition))
    .orderBy(sql`md5(${people.id}::text || ${salt})`);
}

/** Is this person mailable right now (used again just before each send)? */
export async function isEligible(db: Database, personId: string): Promise<{ email: string } | null> {
  const [row] = await db
    .select({ email: recipientEmail })
    .from(people)
    .where(and(eq(people.id, personId), alive, eligibleCondition));
  return row ?? null;
}
