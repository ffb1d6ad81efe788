import {
  and,
  arrayContains,
  eq,
  exists,
  getTableColumns,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { affiliations, organisations, people, teams, users } from '../../db/schema';
import { cachedList, cachedRecord } from '../../lib/cache-tags';
import { AppError, violatesConstraint } from '../../lib/errors';
import { decodeCursor, encodeCursor } from '../../lib/pagination';
import {
  assertIfMatch,
  changedFields,
  type KeysetPage,
  keyset,
  pageFromRows,
  parseSort,
  recordChange,
  type SortField,
  type Tx,
} from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { isCurrentAffiliation } from '../affiliations/affiliations.current';
import { assertPermission } from '../identity/actor';
import { assertCanSee, scopeCondition } from '../identity/scope';
import { escapeLike } from '../identity/users.service';
import type { CreatePersonInput, ListPeopleQuery, UpdatePersonInput } from './people.schemas';

export type PersonRow = typeof people.$inferSelect;

export interface Person {
  id: string;
  firstName: string;
  lastName: string;
  workEmail: string | null;
  personalEmail: string | null;
  workPhone: string | null;
  mobilePhone: string | null;
  jobTitle: string | null;
  language: string;
  city: string | null;
  notes: string | null;
  tags: string[];
  consent: {
    status: 'granted' | 'denied' | 'unknown' | 'withdrawn';
    source: string | null;
    at: string | null;
  };
  externalId: string | null;
  erasedAt: string | null;
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    workEmail: row.workEmail,
    personalEmail: row.personalEmail,
    workPhone: row.workPhone,
    mobilePhone: row.mobilePhone,
    jobTitle: row.jobTitle,
    language: row.language,
    city: row.city,
    notes: row.notes,
    tags: row.tags,
    consent: {
      status: row.consentStatus as Person['consent']['status'],
      source: row.consentSource,
      at: row.consentAt?.toISOString() ?? null,
    },
    externalId: row.externalId,
    erasedAt: row.erasedAt?.toISOString() ?? null,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** Columns whose before/after go to the timeline. */
export const TRACKED_FIELDS = [
  'firstName',
  'lastName',
  'workEmail',
  'personalEmail',
  'workPhone',
  'mobilePhone',
  'jobTitle',
  'language',
  'city',
  'notes',
  'tags',
  'consentStatus',
  'consentSource',
  'consentAt',
  'externalId',
  'ownerId',
  'teamId',
] as const;

/**
 * Columns that identify or describe the person: blanked by a GDPR erasure and
 * redacted from the person's past timeline entries.
 */
export const PERSONAL_FIELDS = [
  'firstName',
  'lastName',
  'workEmail',
  'personalEmail',
  'workPhone',
  'mobilePhone',
  'jobTitle',
  'city',
  'notes',
  'tags',
  'consentSource',
  'externalId',
] as const;

/** `lastName` is special-cased (see nameKeyset); the entry only makes it a valid `?sort=`. */
const SORTS: SortField[] = [
  { key: 'lastName', column: people.lastName, read: () => null, cast: 'text' },
  {
    key: 'city',
    column: sql`lower(${people.city})`,
    read: (row) => (row.city ? String(row.city).toLowerCase() : null),
    cast: 'text',
  },
  {
    key: 'createdAt',
    column: people.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'updatedAt',
    column: people.updatedAt,
    read: (row) => (row.updatedAt as Date).toISOString(),
    cast: 'timestamptz',
  },
];

export const sortLast = sql<string>`lower(${people.lastName})`;
export const sortFirst = sql<string>`lower(${people.firstName})`;

/**
 * Keyset over (lower(last name), lower(first name), id), matching people_name_idx.
 * Rows must carry `sortLast` and `sortFirst` as Postgres lowered them, so the
 * cursor never depends on `toLowerCase()` agreeing with the collation. `id` is
 * the tie-breaker: the person's, or the affiliation's when listing members.
 */
export function nameKeyset(id: PgColumn, direction: 'asc' | 'desc', cursor?: string): KeysetPage {
  const dir = sql.raw(direction);
  let where: SQL | undefined;
  if (cursor) {
    const [last, first, lastId] = decodeCursor(cursor, 3);
    const cmp = sql.raw(direction === 'asc' ? '>' : '<');
    where = sql`(${sortLast}, ${sortFirst}, ${id}) ${cmp} (${String(last)}, ${String(first)}, ${String(lastId)}::uuid)`;
  }
  return {
    orderBy: [sql`${sortLast} ${dir}`, sql`${sortFirst} ${dir}`, sql`${id} ${dir}`],
    where,
    encode: (row) => encodeCursor([String(row.sortLast), String(row.sortFirst), row.id]),
  };
}

/** Cached per caller scope and normalised query; every person change invalidates it (lib/cache-tags.ts). */
export async function listPeople(deps: ActorDeps, query: ListPeopleQuery) {
  assertPermission(deps.actor, 'people', 'read');
  if (query.deleted) assertPermission(deps.actor, 'people', 'delete');
  return cachedList(deps.cache, deps.actor, {
    type: 'person',
    query,
    load: () => queryPeople(deps, query),
  });
}

async function queryPeople(deps: ActorDeps, query: ListPeopleQuery) {
  const { actor } = deps;
  assertPermission(actor, 'people', 'read');
  if (query.deleted) assertPermission(actor, 'people', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, 'lastName');
  const page =
    field.key === 'lastName'
      ? nameKeyset(people.id, direction, query.cursor)
      : keyset(field, direction, people.id, query.cursor);
  const rows = await deps.db
    .select({ ...getTableColumns(people), sortLast, sortFirst })
    .from(people)
    .where(and(personFilters(deps, query), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  return { data: result.data.map(toPerson), nextCursor: result.nextCursor };
}

export type PersonFilters = Omit<ListPeopleQuery, 'limit' | 'cursor' | 'sort'>;

/** The list's scope and filters, without paging: shared with exports (counts, summaries). */
export function personFilters(deps: ActorDeps, query: PersonFilters): SQL | undefined {
  const { actor } = deps;
  const pattern = query.q ? `%${escapeLike(query.q)}%` : undefined;
  return and(
    scopeCondition(actor, people),
    query.deleted ? isNotNull(people.deletedAt) : isNull(people.deletedAt),
    pattern
      ? or(
          ilike(sql`${people.firstName} || ' ' || ${people.lastName}`, pattern),
          ilike(sql`${people.lastName} || ' ' || ${people.firstName}`, pattern),
          ilike(people.workEmail, pattern),
          ilike(people.personalEmail, pattern),
        )
      : undefined,
    query.city ? eq(sql`lower(${people.city})`, query.city.toLowerCase()) : undefined,
    query.tags ? arrayContains(people.tags, query.tags) : undefined,
    query.language ? inArray(people.language, query.language) : undefined,
    query.consentStatus ? inArray(people.consentStatus, query.consentStatus) : undefined,
    query.ownerId ? eq(people.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(people.teamId, query.teamId) : undefined,
    query.organisationId
      ? // The organisation must be visible too: an invisible one filters everything out, as an unknown id would.
        exists(
          deps.db
            .select({ one: sql`1` })
            .from(affiliations)
            .innerJoin(organisations, eq(organisations.id, affiliations.organisationId))
            .where(
              and(
                eq(affiliations.personId, people.id),
                eq(affiliations.organisationId, query.organisationId),
                isNull(affiliations.deletedAt),
                isCurrentAffiliation(),
                isNull(organisations.deletedAt),
                scopeCondition(actor, organisations),
              ),
            ),
        )
      : undefined,
    query.createdFrom ? gte(people.createdAt, new Date(query.createdFrom)) : undefined,
    query.createdTo ? lte(people.createdAt, new Date(query.createdTo)) : undefined,
    query.updatedSince ? gte(people.updatedAt, new Date(query.updatedSince)) : undefined,
  );
}

/**
 * A person the actor may see, or 404. `deleted`: false (default) only live
 * people, true only the bin, 'any' either (GDPR requests reach binned people too).
 */
export async function loadVisiblePerson(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean | 'any'; lock?: boolean } = {},
): Promise<PersonRow> {
  const query = tx.select().from(people).where(eq(people.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  const visible = assertCanSee(deps.actor, row, 'Person');
  const wanted = options.deleted ?? false;
  if (wanted !== 'any' && Boolean(visible.deletedAt) !== wanted) {
    throw new AppError('NOT_FOUND', {
      detail: wanted ? 'No deleted person with this id' : 'Person not found',
    });
  }
  return visible;
}

export async function getPerson(deps: ActorDeps, id: string): Promise<Person> {
  assertPermission(deps.actor, 'people', 'read');
  return cachedRecord(deps.cache, deps.actor, {
    type: 'person',
    id,
    load: async () => toPerson(await loadVisiblePerson(deps, deps.db, id)),
  });
}

async function assertReferences(tx: Tx, input: { ownerId?: string; teamId?: string | null }) {
  const errors: { path: string; message: string; code: string }[] = [];
  if (input.ownerId) {
    const [owner] = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.id, input.ownerId), eq(users.active, true)));
    if (!owner) errors.push({ path: 'ownerId', message: 'No such active user', code: 'unknown_reference' });
  }
  if (input.teamId) {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, input.teamId));
    if (!team) errors.push({ path: 'teamId', message: 'No such team', code: 'unknown_reference' });
  }
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'Unknown references', errors });
}

/**
 * Input → columns. Consent is replaced as a whole; its date defaults to now
 * when the status changes, stays when it does not, and is null for unknown.
 */
function columnsFrom(input: UpdatePersonInput, before?: PersonRow) {
  const { consent, ...rest } = input;
  if (!consent) return rest;
  const at = consent.at
    ? new Date(consent.at)
    : consent.status === 'unknown'
      ? null
      : before && consent.status === before.consentStatus
        ? before.consentAt
        : new Date();
  return {
    ...rest,
    consentStatus: consent.status,
    consentSource: consent.source ?? null,
    consentAt: at,
  };
}

function duplicateExternalId(): AppError {
  return new AppError('CONFLICT', {
    detail: 'Another person has this external id',
    errors: [{ path: 'externalId', message: 'Already in use', code: 'duplicate' }],
  });
}

/** Erased people cannot be edited or brought back: their data is gone for good. */
export function assertNotErased(row: PersonRow, doing: string): void {
  if (row.erasedAt) {
    throw new AppError('CONFLICT', { detail: `This person was erased (GDPR); it cannot be ${doing}` });
  }
}

function eventPayload(row: PersonRow) {
  const { id, firstName, lastName, language, consentStatus, ownerId, teamId } = row;
  return { id, firstName, lastName, language, consentStatus, ownerId, teamId };
}

export async function createPerson(deps: ActorDeps, input: CreatePersonInput): Promise<Person> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'create');
  const reassigning =
    (input.ownerId && input.ownerId !== actor.userId) ||
    (input.teamId !== undefined && input.teamId !== actor.teamId);
  if (reassigning) assertPermission(actor, 'people', 'manage');
  try {
    const row = await deps.db.transaction(async (tx) => {
      await assertReferences(tx, input);
      const [created] = await tx
        .insert(people)
        .values({
          ...columnsFrom(input),
          firstName: input.firstName,
          lastName: input.lastName,
          ownerId: input.ownerId ?? actor.userId,
          teamId: input.teamId === undefined ? actor.teamId : input.teamId,
        })
        .returning();
      if (!created) throw new Error('insert returned no row');
      await recordChange(tx, {
        entityType: 'person',
        entityId: created.id,
        action: 'created',
        actor,
        ownerId: created.ownerId,
        teamId: created.teamId,
        changes: changedFields({}, created, TRACKED_FIELDS),
        events: [{ type: 'person.created', payload: eventPayload(created) }],
      });
      return created;
    });
    return toPerson(row);
  } catch (error) {
    if (violatesConstraint(error, 'people_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}

export async function updatePerson(
  deps: ActorDeps,
  id: string,
  input: UpdatePersonInput,
  ifMatch?: string | null,
): Promise<Person> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'update');
  try {
    const row = await deps.db.transaction(async (tx) => {
      const before = await loadVisiblePerson(deps, tx, id, { lock: true });
      assertIfMatch(ifMatch, before.version);
      assertNotErased(before, 'edited');
      const reassigning =
        (input.ownerId !== undefined && input.ownerId !== before.ownerId) ||
        (input.teamId !== undefined && input.teamId !== before.teamId);
      if (reassigning) assertPermission(actor, 'people', 'manage');
      await assertReferences(tx, input);
      const columns = columnsFrom(input, before);
      const changes = changedFields(before, columns, TRACKED_FIELDS);
      if (Object.keys(changes).length === 0) return before;
      const [after] = await tx
        .update(people)
        .set({ ...columns, updatedAt: sql`now()`, version: sql`${people.version} + 1` })
        .where(eq(people.id, id))
        .returning();
      if (!after) throw new Error('update returned no row');
      const events: { type: string; payload: Record<string, unknown> }[] = [
        { type: 'person.updated', payload: { ...eventPayload(after), changes } },
      ];
      if (changes.ownerId) {
        events.push({
          type: 'person.assigned',
          payload: { ...eventPayload(after), previousOwnerId: before.ownerId },
        });
      }
      await recordChange(tx, {
        entityType: 'person',
        entityId: id,
        action: 'updated',
        actor,
        ownerId: after.ownerId,
        teamId: after.teamId,
        changes,
        events,
      });
      return after;
    });
    return toPerson(row);
  } catch (error) {
    if (violatesConstraint(error, 'people_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}

export async function deletePerson(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisiblePerson(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(people)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${people.version} + 1` })
      .where(eq(people.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'person',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'person.deleted', payload: eventPayload(after) }],
    });
  });
}

export async function restorePerson(deps: ActorDeps, id: string): Promise<Person> {
  const { actor } = deps;
  assertPermission(actor, 'people', 'delete');
  try {
    const row = await deps.db.transaction(async (tx) => {
      // Erasure is checked before the bin, so restoring an erased person is a 409 wherever it is.
      const before = await loadVisiblePerson(deps, tx, id, { deleted: 'any', lock: true });
      assertNotErased(before, 'restored');
      if (!before.deletedAt) throw new AppError('NOT_FOUND', { detail: 'No deleted person with this id' });
      const [after] = await tx
        .update(people)
        .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${people.version} + 1` })
        .where(eq(people.id, id))
        .returning();
      if (!after) throw new Error('update returned no row');
      await recordChange(tx, {
        entityType: 'person',
        entityId: id,
        action: 'restored',
        actor,
        ownerId: after.ownerId,
        teamId: after.teamId,
        events: [{ type: 'person.restored', payload: eventPayload(after) }],
      });
      return after;
    });
    return toPerson(row);
  } catch (error) {
    if (violatesConstraint(error, 'people_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}
