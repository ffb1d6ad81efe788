/**
 * GDPR: subject access (export) and erasure for people. Both are written to
 * the audit log in the transaction that reads or changes the data.
 *
 * The export is complete, not scoped: a subject access answer must cover every
 * interaction, task and affiliation the firm holds, so the gate is
 * people:export plus visibility of the person, not the visibility of each row.
 */
import { and, asc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import {
  affiliations,
  interactionParticipants,
  interactions,
  organisations,
  outboxEvents,
  people,
  tasks,
  timelineEvents,
} from '../../db/schema';
import { AppError } from '../../lib/errors';
import { assertIfMatch, recordChange, type Tx } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { todayUtc } from '../affiliations/affiliations.current';
import { toAffiliation } from '../affiliations/affiliations.service';
import { recordAudit } from '../audit/audit.service';
import { assertPermission } from '../identity/actor';
import { loadVisiblePerson, PERSONAL_FIELDS, type Person, toPerson } from '../people/people.service';
import type { GdprExport } from './gdpr.schemas';

/** What an erased person is called: the full name reads "Personne effacée". */
export const ERASED_FIRST_NAME = 'Personne';
export const ERASED_LAST_NAME = 'effacée';
const ERASED = '[erased]';

const iso = (value: Date | null) => value?.toISOString() ?? null;

export async function exportPerson(deps: ActorDeps, id: string): Promise<GdprExport> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'export');
  // One snapshot for every part of the export; the audit row commits with it.
  return deps.db.transaction(
    async (tx) => {
      const person = await loadVisiblePerson(deps, tx, id, { deleted: 'any' });
      const affiliationRows = await tx
        .select({ affiliation: affiliations, organisationName: organisations.name })
        .from(affiliations)
        .innerJoin(organisations, eq(organisations.id, affiliations.organisationId))
        .where(eq(affiliations.personId, id))
        .orderBy(asc(affiliations.startDate), asc(affiliations.createdAt));
      const interactionRows = await tx
        .select({
          id: interactions.id,
          type: interactions.type,
          occurredAt: interactions.occurredAt,
          subject: interactions.subject,
          body: interactions.body,
          organisationId: interactions.organisationId,
          mandateId: interactions.mandateId,
          createdAt: interactions.createdAt,
          deletedAt: interactions.deletedAt,
        })
        .from(interactionParticipants)
        .innerJoin(interactions, eq(interactions.id, interactionParticipants.interactionId))
        .where(and(eq(interactionParticipants.kind, 'person'), eq(interactionParticipants.participantId, id)))
        .orderBy(asc(interactions.occurredAt), asc(interactions.id));
      const taskRows = await tx
        .select({
          id: tasks.id,
          title: tasks.title,
          description: tasks.description,
          dueDate: tasks.dueDate,
          priority: tasks.priority,
          status: tasks.status,
          organisationId: tasks.organisationId,
          mandateId: tasks.mandateId,
          completedAt: tasks.completedAt,
          createdAt: tasks.createdAt,
          deletedAt: tasks.deletedAt,
        })
        .from(tasks)
        .where(eq(tasks.personId, id))
        .orderBy(asc(tasks.createdAt), asc(tasks.id));
      const affiliationIds = affiliationRows.map((row) => row.affiliation.id);
      const timelineRows = await tx
        .select()
        .from(timelineEvents)
        .where(
          or(
            and(eq(timelineEvents.entityType, 'person'), eq(timelineEvents.entityId, id)),
            affiliationIds.length > 0
              ? and(
                  eq(timelineEvents.entityType, 'affiliation'),
                  inArray(timelineEvents.entityId, affiliationIds),
                )
              : undefined,
          ),
        )
        .orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
      await recordAudit(tx, {
        actorId: actor.userId,
        action: 'person.gdpr_exported',
        targetType: 'person',
        targetId: id,
        requestId: deps.meta.requestId,
        ip: deps.meta.ip,
      });
      const exported = toPerson(person);
      const today = todayUtc();
      return {
        exportedAt: new Date().toISOString(),
        person: exported,
        consent: exported.consent,
        affiliations: affiliationRows.map(({ affiliation, organisationName }) => ({
          ...toAffiliation(affiliation, today),
          organisation: { id: affiliation.organisationId, name: organisationName },
        })),
        interactions: interactionRows.map((row) => ({
          ...row,
          occurredAt: row.occurredAt.toISOString(),
          createdAt: row.createdAt.toISOString(),
          deletedAt: iso(row.deletedAt),
        })),
        tasks: taskRows.map((row) => ({
          ...row,
          completedAt: iso(row.completedAt),
          createdAt: row.createdAt.toISOString(),
          deletedAt: iso(row.deletedAt),
        })),
        timeline: timelineRows.map((row) => ({
          entityType: row.entityType as 'person' | 'affiliation',
          entityId: row.entityId,
          action: row.action,
          actorId: row.actorId,
          changes: row.changes as Record<string, { before: unknown; after: unknown }> | null,
          occurredAt: row.occurredAt.toISOString(),
        })),
      };
    },
    { isolationLevel: 'repeatable read' },
  );
}

/** Replaces the values of `fields` in past timeline entries with a marker; other fields keep their history. */
async function redactTimeline(
  tx: Tx,
  entityType: 'person' | 'affiliation',
  entityIds: string[],
  fields: readonly string[],
) {
  if (entityIds.length === 0) return;
  const redacted = sql`jsonb_build_object('before', ${ERASED}::text, 'after', ${ERASED}::text)`;
  const keys = sql.join(
    fields.map((field) => sql`${field}`),
    sql`, `,
  );
  await tx
    .update(timelineEvents)
    .set({
      changes: sql`(
        select coalesce(jsonb_object_agg(entry.key, case when entry.key in (${keys}) then ${redacted} else entry.value end), '{}'::jsonb)
        from jsonb_each(${timelineEvents.changes}) as entry
      )`,
    })
    .where(
      and(
        eq(timelineEvents.entityType, entityType),
        inArray(timelineEvents.entityId, entityIds),
        isNotNull(timelineEvents.changes),
        sql`jsonb_typeof(${timelineEvents.changes}) = 'object'`,
      ),
    );
}

/**
 * Anonymises a person in place. Interactions, tasks and affiliations stay,
 * linked to the anonymised record, so counts and histories hold; what
 * described the person goes: the personal columns, role titles on their
 * affiliations, the values in their past timeline entries and the payloads of
 * their past events (outbox rows keep type and ids). Irreversible.
 */
export async function erasePerson(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<Person> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'manage');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadVisiblePerson(deps, tx, id, { deleted: 'any', lock: true });
    if (before.erasedAt) throw new AppError('CONFLICT', { detail: 'This person is already erased' });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(people)
      .set({
        firstName: ERASED_FIRST_NAME,
        lastName: ERASED_LAST_NAME,
        workEmail: null,
        personalEmail: null,
        workPhone: null,
        mobilePhone: null,
        jobTitle: null,
        city: null,
        notes: null,
        tags: [],
        externalId: null,
        consentStatus: 'withdrawn',
        consentSource: 'erasure',
        consentAt: sql`now()`,
        erasedAt: sql`now()`,
        updatedAt: sql`now()`,
        version: sql`${people.version} + 1`,
      })
      .where(eq(people.id, id))
      .returning();
    if (!after?.erasedAt) throw new Error('update returned no row');

    await redactTimeline(tx, 'person', [id], PERSONAL_FIELDS);
    await tx
      .update(outboxEvents)
      .set({ payload: sql`jsonb_build_object('id', ${outboxEvents.entityId}, 'redacted', true)` })
      .where(and(eq(outboxEvents.entityType, 'person'), eq(outboxEvents.entityId, id)));

    const affiliated = await tx
      .select({ id: affiliations.id })
      .from(affiliations)
      .where(eq(affiliations.personId, id));
    await redactTimeline(
      tx,
      'affiliation',
      affiliated.map((affiliation) => affiliation.id),
      ['roleTitle'],
    );
    const cleared = await tx
      .update(affiliations)
      .set({ roleTitle: null, updatedAt: sql`now()`, version: sql`${affiliations.version} + 1` })
      .where(and(eq(affiliations.personId, id), isNotNull(affiliations.roleTitle)))
      .returning();
    for (const affiliation of cleared) {
      // The person.erased event speaks for these: no event of their own, which would only say "something was removed".
      await recordChange(tx, {
        entityType: 'affiliation',
        entityId: affiliation.id,
        action: 'erased',
        actor,
        ownerId: affiliation.ownerId,
        teamId: affiliation.teamId,
        changes: { roleTitle: { before: ERASED, after: null } },
        events: [],
      });
    }

    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const field of PERSONAL_FIELDS) {
      const value = before[field];
      const empty = value === null || (Array.isArray(value) && value.length === 0);
      const next = after[field];
      if (!empty) changes[field] = { before: ERASED, after: Array.isArray(next) ? next : (next ?? null) };
    }
    if (before.consentStatus !== after.consentStatus) {
      changes.consentStatus = { before: before.consentStatus, after: after.consentStatus };
    }
    changes.erasedAt = { before: null, after: after.erasedAt.toISOString() };
    await recordChange(tx, {
      entityType: 'person',
      entityId: id,
      action: 'erased',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes,
      events: [
        {
          type: 'person.erased',
          payload: {
            id,
            ownerId: after.ownerId,
            teamId: after.teamId,
            erasedAt: after.erasedAt.toISOString(),
            affiliationIds: affiliated.map((affiliation) => affiliation.id),
          },
        },
      ],
    });
    await recordAudit(tx, {
      actorId: actor.userId,
      action: 'person.erased',
      targetType: 'person',
      targetId: id,
      changes: { erasedAt: { before: null, after: after.erasedAt.toISOString() } },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
    return after;
  });
  return toPerson(row);
}
