import {
  and,
  arrayContains,
  arrayOverlaps,
  eq,
  gte,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lte,
  type SQL,
  sql,
} from 'drizzle-orm';
import { organisations, pipelineStages, stageHistory, teams, users } from '../../db/schema';
import { cachedList, cachedRecord } from '../../lib/cache-tags';
import { AppError, violatesConstraint } from '../../lib/errors';
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
import { type Actor, assertPermission } from '../identity/actor';
import { assertCanSee, scopeCondition } from '../identity/scope';
import { escapeLike } from '../identity/users.service';
import type {
  CreateOrganisationInput,
  ListOrganisationsQuery,
  UpdateOrganisationInput,
} from './organisations.schemas';

type OrganisationRow = typeof organisations.$inferSelect;

export interface Organisation {
  id: string;
  name: string;
  legalName: string | null;
  types: string[];
  category: string | null;
  pipelineStageId: string | null;
  status: string;
  country: string | null;
  city: string | null;
  address: string | null;
  website: string | null;
  websiteDomain: string | null;
  email: string | null;
  phone: string | null;
  aum: { amount: string; currency: string } | null;
  notes: string | null;
  tags: string[];
  externalId: string | null;
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toOrganisation(row: OrganisationRow): Organisation {
  return {
    id: row.id,
    name: row.name,
    legalName: row.legalName,
    types: row.types,
    category: row.category,
    pipelineStageId: row.pipelineStageId,
    status: row.status,
    country: row.country,
    city: row.city,
    address: row.address,
    website: row.website,
    websiteDomain: row.websiteDomain,
    email: row.email,
    phone: row.phone,
    aum:
      row.aumAmount && row.aumCurrency
        ? { amount: Number(row.aumAmount).toFixed(2), currency: row.aumCurrency }
        : null,
    notes: row.notes,
    tags: row.tags,
    externalId: row.externalId,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** `https://www.Example.com/path` → `example.com`: the key for matching organisations by website. */
export function websiteDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  try {
    const url = new URL(/^https?:\/\//i.test(website) ? website : `https://${website}`);
    return url.hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

const SORTS: SortField[] = [
  {
    key: 'name',
    column: sql`lower(${organisations.name})`,
    read: (row) => String(row.name).toLowerCase(),
    cast: 'text',
  },
  {
    key: 'city',
    column: sql`lower(${organisations.city})`,
    read: (row) => (row.city ? String(row.city).toLowerCase() : null),
    cast: 'text',
  },
  {
    key: 'createdAt',
    column: organisations.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'updatedAt',
    column: organisations.updatedAt,
    read: (row) => (row.updatedAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'aum',
    column: organisations.aumAmount,
    read: (row) => (row.aumAmount as string | null) ?? null,
    cast: 'numeric',
  },
];

const TRACKED_FIELDS = [
  'name',
  'legalName',
  'types',
  'category',
  'pipelineStageId',
  'status',
  'country',
  'city',
  'address',
  'website',
  'email',
  'phone',
  'aumAmount',
  'aumCurrency',
  'notes',
  'tags',
  'externalId',
  'ownerId',
  'teamId',
] as const;

/** Cached per caller scope and normalised query; every organisation change invalidates it (lib/cache-tags.ts). */
export async function listOrganisations(deps: ActorDeps, query: ListOrganisationsQuery) {
  assertPermission(deps.actor, 'organisations', 'read');
  if (query.deleted) assertPermission(deps.actor, 'organisations', 'delete');
  return cachedList(deps.cache, deps.actor, {
    type: 'organisation',
    query,
    load: () => queryOrganisations(deps, query),
  });
}

async function queryOrganisations(deps: ActorDeps, query: ListOrganisationsQuery) {
  const { actor } = deps;
  assertPermission(actor, 'organisations', 'read');
  if (query.deleted) assertPermission(actor, 'organisations', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, 'name');
  const page = keyset(field, direction, organisations.id, query.cursor);
  const rows = await deps.db
    .select()
    .from(organisations)
    .where(and(organisationFilters(actor, query), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  return { data: result.data.map(toOrganisation), nextCursor: result.nextCursor };
}

export type OrganisationFilters = Omit<ListOrganisationsQuery, 'limit' | 'cursor' | 'sort'>;

/** The list's scope and filters, without paging: shared with exports (counts, summaries). */
export function organisationFilters(actor: Actor, query: OrganisationFilters): SQL | undefined {
  return and(
    scopeCondition(actor, organisations),
    query.deleted ? isNotNull(organisations.deletedAt) : isNull(organisations.deletedAt),
    query.q ? ilike(organisations.name, `%${escapeLike(query.q)}%`) : undefined,
    query.type ? arrayOverlaps(organisations.types, query.type) : undefined,
    query.category ? inArray(organisations.category, query.category) : undefined,
    query.status ? inArray(organisations.status, query.status) : undefined,
    query.stageId ? eq(organisations.pipelineStageId, query.stageId) : undefined,
    query.city ? eq(sql`lower(${organisations.city})`, query.city.toLowerCase()) : undefined,
    query.country ? eq(organisations.country, query.country) : undefined,
    query.tags ? arrayContains(organisations.tags, query.tags) : undefined,
    query.ownerId ? eq(organisations.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(organisations.teamId, query.teamId) : undefined,
    query.createdFrom ? gte(organisations.createdAt, new Date(query.createdFrom)) : undefined,
    query.createdTo ? lte(organisations.createdAt, new Date(query.createdTo)) : undefined,
    query.updatedSince ? gte(organisations.updatedAt, new Date(query.updatedSince)) : undefined,
  );
}

async function loadVisible(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean; lock?: boolean } = {},
) {
  const query = tx.select().from(organisations).where(eq(organisations.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  const visible = assertCanSee(deps.actor, row, 'Organisation');
  if (Boolean(visible.deletedAt) !== Boolean(options.deleted)) {
    throw new AppError('NOT_FOUND', {
      detail: options.deleted ? 'No deleted organisation with this id' : 'Organisation not found',
    });
  }
  return visible;
}

export async function getOrganisation(deps: ActorDeps, id: string): Promise<Organisation> {
  assertPermission(deps.actor, 'organisations', 'read');
  return cachedRecord(deps.cache, deps.actor, {
    type: 'organisation',
    id,
    load: async () => toOrganisation(await loadVisible(deps, deps.db, id)),
  });
}

async function assertReferences(
  tx: Tx,
  input: { pipelineStageId?: string | null; ownerId?: string; teamId?: string | null },
) {
  const errors: { path: string; message: string; code: string }[] = [];
  if (input.pipelineStageId) {
    const [stage] = await tx
      .select({ id: pipelineStages.id })
      .from(pipelineStages)
      .where(and(eq(pipelineStages.id, input.pipelineStageId), isNull(pipelineStages.deletedAt)));
    if (!stage)
      errors.push({ path: 'pipelineStageId', message: 'No such pipeline stage', code: 'unknown_reference' });
  }
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

function columnsFrom(input: UpdateOrganisationInput) {
  const { aum, website, ...rest } = input;
  return {
    ...rest,
    ...(website !== undefined ? { website, websiteDomain: websiteDomain(website) } : {}),
    ...(aum !== undefined ? { aumAmount: aum?.amount ?? null, aumCurrency: aum?.currency ?? null } : {}),
  };
}

function duplicateExternalId(): AppError {
  return new AppError('CONFLICT', {
    detail: 'Another organisation has this external id',
    errors: [{ path: 'externalId', message: 'Already in use', code: 'duplicate' }],
  });
}

function eventPayload(row: OrganisationRow) {
  const { id, name, types, status, pipelineStageId, ownerId, teamId, city, country } = row;
  return { id, name, types, status, pipelineStageId, ownerId, teamId, city, country };
}

export async function createOrganisation(
  deps: ActorDeps,
  input: CreateOrganisationInput,
): Promise<Organisation> {
  const { actor } = deps;
  assertPermission(actor, 'organisations', 'create');
  const reassigning =
    (input.ownerId && input.ownerId !== actor.userId) ||
    (input.teamId !== undefined && input.teamId !== actor.teamId);
  if (reassigning) assertPermission(actor, 'organisations', 'manage');
  try {
    const row = await deps.db.transaction(async (tx) => {
      await assertReferences(tx, input);
      const [created] = await tx
        .insert(organisations)
        .values({
          ...columnsFrom(input),
          name: input.name,
          types: input.types,
          ownerId: input.ownerId ?? actor.userId,
          teamId: input.teamId === undefined ? actor.teamId : input.teamId,
        })
        .returning();
      if (!created) throw new Error('insert returned no row');
      if (created.pipelineStageId) {
        await tx
          .insert(stageHistory)
          .values({ organisationId: created.id, toStageId: created.pipelineStageId, actorId: actor.userId });
      }
      await recordChange(tx, {
        entityType: 'organisation',
        entityId: created.id,
        action: 'created',
        actor,
        ownerId: created.ownerId,
        teamId: created.teamId,
        changes: changedFields({}, created, TRACKED_FIELDS),
        events: [{ type: 'organisation.created', payload: eventPayload(created) }],
      });
      return created;
    });
    return toOrganisation(row);
  } catch (error) {
    if (violatesConstraint(error, 'organisations_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}

export async function updateOrganisation(
  deps: ActorDeps,
  id: string,
  input: UpdateOrganisationInput,
  ifMatch?: string | null,
): Promise<Organisation> {
  const { actor } = deps;
  assertPermission(actor, 'organisations', 'update');
  try {
    const row = await deps.db.transaction(async (tx) => {
      const before = await loadVisible(deps, tx, id, { lock: true });
      assertIfMatch(ifMatch, before.version);
      const reassigning =
        (input.ownerId !== undefined && input.ownerId !== before.ownerId) ||
        (input.teamId !== undefined && input.teamId !== before.teamId);
      if (reassigning) assertPermission(actor, 'organisations', 'manage');
      await assertReferences(tx, input);
      const changes = changedFields(before, columnsFrom(input), TRACKED_FIELDS);
      if (Object.keys(changes).length === 0) return before;
      const [after] = await tx
        .update(organisations)
        .set({ ...columnsFrom(input), updatedAt: sql`now()`, version: sql`${organisations.version} + 1` })
        .where(eq(organisations.id, id))
        .returning();
      if (!after) throw new Error('update returned no row');
      const events: { type: string; payload: Record<string, unknown> }[] = [
        { type: 'organisation.updated', payload: { ...eventPayload(after), changes } },
      ];
      if (changes.pipelineStageId) {
        await tx.insert(stageHistory).values({
          organisationId: id,
          fromStageId: before.pipelineStageId,
          toStageId: after.pipelineStageId,
          actorId: actor.userId,
        });
        events.push({
          type: 'organisation.stage_changed',
          payload: { ...eventPayload(after), changes: { pipelineStageId: changes.pipelineStageId } },
        });
      }
      if (changes.ownerId) {
        events.push({
          type: 'organisation.assigned',
          payload: { ...eventPayload(after), previousOwnerId: before.ownerId },
        });
      }
      await recordChange(tx, {
        entityType: 'organisation',
        entityId: id,
        action: changes.pipelineStageId && Object.keys(changes).length === 1 ? 'stage_changed' : 'updated',
        actor,
        ownerId: after.ownerId,
        teamId: after.teamId,
        changes,
        events,
      });
      return after;
    });
    return toOrganisation(row);
  } catch (error) {
    if (violatesConstraint(error, 'organisations_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}

export async function deleteOrganisation(
  deps: ActorDeps,
  id: string,
  ifMatch?: string | null,
): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'organisations', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(organisations)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${organisations.version} + 1` })
      .where(eq(organisations.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'organisation',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'organisation.deleted', payload: eventPayload(after) }],
    });
  });
}

export async function restoreOrganisation(deps: ActorDeps, id: string): Promise<Organisation> {
  const { actor } = deps;
  assertPermission(actor, 'organisations', 'delete');
  try {
    const row = await deps.db.transaction(async (tx) => {
      await loadVisible(deps, tx, id, { deleted: true, lock: true });
      const [after] = await tx
        .update(organisations)
        .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${organisations.version} + 1` })
        .where(eq(organisations.id, id))
        .returning();
      if (!after) throw new Error('update returned no row');
      await recordChange(tx, {
        entityType: 'organisation',
        entityId: id,
        action: 'restored',
        actor,
        ownerId: after.ownerId,
        teamId: after.teamId,
        events: [{ type: 'organisation.restored', payload: eventPayload(after) }],
      });
      return after;
    });
    return toOrganisation(row);
  } catch (error) {
    if (violatesConstraint(error, 'organisations_external_id_key')) throw duplicateExternalId();
    throw error;
  }
}
