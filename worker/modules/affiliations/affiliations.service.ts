/**
 * Affiliations: who works (or worked) where. Permissions are the `people`
 * ones — an affiliation is part of a contact's record, and a separate
 * `affiliations:*` resource would let roles drift apart (able to edit a
 * person but not say where they work). create/update/delete/read map to
 * people:create/update/delete/read. The row carries its own owner and team
 * (the caller who created it) and is scoped by them like any record.
 */
import { and, eq, getTableColumns, isNotNull, isNull, ne, not, type SQL, sql } from 'drizzle-orm';
import { affiliations, organisations, people } from '../../db/schema';
import { AppError, type FieldError } from '../../lib/errors';
import {
  assertIfMatch,
  changedFields,
  keyset,
  pageFromRows,
  parseSort,
  recordChange,
  type SortField,
  type Tx,
} from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import type { Actor } from '../identity/actor';
import { assertPermission } from '../identity/actor';
import { assertCanSee, canSeeRecord, scopeCondition } from '../identity/scope';
import { getOrganisation } from '../organisations/organisations.service';
import { loadVisiblePerson, nameKeyset, sortFirst, sortLast } from '../people/people.service';
import { isCurrent, isCurrentAffiliation, todayUtc } from './affiliations.current';
import type {
  CreateAffiliationInput,
  ListAffiliationsQuery,
  RelatedQuery,
  UpdateAffiliationInput,
} from './affiliations.schemas';

type AffiliationRow = typeof affiliations.$inferSelect;

export interface Affiliation {
  id: string;
  personId: string;
  organisationId: string;
  roleTitle: string | null;
  isPrimary: boolean;
  startDate: string | null;
  endDate: string | null;
  isCurrent: boolean;
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toAffiliation(row: AffiliationRow, today: string = todayUtc()): Affiliation {
  return {
    id: row.id,
    personId: row.personId,
    organisationId: row.organisationId,
    roleTitle: row.roleTitle,
    isPrimary: row.isPrimary,
    startDate: row.startDate,
    endDate: row.endDate,
    isCurrent: isCurrent(row.endDate, today),
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

const TRACKED_FIELDS = ['roleTitle', 'isPrimary', 'startDate', 'endDate'] as const;

const dateSort = (key: 'startDate' | 'endDate'): SortField => ({
  key,
  column: affiliations[key],
  read: (row) => (row[key] as string | null) ?? null,
  cast: 'date',
});

const SORTS: SortField[] = [
  dateSort('startDate'),
  dateSort('endDate'),
  {
    key: 'createdAt',
    column: affiliations.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'updatedAt',
    column: affiliations.updatedAt,
    read: (row) => (row.updatedAt as Date).toISOString(),
    cast: 'timestamptz',
  },
];

const currentFilter = (current: boolean | undefined) =>
  current === undefined ? undefined : current ? isCurrentAffiliation() : not(isCurrentAffiliation());

/** Ids and dates only: role titles stay out of events, so an erasure has nothing to chase in the queue. */
function eventPayload(row: AffiliationRow) {
  const { id, personId, organisationId, isPrimary, startDate, endDate, ownerId, teamId } = row;
  return { id, personId, organisationId, isPrimary, startDate, endDate, ownerId, teamId };
}

export async function listAffiliations(deps: ActorDeps, query: ListAffiliationsQuery) {
  const { actor } = deps;
  assertPermission(actor, 'people', 'read');
  if (query.deleted) assertPermission(actor, 'people', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, '-startDate');
  const page = keyset(field, direction, affiliations.id, query.cursor);
  const rows = await deps.db
    .select()
    .from(affiliations)
    .where(
      and(
        scopeCondition(actor, affiliations),
        query.deleted ? isNotNull(affiliations.deletedAt) : isNull(affiliations.deletedAt),
        query.personId ? eq(affiliations.personId, query.personId) : undefined,
        query.organisationId ? eq(affiliations.organisationId, query.organisationId) : undefined,
        currentFilter(query.current),
        query.primary === undefined ? undefined : eq(affiliations.isPrimary, query.primary),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  const today = todayUtc();
  return { data: result.data.map((row) => toAffiliation(row, today)), nextCursor: result.nextCursor };
}

async function loadVisible(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean; lock?: boolean } = {},
) {
  const query = tx.select().from(affiliations).where(eq(affiliations.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  const visible = assertCanSee(deps.actor, row, 'Affiliation');
  if (Boolean(visible.deletedAt) !== Boolean(options.deleted)) {
    throw new AppError('NOT_FOUND', {
      detail: options.deleted ? 'No deleted affiliation with this id' : 'Affiliation not found',
    });
  }
  return visible;
}

export async function getAffiliation(deps: ActorDeps, id: string): Promise<Affiliation> {
  assertPermission(deps.actor, 'people', 'read');
  return toAffiliation(await loadVisible(deps, deps.db, id));
}

/**
 * Serialises writes touching one person's affiliations (the primary switch
 * reads then writes), without blocking inserts that merely reference the person.
 */
async function lockPerson(tx: Tx, personId: string) {
  const [row] = await tx
    .select({
      id: people.id,
      ownerId: people.ownerId,
      teamId: people.teamId,
      deletedAt: people.deletedAt,
      erasedAt: people.erasedAt,
    })
    .from(people)
    .where(eq(people.id, personId))
    .for('no key update');
  return row;
}

/**
 * Both ends must exist, be live and be visible to the caller; an invisible
 * one gets exactly the error of a missing one, so ids cannot be probed.
 */
async function assertEnds(tx: Tx, actor: Actor, input: { personId: string; organisationId: string }) {
  const errors: FieldError[] = [];
  const person = await lockPerson(tx, input.personId);
  if (!person || person.deletedAt || !canSeeRecord(actor, person)) {
    errors.push({ path: 'personId', message: 'No such person', code: 'unknown_reference' });
  } else if (person.erasedAt) {
    errors.push({ path: 'personId', message: 'This person was erased', code: 'erased' });
  }
  const [organisation] = await tx
    .select({
      ownerId: organisations.ownerId,
      teamId: organisations.teamId,
      deletedAt: organisations.deletedAt,
    })
    .from(organisations)
    .where(eq(organisations.id, input.organisationId));
  if (!organisation || organisation.deletedAt || !canSeeRecord(actor, organisation)) {
    errors.push({ path: 'organisationId', message: 'No such organisation', code: 'unknown_reference' });
  }
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'Unknown references', errors });
}

/**
 * One current primary per person: when an affiliation becomes it, the others
 * lose the flag in the same transaction (each with its own timeline entry and
 * event). The caller holds the person lock. Runs before the write that makes
 * the new primary, since affiliations_one_primary_key is not deferrable.
 */
async function demoteOtherPrimaries(tx: Tx, actor: Actor, personId: string, exceptId?: string) {
  const demoted = await tx
    .update(affiliations)
    .set({ isPrimary: false, updatedAt: sql`now()`, version: sql`${affiliations.version} + 1` })
    .where(
      and(
        eq(affiliations.personId, personId),
        eq(affiliations.isPrimary, true),
        isNull(affiliations.deletedAt),
        isCurrentAffiliation(),
        exceptId ? ne(affiliations.id, exceptId) : undefined,
      ),
    )
    .returning();
  for (const row of demoted) {
    const changes = { isPrimary: { before: true, after: false } };
    await recordChange(tx, {
      entityType: 'affiliation',
      entityId: row.id,
      action: 'updated',
      actor,
      ownerId: row.ownerId,
      teamId: row.teamId,
      changes,
      events: [{ type: 'affiliation.updated', payload: { ...eventPayload(row), changes } }],
    });
  }
}

export async function createAffiliation(
  deps: ActorDeps,
  input: CreateAffiliationInput,
): Promise<Affiliation> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'create');
  const row = await deps.db.transaction(async (tx) => {
    await assertEnds(tx, actor, input);
    const endDate = input.endDate ?? null;
    if (input.isPrimary && isCurrent(endDate)) await demoteOtherPrimaries(tx, actor, input.personId);
    const [created] = await tx
      .insert(affiliations)
      .values({
        personId: input.personId,
        organisationId: input.organisationId,
        roleTitle: input.roleTitle ?? null,
        isPrimary: input.isPrimary ?? false,
        startDate: input.startDate ?? null,
        endDate,
        ownerId: actor.userId,
        teamId: actor.teamId,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await recordChange(tx, {
      entityType: 'affiliation',
      entityId: created.id,
      action: 'created',
      actor,
      ownerId: created.ownerId,
      teamId: created.teamId,
      changes: changedFields({}, created, TRACKED_FIELDS),
      events: [{ type: 'affiliation.created', payload: eventPayload(created) }],
    });
    return created;
  });
  return toAffiliation(row);
}

export async function updateAffiliation(
  deps: ActorDeps,
  id: string,
  input: UpdateAffiliationInput,
  ifMatch?: string | null,
): Promise<Affiliation> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'update');
  const row = await deps.db.transaction(async (tx) => {
    // Person first, then the affiliation: the same lock order as create, so the two never deadlock.
    const [peek] = await tx
      .select({ personId: affiliations.personId })
      .from(affiliations)
      .where(eq(affiliations.id, id));
    if (peek) await lockPerson(tx, peek.personId);
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const merged = { ...before, ...input };
    if (merged.startDate && merged.endDate && merged.endDate < merged.startDate) {
      const path = input.endDate !== undefined ? 'endDate' : 'startDate';
      throw new AppError('VALIDATION_FAILED', {
        detail: 'The affiliation would end before it starts',
        errors: [{ path, message: 'endDate must be on or after startDate', code: 'date_order' }],
      });
    }
    const changes = changedFields(before, input, TRACKED_FIELDS);
    if (Object.keys(changes).length === 0) return before;
    if (merged.isPrimary && isCurrent(merged.endDate ?? null)) {
      await demoteOtherPrimaries(tx, actor, before.personId, id);
    }
    const [after] = await tx
      .update(affiliations)
      .set({ ...input, updatedAt: sql`now()`, version: sql`${affiliations.version} + 1` })
      .where(eq(affiliations.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    const ended = before.endDate === null && after.endDate !== null;
    const events: { type: string; payload: Record<string, unknown> }[] = [
      { type: 'affiliation.updated', payload: { ...eventPayload(after), changes } },
    ];
    if (ended) events.push({ type: 'affiliation.ended', payload: eventPayload(after) });
    await recordChange(tx, {
      entityType: 'affiliation',
      entityId: id,
      action: ended ? 'ended' : 'updated',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes,
      events,
    });
    return after;
  });
  return toAffiliation(row);
}

export async function deleteAffiliation(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(affiliations)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${affiliations.version} + 1` })
      .where(eq(affiliations.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'affiliation',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'affiliation.deleted', payload: eventPayload(after) }],
    });
  });
}

/** A restored current primary takes the primary role back (the most recent intent wins, as on create). */
export async function restoreAffiliation(deps: ActorDeps, id: string): Promise<Affiliation> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'delete');
  const row = await deps.db.transaction(async (tx) => {
    const [peek] = await tx
      .select({ personId: affiliations.personId })
      .from(affiliations)
      .where(eq(affiliations.id, id));
    if (peek) await lockPerson(tx, peek.personId);
    const before = await loadVisible(deps, tx, id, { deleted: true, lock: true });
    if (before.isPrimary && isCurrent(before.endDate)) {
      await demoteOtherPrimaries(tx, actor, before.personId, id);
    }
    const [after] = await tx
      .update(affiliations)
      .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${affiliations.version} + 1` })
      .where(eq(affiliations.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'affiliation',
      entityId: id,
      action: 'restored',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'affiliation.restored', payload: eventPayload(after) }],
    });
    return after;
  });
  return toAffiliation(row);
}

// ---------------------------------------------------------------- convenience reads

const startDateSort = dateSort('startDate');

/**
 * A person's affiliations (newest start first) with the organisation's name.
 * Only affiliations the caller may see, to organisations the caller may see
 * and that are not in the bin.
 */
export async function listPersonAffiliations(deps: ActorDeps, personId: string, query: RelatedQuery) {
  const { actor } = deps;
  assertPermission(actor, 'people', 'read');
  await loadVisiblePerson(deps, deps.db, personId);
  const page = keyset(startDateSort, 'desc', affiliations.id, query.cursor);
  const rows = await deps.db
    .select({ ...getTableColumns(affiliations), organisationName: organisations.name })
    .from(affiliations)
    .innerJoin(organisations, eq(organisations.id, affiliations.organisationId))
    .where(
      and(
        eq(affiliations.personId, personId),
        isNull(affiliations.deletedAt),
        scopeCondition(actor, affiliations),
        isNull(organisations.deletedAt),
        scopeCondition(actor, organisations),
        currentFilter(query.current),
        page.where,
      ),
    )
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  const today = todayUtc();
  return {
    data: result.data.map((row) => ({
      ...toAffiliation(row, today),
      organisation: { id: row.organisationId, name: row.organisationName },
    })),
    nextCursor: result.nextCursor,
  };
}

/**
 * The people of an organisation, by name, each with the affiliation that ties
 * them to it. Same visibility rules, mirrored: affiliation and person in scope,
 * person not in the bin.
 */
export async function listOrganisationPeople(deps: ActorDeps, organisationId: string, query: RelatedQuery) {
  const { actor } = deps;
  assertPermission(actor, 'people', 'read');
  await getOrganisation(deps, organisationId);
  const page = nameKeyset(affiliations.id, 'asc', query.cursor);
  const conditions: (SQL | undefined)[] = [
    eq(affiliations.organisationId, organisationId),
    isNull(affiliations.deletedAt),
    scopeCondition(actor, affiliations),
    isNull(people.deletedAt),
    scopeCondition(actor, people),
    currentFilter(query.current),
    page.where,
  ];
  const rows = await deps.db
    .select({
      ...getTableColumns(affiliations),
      sortLast,
      sortFirst,
      person: {
        id: people.id,
        firstName: people.firstName,
        lastName: people.lastName,
        jobTitle: people.jobTitle,
        workEmail: people.workEmail,
      },
    })
    .from(affiliations)
    .innerJoin(people, eq(people.id, affiliations.personId))
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  const today = todayUtc();
  return {
    data: result.data.map(({ person, sortLast: _last, sortFirst: _first, ...row }) => ({
      ...toAffiliation(row, today),
      person,
    })),
    nextCursor: result.nextCursor,
  };
}
