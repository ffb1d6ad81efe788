import { and, eq, exists, gte, inArray, isNotNull, isNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import { interactionParticipants, interactions, mandates } from '../../db/schema';
import { cachedList, cachedRecord } from '../../lib/cache-tags';
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
import { assertPermission } from '../identity/actor';
import { assertCanSee, scopeCondition } from '../identity/scope';
import type {
  CreateInteractionInput,
  InteractionType,
  ListInteractionsQuery,
  UpdateInteractionInput,
} from './interactions.schemas';
import {
  dayAfter,
  existingUsers,
  type LinkCheck,
  ownerTeamErrors,
  throwIfErrors,
  visibleLinks,
} from './links';

type InteractionRow = typeof interactions.$inferSelect;

export interface Participants {
  people: string[];
  users: string[];
}

export interface Interaction {
  id: string;
  type: InteractionType;
  occurredAt: string;
  subject: string;
  body: string | null;
  organisationId: string | null;
  mandateId: string | null;
  participants: Participants;
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toInteraction(row: InteractionRow, participants: Participants): Interaction {
  return {
    id: row.id,
    type: row.type as InteractionType,
    occurredAt: row.occurredAt.toISOString(),
    subject: row.subject,
    body: row.body,
    organisationId: row.organisationId,
    mandateId: row.mandateId,
    participants,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

const SORTS: SortField[] = [
  {
    key: 'occurredAt',
    column: interactions.occurredAt,
    read: (row) => (row.occurredAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'createdAt',
    column: interactions.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
];

const TRACKED_FIELDS = [
  'type',
  'occurredAt',
  'subject',
  'body',
  'organisationId',
  'mandateId',
  'participants',
  'ownerId',
  'teamId',
] as const;

/** Participants of several interactions in one query, ids sorted for stable output and diffs. */
async function participantsOf(tx: Tx, ids: string[]): Promise<Map<string, Participants>> {
  const byInteraction = new Map<string, Participants>(ids.map((id) => [id, { people: [], users: [] }]));
  if (ids.length === 0) return byInteraction;
  const rows = await tx
    .select()
    .from(interactionParticipants)
    .where(inArray(interactionParticipants.interactionId, ids))
    .orderBy(interactionParticipants.participantId);
  for (const row of rows) {
    const entry = byInteraction.get(row.interactionId);
    if (entry) (row.kind === 'person' ? entry.people : entry.users).push(row.participantId);
  }
  return byInteraction;
}

const EMPTY: Participants = { people: [], users: [] };
const sorted = (participants: Participants): Participants => ({
  people: [...participants.people].sort(),
  users: [...participants.users].sort(),
});

async function replaceParticipants(tx: Tx, interactionId: string, participants: Participants) {
  await tx.delete(interactionParticipants).where(eq(interactionParticipants.interactionId, interactionId));
  const rows = [
    ...participants.people.map((participantId) => ({ interactionId, kind: 'person', participantId })),
    ...participants.users.map((participantId) => ({ interactionId, kind: 'user', participantId })),
  ];
  if (rows.length > 0) await tx.insert(interactionParticipants).values(rows);
}

/** Cached per caller scope and normalised query; every interaction change invalidates it (lib/cache-tags.ts). */
export async function listInteractions(deps: ActorDeps, query: ListInteractionsQuery) {
  assertPermission(deps.actor, 'interactions', 'read');
  if (query.deleted) assertPermission(deps.actor, 'interactions', 'delete');
  return cachedList(deps.cache, deps.actor, {
    type: 'interaction',
    query,
    load: () => queryInteractions(deps, query),
  });
}

async function queryInteractions(deps: ActorDeps, query: ListInteractionsQuery) {
  const { actor } = deps;
  assertPermission(actor, 'interactions', 'read');
  if (query.deleted) assertPermission(actor, 'interactions', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, '-occurredAt');
  const page = keyset(field, direction, interactions.id, query.cursor);
  const to = query.occurredTo;
  const conditions: (SQL | undefined)[] = [
    scopeCondition(actor, interactions),
    query.deleted ? isNotNull(interactions.deletedAt) : isNull(interactions.deletedAt),
    query.type ? inArray(interactions.type, query.type) : undefined,
    query.organisationId ? eq(interactions.organisationId, query.organisationId) : undefined,
    query.mandateId ? eq(interactions.mandateId, query.mandateId) : undefined,
    query.personId
      ? exists(
          deps.db
            .select({ one: sql`1` })
            .from(interactionParticipants)
            .where(
              and(
                eq(interactionParticipants.interactionId, interactions.id),
                eq(interactionParticipants.kind, 'person'),
                eq(interactionParticipants.participantId, query.personId),
              ),
            ),
        )
      : undefined,
    query.ownerId ? eq(interactions.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(interactions.teamId, query.teamId) : undefined,
    query.occurredFrom ? gte(interactions.occurredAt, new Date(query.occurredFrom)) : undefined,
    to
      ? to.length === 10
        ? lt(interactions.occurredAt, new Date(dayAfter(to)))
        : lte(interactions.occurredAt, new Date(to))
      : undefined,
    query.updatedSince ? gte(interactions.updatedAt, new Date(query.updatedSince)) : undefined,
    page.where,
  ];
  const rows = await deps.db
    .select()
    .from(interactions)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  const participants = await participantsOf(
    deps.db,
    result.data.map((row) => row.id),
  );
  return {
    data: result.data.map((row) => toInteraction(row, participants.get(row.id) ?? EMPTY)),
    nextCursor: result.nextCursor,
  };
}

async function loadVisible(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean; lock?: boolean } = {},
) {
  const query = tx.select().from(interactions).where(eq(interactions.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  const visible = assertCanSee(deps.actor, row, 'Interaction');
  if (Boolean(visible.deletedAt) !== Boolean(options.deleted)) {
    throw new AppError('NOT_FOUND', {
      detail: options.deleted ? 'No deleted interaction with this id' : 'Interaction not found',
    });
  }
  return visible;
}

async function withParticipants(tx: Tx, row: InteractionRow): Promise<Interaction> {
  return toInteraction(row, (await participantsOf(tx, [row.id])).get(row.id) ?? EMPTY);
}

export async function getInteraction(deps: ActorDeps, id: string): Promise<Interaction> {
  assertPermission(deps.actor, 'interactions', 'read');
  return cachedRecord(deps.cache, deps.actor, {
    type: 'interaction',
    id,
    load: async () => withParticipants(deps.db, await loadVisible(deps, deps.db, id)),
  });
}

interface LinkState {
  organisationId: string | null;
  mandateId: string | null;
  participants: Participants;
}

/**
 * Checks the links a write adds (`next` minus `previous`): new organisation,
 * mandate and people must be visible, new users must exist. Links kept from
 * before stay valid even if they have since left the caller's scope. A
 * mandate and an organisation given together must belong together.
 */
async function checkLinks(
  deps: ActorDeps,
  tx: Tx,
  previous: LinkState,
  next: LinkState,
  extra: FieldError[] = [],
): Promise<void> {
  const added = (now: string[], before: string[]) => now.filter((id) => !before.includes(id));
  const checks: LinkCheck[] = [];
  if (next.organisationId && next.organisationId !== previous.organisationId)
    checks.push({ path: 'organisationId', kind: 'organisation', ids: [next.organisationId] });
  if (next.mandateId && next.mandateId !== previous.mandateId)
    checks.push({ path: 'mandateId', kind: 'mandate', ids: [next.mandateId] });
  const newPeople = added(next.participants.people, previous.participants.people);
  const { errors } = await visibleLinks(tx, deps.actor, [
    ...checks,
    // Errors name the index in the request's list.
    {
      path: (id) => `participants.people.${next.participants.people.indexOf(id)}`,
      kind: 'person',
      ids: newPeople,
    },
  ]);
  const newUsers = added(next.participants.users, previous.participants.users);
  const found = await existingUsers(tx, newUsers, false);
  for (const id of newUsers) {
    if (!found.has(id)) {
      errors.push({
        path: `participants.users.${next.participants.users.indexOf(id)}`,
        message: 'No such user',
        code: 'unknown_reference',
      });
    }
  }
  const linksChanged =
    next.organisationId !== previous.organisationId || next.mandateId !== previous.mandateId;
  if (errors.length === 0 && linksChanged && next.mandateId && next.organisationId) {
    const [mandate] = await tx
      .select({ organisationId: mandates.organisationId })
      .from(mandates)
      .where(eq(mandates.id, next.mandateId));
    if (mandate && mandate.organisationId !== next.organisationId) {
      errors.push({
        path: 'mandateId',
        message: "The mandate belongs to another organisation than the interaction's",
        code: 'organisation_mismatch',
      });
    }
  }
  throwIfErrors([...errors, ...extra]);
}

function eventPayload(row: InteractionRow, participants: Participants) {
  const { id, type, subject, organisationId, mandateId, ownerId, teamId } = row;
  return {
    id,
    type,
    occurredAt: row.occurredAt.toISOString(),
    subject,
    organisationId,
    mandateId,
    ownerId,
    teamId,
    participants,
  };
}

function columnsFrom(input: UpdateInteractionInput) {
  const { participants: _participants, occurredAt, ...rest } = input;
  return { ...rest, ...(occurredAt !== undefined ? { occurredAt: new Date(occurredAt) } : {}) };
}

export async function createInteraction(
  deps: ActorDeps,
  input: CreateInteractionInput,
): Promise<Interaction> {
  const { actor } = deps;
  assertPermission(actor, 'interactions', 'create');
  const reassigning =
    (input.ownerId && input.ownerId !== actor.userId) ||
    (input.teamId !== undefined && input.teamId !== actor.teamId);
  if (reassigning) assertPermission(actor, 'interactions', 'manage');
  const participants = sorted(input.participants ?? EMPTY);
  const result = await deps.db.transaction(async (tx) => {
    let organisationId = input.organisationId ?? null;
    const mandateId = input.mandateId ?? null;
    await checkLinks(
      deps,
      tx,
      { organisationId: null, mandateId: null, participants: EMPTY },
      { organisationId, mandateId, participants: input.participants ?? EMPTY },
      await ownerTeamErrors(tx, input),
    );
    if (mandateId && input.organisationId === undefined) {
      // Logged against a mandate only: file it under the mandate's organisation too.
      const [mandate] = await tx
        .select({ organisationId: mandates.organisationId })
        .from(mandates)
        .where(eq(mandates.id, mandateId));
      organisationId = mandate?.organisationId ?? null;
    }
    const [created] = await tx
      .insert(interactions)
      .values({
        ...columnsFrom(input),
        type: input.type,
        occurredAt: new Date(input.occurredAt),
        subject: input.subject,
        organisationId,
        mandateId,
        ownerId: input.ownerId ?? actor.userId,
        teamId: input.teamId === undefined ? actor.teamId : input.teamId,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await replaceParticipants(tx, created.id, participants);
    await recordChange(tx, {
      entityType: 'interaction',
      entityId: created.id,
      action: 'created',
      actor,
      ownerId: created.ownerId,
      teamId: created.teamId,
      changes: changedFields({}, { ...created, participants }, TRACKED_FIELDS),
      events: [{ type: 'interaction.created', payload: eventPayload(created, participants) }],
    });
    return created;
  });
  return toInteraction(result, participants);
}

export async function updateInteraction(
  deps: ActorDeps,
  id: string,
  input: UpdateInteractionInput,
  ifMatch?: string | null,
): Promise<Interaction> {
  const { actor } = deps;
  assertPermission(actor, 'interactions', 'update');
  return deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const reassigning =
      (input.ownerId !== undefined && input.ownerId !== before.ownerId) ||
      (input.teamId !== undefined && input.teamId !== before.teamId);
    if (reassigning) assertPermission(actor, 'interactions', 'manage');
    const previousParticipants = (await participantsOf(tx, [id])).get(id) ?? EMPTY;
    const nextParticipants = input.participants ? sorted(input.participants) : previousParticipants;
    await checkLinks(
      deps,
      tx,
      {
        organisationId: before.organisationId,
        mandateId: before.mandateId,
        participants: previousParticipants,
      },
      {
        organisationId: input.organisationId === undefined ? before.organisationId : input.organisationId,
        mandateId: input.mandateId === undefined ? before.mandateId : input.mandateId,
        participants: input.participants ?? previousParticipants,
      },
      await ownerTeamErrors(tx, input),
    );
    const columns = columnsFrom(input);
    const changes = changedFields(
      { ...before, participants: previousParticipants },
      { ...columns, ...(input.participants ? { participants: nextParticipants } : {}) },
      TRACKED_FIELDS,
    );
    if (Object.keys(changes).length === 0) return toInteraction(before, previousParticipants);
    const [after] = await tx
      .update(interactions)
      .set({ ...columns, updatedAt: sql`now()`, version: sql`${interactions.version} + 1` })
      .where(eq(interactions.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    if (changes.participants) await replaceParticipants(tx, id, nextParticipants);
    await recordChange(tx, {
      entityType: 'interaction',
      entityId: id,
      action: 'updated',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes,
      events: [
        { type: 'interaction.updated', payload: { ...eventPayload(after, nextParticipants), changes } },
      ],
    });
    return toInteraction(after, nextParticipants);
  });
}

export async function deleteInteraction(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'interactions', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(interactions)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${interactions.version} + 1` })
      .where(eq(interactions.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    const participants = (await participantsOf(tx, [id])).get(id) ?? EMPTY;
    await recordChange(tx, {
      entityType: 'interaction',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'interaction.deleted', payload: eventPayload(after, participants) }],
    });
  });
}

export async function restoreInteraction(deps: ActorDeps, id: string): Promise<Interaction> {
  const { actor } = deps;
  assertPermission(actor, 'interactions', 'delete');
  return deps.db.transaction(async (tx) => {
    await loadVisible(deps, tx, id, { deleted: true, lock: true });
    const [after] = await tx
      .update(interactions)
      .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${interactions.version} + 1` })
      .where(eq(interactions.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    const participants = (await participantsOf(tx, [id])).get(id) ?? EMPTY;
    await recordChange(tx, {
      entityType: 'interaction',
      entityId: id,
      action: 'restored',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'interaction.restored', payload: eventPayload(after, participants) }],
    });
    return toInteraction(after, participants);
  });
}
