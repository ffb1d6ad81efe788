import { and, asc, count, eq, inArray, isNull, lte, ne, type SQL, sql } from 'drizzle-orm';
import { organisations, pipelineStages } from '../../db/schema';
import { noteChangedTags } from '../../lib/cache';
import { cachedFigure, PIPELINE_TAG } from '../../lib/cache-tags';
import { AppError, type FieldError } from '../../lib/errors';
import type { Tx } from '../../lib/records';
import type { ActorDeps } from '../../lib/service-context';
import { diffChanges, recordAudit } from '../audit/audit.service';
import { assertPermission } from '../identity/actor';
import { scopeCondition } from '../identity/scope';
import type { CreateStageInput, KanbanQuery, UpdateStageInput } from './pipeline.schemas';

type StageRow = typeof pipelineStages.$inferSelect;

export interface PipelineStage {
  id: string;
  name: string;
  position: number;
  color: string;
  isWon: boolean;
  isLost: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toStage(row: StageRow): PipelineStage {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    color: row.color,
    isWon: row.isWon,
    isLost: row.isLost,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const AUDITED = ['name', 'color', 'isWon', 'isLost'] as const;

async function activeStages(tx: Tx, options: { lock?: boolean } = {}) {
  const query = tx
    .select()
    .from(pipelineStages)
    .where(isNull(pipelineStages.deletedAt))
    .orderBy(asc(pipelineStages.position), asc(pipelineStages.id));
  return options.lock ? query.for('update') : query;
}

/** The pipeline's columns, in order: everyone who can read organisations needs them. */
export async function listStages(deps: ActorDeps): Promise<PipelineStage[]> {
  assertPermission(deps.actor, 'organisations', 'read');
  return (await activeStages(deps.db)).map(toStage);
}

async function loadActive(tx: Tx, id: string) {
  const [row] = await tx
    .select()
    .from(pipelineStages)
    .where(and(eq(pipelineStages.id, id), isNull(pipelineStages.deletedAt)))
    .for('update');
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Pipeline stage not found' });
  return row;
}

async function assertNameFree(tx: Tx, name: string, exceptId?: string) {
  const [clash] = await tx
    .select({ id: pipelineStages.id })
    .from(pipelineStages)
    .where(
      and(
        isNull(pipelineStages.deletedAt),
        eq(sql`lower(${pipelineStages.name})`, name.toLowerCase()),
        exceptId ? ne(pipelineStages.id, exceptId) : undefined,
      ),
    );
  if (clash) {
    throw new AppError('CONFLICT', {
      detail: `A stage named ${name} already exists`,
      errors: [{ path: 'name', message: 'Already in use', code: 'duplicate' }],
    });
  }
}

function assertWonOrLost(isWon: boolean, isLost: boolean) {
  if (isWon && isLost) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'A stage cannot be both won and lost',
      errors: [{ path: 'isLost', message: 'Cannot be true with isWon', code: 'won_and_lost' }],
    });
  }
}

function audit(deps: ActorDeps, tx: Tx, action: string, targetId: string | null, changes: object) {
  // Every stage write audits once: boards cached with the old stages are invalidated after commit.
  noteChangedTags([PIPELINE_TAG]);
  return recordAudit(tx, {
    actorId: deps.actor.userId,
    action,
    targetType: 'pipeline_stage',
    targetId,
    changes: changes as Record<string, { before: unknown; after: unknown }>,
    requestId: deps.meta.requestId,
    ip: deps.meta.ip,
  });
}

/** Adds a stage at the end of the pipeline (reorder afterwards). */
export async function createStage(deps: ActorDeps, input: CreateStageInput): Promise<PipelineStage> {
  assertPermission(deps.actor, 'settings', 'manage');
  assertWonOrLost(Boolean(input.isWon), Boolean(input.isLost));
  const row = await deps.db.transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const [created] = await tx
      .insert(pipelineStages)
      .values({
        ...input,
        position: sql`(select coalesce(max(${pipelineStages.position}), -1) + 1 from ${pipelineStages} where ${pipelineStages.deletedAt} is null)`,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await audit(deps, tx, 'pipeline_stage.created', created.id, diffChanges({}, created, AUDITED));
    return created;
  });
  return toStage(row);
}

export async function updateStage(
  deps: ActorDeps,
  id: string,
  input: UpdateStageInput,
): Promise<PipelineStage> {
  assertPermission(deps.actor, 'settings', 'manage');
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadActive(tx, id);
    assertWonOrLost(input.isWon ?? before.isWon, input.isLost ?? before.isLost);
    if (input.name !== undefined && input.name !== before.name) await assertNameFree(tx, input.name, id);
    const changes = diffChanges(before, input, AUDITED);
    if (Object.keys(changes).length === 0) return before;
    const [after] = await tx
      .update(pipelineStages)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(pipelineStages.id, id))
      .returning();
    if (!after) throw new Error('update returned no row');
    await audit(deps, tx, 'pipeline_stage.updated', id, changes);
    return after;
  });
  return toStage(row);
}

/** Soft delete; refused (409) while organisations outside the bin sit in the stage. */
export async function deleteStage(deps: ActorDeps, id: string): Promise<void> {
  assertPermission(deps.actor, 'settings', 'manage');
  await deps.db.transaction(async (tx) => {
    const before = await loadActive(tx, id);
    const [usage] = await tx
      .select({ count: count() })
      .from(organisations)
      .where(and(eq(organisations.pipelineStageId, id), isNull(organisations.deletedAt)));
    const inUse = usage?.count ?? 0;
    if (inUse > 0) {
      throw new AppError('CONFLICT', {
        detail: `${inUse} organisation${inUse === 1 ? ' is' : 's are'} in the stage ${before.name}; move ${inUse === 1 ? 'it' : 'them'} to another stage first`,
      });
    }
    await tx
      .update(pipelineStages)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(pipelineStages.id, id));
    await audit(deps, tx, 'pipeline_stage.deleted', id, { name: { before: before.name, after: null } });
  });
}

/** Sets the order of the pipeline: `ids` must name every active stage exactly once. */
export async function reorderStages(deps: ActorDeps, ids: string[]): Promise<PipelineStage[]> {
  assertPermission(deps.actor, 'settings', 'manage');
  return deps.db.transaction(async (tx) => {
    // Locking the active stages serialises reorders with each other and with creates' positions.
    const current = await activeStages(tx, { lock: true });
    const active = new Set(current.map((stage) => stage.id));
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (!active.has(id))
        errors.push({ path: `ids.${index}`, message: 'Not an active stage', code: 'unknown_reference' });
      else if (seen.has(id))
        errors.push({ path: `ids.${index}`, message: 'Listed more than once', code: 'duplicate' });
      seen.add(id);
    });
    const missing = current.filter((stage) => !seen.has(stage.id));
    if (missing.length > 0) {
      errors.push({
        path: 'ids',
        message: `Missing active stages: ${missing.map((stage) => stage.name).join(', ')}`,
        code: 'incomplete',
      });
    }
    if (errors.length > 0) {
      throw new AppError('VALIDATION_FAILED', {
        detail: 'List every active stage exactly once',
        errors,
      });
    }
    const before = current.map((stage) => stage.id);
    const unchanged =
      before.every((id, index) => id === ids[index]) &&
      current.every((stage, index) => stage.position === index);
    if (unchanged) return current.map(toStage);
    const order = sql`array[${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}]`;
    await tx
      .update(pipelineStages)
      .set({ position: sql`array_position(${order}, ${pipelineStages.id}) - 1`, updatedAt: sql`now()` })
      .where(inArray(pipelineStages.id, ids));
    await audit(deps, tx, 'pipeline_stages.reordered', null, { order: { before, after: ids } });
    return (await activeStages(tx)).map(toStage);
  });
}

/**
 * The kanban board: every active stage with the number of organisations the
 * caller can see in it and the first `limit` of them (most recently updated
 * first), in one query ranked per stage.
 */
export async function pipelineBoard(deps: ActorDeps, query: KanbanQuery) {
  assertPermission(deps.actor, 'organisations', 'read');
  return cachedFigure(deps.cache, deps.actor, {
    name: 'pipeline-board',
    types: ['organisation'],
    parts: query,
    extraTags: [PIPELINE_TAG],
    load: () => queryBoard(deps, query),
  });
}

async function queryBoard(deps: ActorDeps, query: KanbanQuery) {
  const { actor } = deps;
  const stages = await activeStages(deps.db);
  const conditions: (SQL | undefined)[] = [
    scopeCondition(actor, organisations),
    isNull(organisations.deletedAt),
    stages.length > 0
      ? inArray(
          organisations.pipelineStageId,
          stages.map((stage) => stage.id),
        )
      : sql`false`,
    query.ownerId ? eq(organisations.ownerId, query.ownerId) : undefined,
    query.teamId ? eq(organisations.teamId, query.teamId) : undefined,
  ];
  const ranked = deps.db
    .select({
      id: organisations.id,
      name: organisations.name,
      city: organisations.city,
      aumAmount: organisations.aumAmount,
      aumCurrency: organisations.aumCurrency,
      ownerId: organisations.ownerId,
      updatedAt: organisations.updatedAt,
      stageId: organisations.pipelineStageId,
      rank: sql<number>`row_number() over (partition by ${organisations.pipelineStageId} order by ${organisations.updatedAt} desc, ${organisations.id} desc)`.as(
        'rank',
      ),
      total: sql<number>`count(*) over (partition by ${organisations.pipelineStageId})`.as('total'),
    })
    .from(organisations)
    .where(and(...conditions))
    .as('ranked');
  const cards = await deps.db
    .select()
    .from(ranked)
    .where(lte(ranked.rank, query.limit))
    .orderBy(asc(ranked.rank));
  return {
    stages: stages.map((stage) => {
      const mine = cards.filter((card) => card.stageId === stage.id);
      return {
        ...toStage(stage),
        count: Number(mine[0]?.total ?? 0),
        organisations: mine.map((card) => ({
          id: card.id,
          name: card.name,
          city: card.city,
          aum:
            card.aumAmount && card.aumCurrency
              ? { amount: card.aumAmount, currency: card.aumCurrency }
              : null,
          ownerId: card.ownerId,
          updatedAt: new Date(card.updatedAt).toISOString(),
        })),
      };
    }),
  };
}
