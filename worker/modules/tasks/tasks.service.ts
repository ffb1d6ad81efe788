import { and, eq, gte, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import { tasks } from '../../db/schema';
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
import { type Actor, assertPermission, recordScope } from '../identity/actor';
import { canSeeRecord, scopeCondition } from '../identity/scope';
import {
  existingUsers,
  type LinkCheck,
  ownerTeamErrors,
  throwIfErrors,
  todayUtc,
  visibleLinks,
} from '../interactions/links';
import {
  type CreateTaskInput,
  type ListTasksQuery,
  OPEN_TASK_STATUSES,
  TASK_PRIORITIES,
  type TaskPriority,
  type TaskStatus,
  type UpdateTaskInput,
} from './tasks.schemas';

type TaskRow = typeof tasks.$inferSelect;

export interface Task {
  id: string;
  title: string;
  description: string | null;
  dueDate: string | null;
  priority: TaskPriority;
  status: TaskStatus;
  assigneeId: string | null;
  organisationId: string | null;
  personId: string | null;
  mandateId: string | null;
  completedAt: string | null;
  ownerId: string;
  teamId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    dueDate: row.dueDate,
    priority: row.priority as TaskPriority,
    status: row.status as TaskStatus,
    assigneeId: row.assigneeId,
    organisationId: row.organisationId,
    personId: row.personId,
    mandateId: row.mandateId,
    completedAt: row.completedAt?.toISOString() ?? null,
    ownerId: row.ownerId,
    teamId: row.teamId,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}

/**
 * A task is visible in its owner's scope and, whatever the scope, to its
 * assignee: a User given a task by their manager must see it. Admins see all.
 */
export function taskScopeCondition(actor: Actor): SQL | undefined {
  const scope = scopeCondition(actor, tasks);
  return scope ? or(scope, eq(tasks.assigneeId, actor.userId)) : undefined;
}

function canSeeTask(actor: Actor, row: TaskRow): boolean {
  return canSeeRecord(actor, row) || row.assigneeId === actor.userId;
}

/** low 0 … urgent 3, so `-priority` lists the most urgent first. */
const priorityRank = sql`case ${tasks.priority} ${sql.raw(
  TASK_PRIORITIES.map((priority, rank) => `when '${priority}' then ${rank}`).join(' '),
)} end`;

const SORTS: SortField[] = [
  { key: 'dueDate', column: tasks.dueDate, read: (row) => row.dueDate as string | null, cast: 'date' },
  {
    key: 'priority',
    column: priorityRank,
    read: (row) => TASK_PRIORITIES.indexOf(row.priority as TaskPriority),
    cast: 'numeric',
  },
  {
    key: 'createdAt',
    column: tasks.createdAt,
    read: (row) => (row.createdAt as Date).toISOString(),
    cast: 'timestamptz',
  },
  {
    key: 'updatedAt',
    column: tasks.updatedAt,
    read: (row) => (row.updatedAt as Date).toISOString(),
    cast: 'timestamptz',
  },
];

const TRACKED_FIELDS = [
  'title',
  'description',
  'dueDate',
  'priority',
  'status',
  'assigneeId',
  'organisationId',
  'personId',
  'mandateId',
  'completedAt',
  'ownerId',
  'teamId',
] as const;

/** Cached per caller scope and normalised query; every task change invalidates it (lib/cache-tags.ts). */
export async function listTasks(deps: ActorDeps, query: ListTasksQuery) {
  assertPermission(deps.actor, 'tasks', 'read');
  if (query.deleted) assertPermission(deps.actor, 'tasks', 'delete');
  return cachedList(deps.cache, deps.actor, {
    type: 'task',
    query,
    load: () => queryTasks(deps, query),
  });
}

async function queryTasks(deps: ActorDeps, query: ListTasksQuery) {
  const { actor } = deps;
  assertPermission(actor, 'tasks', 'read');
  if (query.deleted) assertPermission(actor, 'tasks', 'delete');
  const { field, direction } = parseSort(query.sort, SORTS, 'dueDate');
  const page = keyset(field, direction, tasks.id, query.cursor);
  const assigneeId = query.assigneeId === 'me' ? actor.userId : query.assigneeId;
  const conditions: (SQL | undefined)[] = [
    taskScopeCondition(actor),
    query.deleted ? isNotNull(tasks.deletedAt) : isNull(tasks.deletedAt),
    query.status ? inArray(tasks.status, query.status) : undefined,
    query.priority ? inArray(tasks.priority, query.priority) : undefined,
    assigneeId ? eq(tasks.assigneeId, assigneeId) : undefined,
    query.organisationId ? eq(tasks.organisationId, query.organisationId) : undefined,
    query.personId ? eq(tasks.personId, query.personId) : undefined,
    query.mandateId ? eq(tasks.mandateId, query.mandateId) : undefined,
    query.dueBefore ? lte(tasks.dueDate, query.dueBefore) : undefined,
    query.dueAfter ? gte(tasks.dueDate, query.dueAfter) : undefined,
    query.overdue ? and(lt(tasks.dueDate, todayUtc()), inArray(tasks.status, OPEN_TASK_STATUSES)) : undefined,
    query.updatedSince ? gte(tasks.updatedAt, new Date(query.updatedSince)) : undefined,
    page.where,
  ];
  const rows = await deps.db
    .select()
    .from(tasks)
    .where(and(...conditions))
    .orderBy(...page.orderBy)
    .limit(query.limit + 1);
  const result = pageFromRows(rows, query.limit, page);
  return { data: result.data.map(toTask), nextCursor: result.nextCursor };
}

async function loadVisible(
  deps: ActorDeps,
  tx: Tx,
  id: string,
  options: { deleted?: boolean; lock?: boolean } = {},
) {
  const query = tx.select().from(tasks).where(eq(tasks.id, id));
  const [row] = options.lock ? await query.for('update') : await query;
  if (!row || !canSeeTask(deps.actor, row) || Boolean(row.deletedAt) !== Boolean(options.deleted)) {
    throw new AppError('NOT_FOUND', {
      detail: options.deleted ? 'No deleted task with this id' : 'Task not found',
    });
  }
  return row;
}

/** Deleting and restoring stay with the owner's scope: an assignee may work on a task, not discard it. */
function assertOwnerScope(actor: Actor, row: TaskRow): void {
  if (recordScope(actor) !== 'all' && !canSeeRecord(actor, row)) {
    throw new AppError('FORBIDDEN', {
      detail: "Only the task's owner, their manager or an admin can delete or restore it",
    });
  }
}

export async function getTask(deps: ActorDeps, id: string): Promise<Task> {
  assertPermission(deps.actor, 'tasks', 'read');
  return cachedRecord(deps.cache, deps.actor, {
    type: 'task',
    id,
    load: async () => toTask(await loadVisible(deps, deps.db, id)),
  });
}

/**
 * New links must be visible; the assignee must be an active user, and
 * handing a task to someone outside your own team needs tasks:manage.
 */
async function checkReferences(
  deps: ActorDeps,
  tx: Tx,
  changed: {
    organisationId?: string | null;
    personId?: string | null;
    mandateId?: string | null;
    assigneeId?: string | null;
    ownerId?: string;
    teamId?: string | null;
  },
): Promise<void> {
  const { actor } = deps;
  const checks: LinkCheck[] = [];
  if (changed.organisationId)
    checks.push({ path: 'organisationId', kind: 'organisation', ids: [changed.organisationId] });
  if (changed.personId) checks.push({ path: 'personId', kind: 'person', ids: [changed.personId] });
  if (changed.mandateId) checks.push({ path: 'mandateId', kind: 'mandate', ids: [changed.mandateId] });
  const { errors } = await visibleLinks(tx, actor, checks);
  const extra: FieldError[] = await ownerTeamErrors(tx, changed);
  if (changed.assigneeId) {
    const assignee = (await existingUsers(tx, [changed.assigneeId], true)).get(changed.assigneeId);
    if (!assignee) {
      extra.push({ path: 'assigneeId', message: 'No such active user', code: 'unknown_reference' });
    } else if (assignee.id !== actor.userId && (!actor.teamId || assignee.teamId !== actor.teamId)) {
      assertPermission(actor, 'tasks', 'manage');
    }
  }
  throwIfErrors([...errors, ...extra]);
}

function eventPayload(row: TaskRow) {
  const { id, title, status, priority, dueDate, assigneeId, organisationId, personId, mandateId } = row;
  return {
    id,
    title,
    status,
    priority,
    dueDate,
    assigneeId,
    organisationId,
    personId,
    mandateId,
    ownerId: row.ownerId,
    teamId: row.teamId,
  };
}

export async function createTask(deps: ActorDeps, input: CreateTaskInput): Promise<Task> {
  const { actor } = deps;
  assertPermission(actor, 'tasks', 'create');
  const reassigning =
    (input.ownerId && input.ownerId !== actor.userId) ||
    (input.teamId !== undefined && input.teamId !== actor.teamId);
  if (reassigning) assertPermission(actor, 'tasks', 'manage');
  const assigneeId = input.assigneeId === undefined ? actor.userId : input.assigneeId;
  const row = await deps.db.transaction(async (tx) => {
    await checkReferences(deps, tx, { ...input, assigneeId });
    const [created] = await tx
      .insert(tasks)
      .values({
        ...input,
        assigneeId,
        completedAt: input.status === 'done' ? sql`now()` : null,
        ownerId: input.ownerId ?? actor.userId,
        teamId: input.teamId === undefined ? actor.teamId : input.teamId,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    const payload = eventPayload(created);
    await recordChange(tx, {
      entityType: 'task',
      entityId: created.id,
      action: 'created',
      actor,
      ownerId: created.ownerId,
      teamId: created.teamId,
      changes: changedFields({}, created, TRACKED_FIELDS),
      events: [
        { type: 'task.created', payload },
        ...(created.assigneeId && created.assigneeId !== actor.userId
          ? [{ type: 'task.assigned', payload: { ...payload, previousAssigneeId: null } }]
          : []),
        ...(created.status === 'done' ? [{ type: 'task.completed', payload }] : []),
      ],
    });
    return created;
  });
  return toTask(row);
}

/** The timeline names single-purpose changes: completing or (re)assigning a task. */
function actionFor(changes: Record<string, { before: unknown; after: unknown }>): string {
  const fields = Object.keys(changes).filter((field) => field !== 'completedAt');
  if (fields.length === 1 && fields[0] === 'status' && changes.status?.after === 'done') return 'completed';
  if (fields.length === 1 && fields[0] === 'assigneeId') return 'assigned';
  return 'updated';
}

export async function updateTask(
  deps: ActorDeps,
  id: string,
  input: UpdateTaskInput,
  ifMatch?: string | null,
): Promise<Task> {
  const { actor } = deps;
  assertPermission(actor, 'tasks', 'update');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertIfMatch(ifMatch, before.version);
    const reassigning =
      (input.ownerId !== undefined && input.ownerId !== before.ownerId) ||
      (input.teamId !== undefined && input.teamId !== before.teamId);
    if (reassigning) assertPermission(actor, 'tasks', 'manage');
    const changed = <K extends 'organisationId' | 'personId' | 'mandateId' | 'assigneeId'>(key: K) =>
      input[key] !== undefined && input[key] !== before[key] ? input[key] : undefined;
    await checkReferences(deps, tx, {
      organisationId: changed('organisationId'),
      personId: changed('personId'),
      mandateId: changed('mandateId'),
      assigneeId: changed('assigneeId'),
      ownerId: input.ownerId,
      teamId: input.teamId,
    });
    const completion =
      input.status === undefined || input.status === before.status
        ? {}
        : { completedAt: input.status === 'done' ? new Date() : null };
    const changes = changedFields(before, { ...input, ...completion }, TRACKED_FIELDS);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(tasks)
      .set({
        ...input,
        ...(completion.completedAt !== undefined
          ? { completedAt: completion.completedAt ? sql`now()` : null }
          : {}),
        updatedAt: sql`now()`,
        version: sql`${tasks.version} + 1`,
      })
      .where(eq(tasks.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    if (changes.completedAt) changes.completedAt.after = after.completedAt?.toISOString() ?? null;
    const payload = eventPayload(after);
    await recordChange(tx, {
      entityType: 'task',
      entityId: id,
      action: actionFor(changes),
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      changes,
      events: [
        { type: 'task.updated', payload: { ...payload, changes } },
        ...(changes.assigneeId && after.assigneeId
          ? [{ type: 'task.assigned', payload: { ...payload, previousAssigneeId: before.assigneeId } }]
          : []),
        ...(changes.status && after.status === 'done' ? [{ type: 'task.completed', payload }] : []),
      ],
    });
    return after;
  });
  return toTask(row);
}

export async function deleteTask(deps: ActorDeps, id: string, ifMatch?: string | null): Promise<void> {
  const { actor } = deps;
  assertPermission(actor, 'tasks', 'delete');
  await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { lock: true });
    assertOwnerScope(actor, before);
    assertIfMatch(ifMatch, before.version);
    const [after] = await tx
      .update(tasks)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()`, version: sql`${tasks.version} + 1` })
      .where(eq(tasks.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'task',
      entityId: id,
      action: 'deleted',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'task.deleted', payload: eventPayload(after) }],
    });
  });
}

export async function restoreTask(deps: ActorDeps, id: string): Promise<Task> {
  const { actor } = deps;
  assertPermission(actor, 'tasks', 'delete');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadVisible(deps, tx, id, { deleted: true, lock: true });
    assertOwnerScope(actor, before);
    const [after] = await tx
      .update(tasks)
      .set({ deletedAt: null, updatedAt: sql`now()`, version: sql`${tasks.version} + 1` })
      .where(eq(tasks.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await recordChange(tx, {
      entityType: 'task',
      entityId: id,
      action: 'restored',
      actor,
      ownerId: after.ownerId,
      teamId: after.teamId,
      events: [{ type: 'task.restored', payload: eventPayload(after) }],
    });
    return after;
  });
  return toTask(row);
}
