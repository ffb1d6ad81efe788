import { and, eq, gte, ilike, inArray, isNotNull, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { mandateNumberCounters, mandates } from '../../db/schema';
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
import { type Actor, assertPermission } from '../identity/actor';
import { assertCanSee, scopeCondition } from '../identity/scope';
import { escapeLike } from '../identity/users.service';
import { ownerTeamErrors, throwIfErrors, todayUtc, visibleLinks } from '../interactions/links';
import {
  type CreateMandateInput,
  type ListMandatesQuery,
  MANDATE_TRANSITIONS,
  type MandateStatus,
  type MandateType,
  type TransitionInput,
  type UpdateMandateInput,
} from './mandates.schemas';

type MandateRow = typeof mandates.$inferSelect;

export interface Mandate {
  id: string;
  number: string;
  organisationId: string;
  title: string;
  type: MandateType;
  status: MandateStatus;
  proposedAt: string | null;
  signedAt: string | null;
  startDate: string | null;
  endDate: string | null;
  nextReviewAt: string | null;
  amount: string | null;
  currency: string;
  managementFeeBps: number | null;
  performanceFeePct: number | null;
  feeNotes: string | null;
  products: string[];
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toMandate(row: MandateRow): Mandate {
  return {
    id: row.id,
    number: row.number,
    organisationId: row.organisationId,
    title: row.title,
    // The API is the only writer and validates both against the enums.
    type: row.type as MandateType,
    status: row.status as MandateStatus,
    proposedAt: row.proposedAt,
    signedAt: row.signedAt,
    startDate: row.startDate,
    endDate: row.endDate,
    nextReviewAt: row.nextReviewAt,
    // numeric(20,2) arrives as an exact string ("25000000.00"): never through a float.
    amount: row.amount,
    currency: row.currency,
    managementFeeBps: row.managementFeeBps,
    performanceFeePct: row.performanceFeePct === null ? null : Number(row.performanceFeePct),
    feeNotes: row.feeNotes,
    products: row.products,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/** `M-2026-007` → `2026000000007`: numbers compare by year, then sequence, past 999 a year. */
const numberSortKey = sql`split_part(${mandates.number}, '-', 2) || lpad(split_part(${mandates.number}, '-', 3), 9, '0')`;
function numberSortValue(number: string): string {
  const [, year = '', sequence = ''] = number.split('-');
  return `${year}${sequence.padStart(9, '0')}`;
}

const SORTS: SortField[] = [
  { key: 'number', column: numberSortKey, read: (row) => numberSortValue(String(row.number)), cast: 'text' },
  {
    key: 'createdAt',
    column: mandates.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'updatedAt',
    column: mandates.updatedAt,
    read: (row) => (row.updatedAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  { key: 'signedAt', column: mandates.signedAt, read: (row) => row.signedAt as string | null, cast: 'date' },
  {
    key: 'nextReviewAt',
    column: mandates.nextReviewAt,
    read: (row) => row.nextReviewAt as string | null,
    cast: 'date',
  },
  { key: 'amount', column: mandates.amount, read: (row) => row.amount as string | null, cast: 'numeric' },
];

const TRACKED_FIELDS = [
  'organisationId',
  'title',
  'type',
  'status',
  'proposedAt',
  'signedAt',
  'startDate',
  'endDate',
  'nextReviewAt',
  'amount',
  'currency',
  'managementFeeBps',
  'performanceFeePct',
  'feeNotes',
  'products',
  'ownerId',
  'teamId',
] as const;

/** Cached per caller scope and normalised query; every mandate change invalidates it (lib/cache-tags.ts). */
export async function listMandates(deps: ActorDeps, query: ListMandatesQuery) {
  assertPermission(deps.actor, 'mandates', 'read');
  if (query.deleted) assertPermission(deps.actor, 'mandates', 'delete');
  return cachedList(deps.cache, deps.actor, {
    type: 'mandate',
    query,
    load: () => queryMandates(deps, query),
  });
}

async function queryMandates(deps: ActorDeps, query: ListMandatesQuery) {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'read');
  if (query.deleted) assertPermission(actor, 'mandates', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, '-createdAt');
  const page = keyset(field, direction, mandates.id, query.cursor);
  const rows = await deps.db
    .select()
    .from(mandates)
    .where(and(mandateFilters(actor, query), page.where))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  return { data: result.data.map(toMandate), nextCursor: result.nextCursor };
}

export type MandateFilters = Omit<ListMandatesQuery, 'limit' | 'cursor' | 'sort'>;

/** The list's scope and filters, without paging: shared with exports (counts, summaries). */
export function mandateFilters(actor: Actor, query: MandateFilters): SQL | undefined {
  const pattern = query.q ? `%${escapeLike(query.q)}%` : undefined;
  return and(
    scopeCondition(actor, mandates),
    query.deleted ? isNotNull(mandates.deletedAt) : isNull(mandates.deletedAt),
    pattern ? or(ilike(mandates.number, pattern), ilike(mandates.title, pattern)) : undefined,
    query.organisationId ? eq(mandates.organisationId, query.organisationId) : undefined,
    query.status ? inArray(mandates.status, query.status) : undefined,
    query.type ? inArray(mandates.type, query.type) : undefined,
    query.ownerId ? eq(mandates.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(mandates.teamId, query.teamId) : undefined,
    query.signedFrom ? gte(mandates.signedAt, query.signedFrom) : undefined,
    query.signedTo ? lte(mandates.signedAt, query.signedTo) : undefined,
    query.reviewBefore ? lte(mandates.nextReviewAt, query.reviewBefore) : undefined,
    query.updatedSince ? gte(mandates.updatedAt, new Date(query.updatedSince)) : undefined,
  );
}

async function loadVisible(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean; lock?: boolean } = {},
) {
  const query = tx.select().from(mandates).where(eq(mandates.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  const visible = assertCanSee(deps.actor, row, 'Mandate');
  if (Boolean(visible.deletedAt) !== Boolean(options.deleted)) {
    throw new AppError('NOT_FOUND', {
      detail: options.deleted ? 'No deleted mandate with this id' : 'Mandate not found',
    });
  }
  return visible;
}

export async function getMandate(deps: ActorDeps, id: string): Promise<Mandate> {
  assertPermission(deps.actor, 'mandates', 'read');
  return cachedRecord(deps.cache, deps.actor, {
    type: 'mandate',
    id,
    load: async () => toMandate(await loadVisible(deps, deps.db, id)),
  });
}

/** `"25000000"` → `"25000000.00"`: the form Postgres returns, so unchanged amounts compare equal. */
function scale2(amount: string): string {
  const [units = '0', cents = ''] = amount.split('.');
  return `${units}.${cents.padEnd(2, '0')}`;
}

function columnsFrom(input: UpdateMandateInput) {
  const {
    amount,
    performanceFeePct,
    status: _status,
    number: _number,
    proposedAt: _proposedAt,
    signedAt: _signedAt,
    ...rest
  } = input;
  return {
    ...rest,
    ...(amount !== undefined ? { amount: amount === null ? null : scale2(amount) } : {}),
    ...(performanceFeePct !== undefined
      ? { performanceFeePct: performanceFeePct === null ? null : performanceFeePct.toFixed(2) }
      : {}),
  };
}

function dateOrderErrors(startDate: string | null, endDate: string | null): FieldError[] {
  return startDate && endDate && endDate < startDate
    ? [{ path: 'endDate', message: 'Must not be before startDate', code: 'date_order' }]
    : [];
}

function eventPayload(row: MandateRow) {
  const { id, number, organisationId, title, type, status, amount, currency, ownerId, teamId } = row;
  return { id, number, organisationId, title, type, status, amount, currency, ownerId, teamId };
}

/**
 * The next number of the year, `M-2026-001`. The upsert takes a row lock on
 * the year's counter until the transaction ends, so concurrent creates queue
 * on it and never share a number; a rolled-back create gives its number back.
 */
export async function nextMandateNumber(tx: Tx, year: number): Promise<string> {
  const [counter] = await tx
    .insert(mandateNumberCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({
      target: mandateNumberCounters.year,
      set: { last: sql`${mandateNumberCounters.last} + 1` },
    })
    .returning({ last: mandateNumberCounters.last });
  if (!counter) throw new Error('mandate counter upsert returned no row');
  return `M-${year}-${String(counter.last).padStart(3, '0')}`;
}

export async function createMandate(deps: ActorDeps, input: CreateMandateInput): Promise<Mandate> {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'create');
  const reassigning =
    (input.ownerId && input.ownerId !== actor.userId) ||
    (input.teamId !== undefined && input.teamId !== actor.teamId);
  if (reassigning) assertPermission(actor, 'mandates', 'manage');
  const row = await deps.db.transaction(async (tx) => {
    const links = await visibleLinks(tx, actor, [
      { path: 'organisationId', kind: 'organisation', ids: [input.organisationId] },
    ]);
    throwIfErrors([
      ...links.errors,
      ...(await ownerTeamErrors(tx, input)),
      ...dateOrderErrors(input.startDate ?? null, input.endDate ?? null),
    ]);
    // Last before the insert: the counter's row lock is held for as short a time as possible.
    const number = await nextMandateNumber(tx, new Date().getUTCFullYear());
    const [created] = await tx
      .insert(mandates)
      .values({
        ...columnsFrom(input),
        number,
        organisationId: input.organisationId,
        title: input.title,
        type: input.type,
        ownerId: input.ownerId ?? actor.userId,
        teamId: input.teamId === undefined ? actor.teamId : input.teamId,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await recordChange(tx, {
      entityType: 'mandate',
      entityId: created.id,
      action: 'created',
      actor,
      ownerId: created.ownerId,
      teamId: created.teamId,
      changes: changedFields({}, created, TRACKED_FIELDS),
      events: [{ type: 'mandate.created', payload: eventPayload(created) }],
    });
    return created;
  });
  return toMandate(row);
}

export async function updateMandate(
  deps: ActorDeps,
  id: string,
  input: UpdateMandateInput,
  ifMatch?: string | null,
): Promise<Mandate> {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'update');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const reassigning =
      (input.ownerId !== undefined && input.ownerId !== before.ownerId) ||
      (input.teamId !== undefined && input.teamId !== before.teamId);
    if (reassigning) assertPermission(actor, 'mandates', 'manage');
    const columns = columnsFrom(input);
    const changes = changedFields(before, columns, TRACKED_FIELDS);
    // Only new links are checked: an existing link stays valid even if its target left the caller's scope.
    const links = changes.organisationId
      ? await visibleLinks(tx, actor, [
          { path: 'organisationId', kind: 'organisation', ids: [columns.organisationId as string] },
        ])
      : { errors: [] };
    throwIfErrors([
      ...links.errors,
      ...(await ownerTeamErrors(tx, input)),
      ...dateOrderErrors(
        input.startDate === undefined ? before.startDate : input.startDate,
        input.endDate === undefined ? before.endDate : input.endDate,
      ),
    ]);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(mandates)
      .set({ ...columns, updatedAt: sql`now()`, version: sql`${mandates.version} + 1` })
      .where(eq(mandates.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'mandate',
      entityId: id,
      action: 'updated',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes,
      events: [
        { type: 'mandate.updated', payload: { ...eventPayload(after), changes } },
        ...(changes.ownerId
          ? [
              {
                type: 'mandate.assigned',
                payload: { ...eventPayload(after), previousOwnerId: before.ownerId },
              },
            ]
          : []),
      ],
    });
    return after;
  });
  return toMandate(row);
}

/**
 * Moves a mandate along its lifecycle and stamps the matching date: proposed →
 * proposedAt, signed → signedAt, active → startDate (if unset), terminated or
 * expired → endDate (if unset). Illegal moves are 409 naming the allowed ones.
 */
export async function transitionMandate(
  deps: ActorDeps,
  id: string,
  input: TransitionInput,
  ifMatch?: string | null,
): Promise<Mandate> {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'update');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const from = before.status as MandateStatus;
    const allowed = MANDATE_TRANSITIONS[from] ?? [];
    if (!allowed.includes(input.to)) {
      const options = allowed.length > 0 ? allowed.join(', ') : 'none (final status)';
      throw new AppError('CONFLICT', {
        detail: `A ${from} mandate cannot become ${input.to}; allowed from ${from}: ${options}`,
        errors: [{ path: 'to', message: `Allowed from ${from}: ${options}`, code: 'illegal_transition' }],
      });
    }
    const date = input.date ?? todayUtc();
    const set: Partial<Pick<MandateRow, 'status' | 'proposedAt' | 'signedAt' | 'startDate' | 'endDate'>> = {
      status: input.to,
    };
    if (input.to === 'proposed') set.proposedAt = date;
    if (input.to === 'signed') set.signedAt = date;
    if (input.to === 'active' && !before.startDate) set.startDate = date;
    if ((input.to === 'terminated' || input.to === 'expired') && !before.endDate) {
      throwIfErrors(
        before.startDate && date < before.startDate
          ? [{ path: 'date', message: 'Must not be before the start date', code: 'date_order' }]
          : [],
        'The end date would precede the start date',
      );
      set.endDate = date;
    }
    const [after] = await tx
      .update(mandates)
      .set({ ...set, updatedAt: sql`now()`, version: sql`${mandates.version} + 1` })
      .where(eq(mandates.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    const transition = { from, to: input.to, date };
    await recordChange(tx, {
      entityType: 'mandate',
      entityId: id,
      action: 'status_changed',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes: changedFields(before, set, TRACKED_FIELDS),
      events: [
        { type: 'mandate.status_changed', payload: { ...eventPayload(after), ...transition } },
        ...(input.to === 'signed'
          ? [{ type: 'mandate.signed', payload: { ...eventPayload(after), signedAt: date } }]
          : []),
      ],
    });
    return after;
  });
  return toMandate(row);
}

export async function deleteMandate(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(mandates)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${mandates.version} + 1` })
      .where(eq(mandates.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'mandate',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'mandate.deleted', payload: eventPayload(after) }],
    });
  });
}

export async function restoreMandate(deps: ActorDeps, id: string): Promise<Mandate> {
  const { actor } = deps;
  assertPermission(actor, 'mandates', 'delete');
  const row = await deps.db.transaction(async (tx) => {
    await loadVisible(deps, tx, id, { deleted: true, lock: true });
    const [after] = await tx
      .update(mandates)
      .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${mandates.version} + 1` })
      .where(eq(mandates.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'mandate',
      entityId: id,
      action: 'restored',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'mandate.restored', payload: eventPayload(after) }],
    });
    return after;
  });
  return toMandate(row);
}
