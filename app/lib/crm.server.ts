/**
 * The CRM services the UI calls, in one place (loaders and actions use the
 * same functions as the API: RBAC, scope and validation live there), plus the
 * few read-only look-ups the pages need that the API answers another way
 * (names for ids, counts for the dashboard). Those apply the same permission
 * checks and scope filter as the services. Server-only.
 */
import { and, count, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import { affiliations, mandates, organisations, people, teams, users } from '../../worker/db/schema';
import { cachedFigure } from '../../worker/lib/cache-tags';
import { AppError } from '../../worker/lib/errors';
import type { ActorDeps } from '../../worker/lib/service-context';
import { isCurrentAffiliation } from '../../worker/modules/affiliations/affiliations.current';
import { assertPermission, hasPermission } from '../../worker/modules/identity/actor';
import { scopeCondition } from '../../worker/modules/identity/scope';

export { AppError } from '../../worker/lib/errors';
export { etagOf } from '../../worker/lib/records';
export type { ActorDeps } from '../../worker/lib/service-context';
export {
  createAffiliationSchema,
  listAffiliationsQuery,
} from '../../worker/modules/affiliations/affiliations.schemas';
export {
  createAffiliation,
  listOrganisationPeople,
  listPersonAffiliations,
} from '../../worker/modules/affiliations/affiliations.service';
export { hasPermission } from '../../worker/modules/identity/actor';
export { listUsers } from '../../worker/modules/identity/users.service';
export {
  createInteractionSchema,
  updateInteractionSchema,
} from '../../worker/modules/interactions/interactions.schemas';
export {
  createInteraction,
  getInteraction,
  listInteractions,
  updateInteraction,
} from '../../worker/modules/interactions/interactions.service';
export {
  createMandateSchema,
  MANDATE_TRANSITIONS,
  transitionSchema,
  updateMandateSchema,
} from '../../worker/modules/mandates/mandates.schemas';
export {
  createMandate,
  deleteMandate,
  getMandate,
  listMandates,
  restoreMandate,
  transitionMandate,
  updateMandate,
} from '../../worker/modules/mandates/mandates.service';
export {
  createOrganisationSchema,
  updateOrganisationSchema,
} from '../../worker/modules/organisations/organisations.schemas';
export {
  createOrganisation,
  deleteOrganisation,
  getOrganisation,
  listOrganisations,
  restoreOrganisation,
  updateOrganisation,
} from '../../worker/modules/organisations/organisations.service';
export { createPersonSchema, updatePersonSchema } from '../../worker/modules/people/people.schemas';
export {
  createPerson,
  deletePerson,
  getPerson,
  listPeople,
  restorePerson,
  updatePerson,
} from '../../worker/modules/people/people.service';
export { listStages, pipelineBoard } from '../../worker/modules/pipeline/pipeline.service';
export { createTaskSchema } from '../../worker/modules/tasks/tasks.schemas';
export {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  restoreTask,
  updateTask,
} from '../../worker/modules/tasks/tasks.service';
export { listTimeline } from '../../worker/modules/timeline/timeline.service';

/** Distinct non-null ids. */
function idsOf(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => typeof value === 'string'))];
}

/**
 * Display names of users (owners, assignees, timeline actors). Names of
 * colleagues are not scoped: every role may read users.
 */
export async function userNames(
  deps: ActorDeps,
  ids: readonly (string | null | undefined)[],
): Promise<Record<string, string>> {
  const wanted = idsOf(ids);
  if (wanted.length === 0) return {};
  const rows = await deps.db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, wanted));
  return Object.fromEntries(rows.map((row) => [row.id, row.name]));
}

/** Team names (timeline values); every role may read teams. */
export async function teamNames(
  deps: ActorDeps,
  ids: readonly (string | null | undefined)[],
): Promise<Record<string, string>> {
  const wanted = idsOf(ids);
  if (wanted.length === 0) return {};
  const rows = await deps.db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(inArray(teams.id, wanted));
  return Object.fromEntries(rows.map((row) => [row.id, row.name]));
}

/** Names of the organisations among `ids` the actor may see (deleted ones included). */
export async function organisationNames(
  deps: ActorDeps,
  ids: readonly (string | null | undefined)[],
): Promise<Record<string, string>> {
  const wanted = idsOf(ids);
  if (wanted.length === 0 || !hasPermission(deps.actor, 'organisations', 'read')) return {};
  const rows = await deps.db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(inArray(organisations.id, wanted), scopeCondition(deps.actor, organisations)));
  return Object.fromEntries(rows.map((row) => [row.id, row.name]));
}

/** Full names of the people among `ids` the actor may see and that are not in the bin. */
export async function personNames(
  deps: ActorDeps,
  ids: readonly (string | null | undefined)[],
): Promise<Record<string, string>> {
  const wanted = idsOf(ids);
  if (wanted.length === 0 || !hasPermission(deps.actor, 'people', 'read')) return {};
  const rows = await deps.db
    .select({ id: people.id, firstName: people.firstName, lastName: people.lastName })
    .from(people)
    .where(and(inArray(people.id, wanted), isNull(people.deletedAt), scopeCondition(deps.actor, people)));
  return Object.fromEntries(rows.map((row) => [row.id, `${row.firstName} ${row.lastName}`]));
}

/**
 * Current versions of visible organisations, for If-Match on forms built from
 * reads that do not carry one (the kanban board's cards).
 */
export async function organisationVersions(
  deps: ActorDeps,
  ids: readonly string[],
): Promise<Record<string, number>> {
  const wanted = idsOf(ids);
  if (wanted.length === 0) return {};
  assertPermission(deps.actor, 'organisations', 'read');
  const rows = await deps.db
    .select({ id: organisations.id, version: organisations.version })
    .from(organisations)
    .where(
      and(
        inArray(organisations.id, wanted),
        isNull(organisations.deletedAt),
        scopeCondition(deps.actor, organisations),
      ),
    );
  return Object.fromEntries(rows.map((row) => [row.id, row.version]));
}

/**
 * Each person's current organisation (the primary affiliation first, else the
 * latest), among affiliations and organisations the actor may see.
 */
export async function currentOrganisations(
  deps: ActorDeps,
  personIds: readonly string[],
): Promise<Record<string, { id: string; name: string }>> {
  const wanted = idsOf(personIds);
  if (wanted.length === 0 || !hasPermission(deps.actor, 'organisations', 'read')) return {};
  const rows = await deps.db
    .select({ personId: affiliations.personId, id: organisations.id, name: organisations.name })
    .from(affiliations)
    .innerJoin(organisations, eq(organisations.id, affiliations.organisationId))
    .where(
      and(
        inArray(affiliations.personId, wanted),
        isNull(affiliations.deletedAt),
        isCurrentAffiliation(),
        scopeCondition(deps.actor, affiliations),
        isNull(organisations.deletedAt),
        scopeCondition(deps.actor, organisations),
      ),
    )
    .orderBy(desc(affiliations.isPrimary), desc(affiliations.startDate));
  const result: Record<string, { id: string; name: string }> = {};
  for (const row of rows) result[row.personId] ??= { id: row.id, name: row.name };
  return result;
}

/** Mandates outside the bin by status, in the actor's scope. */
export async function mandateCountsByStatus(deps: ActorDeps): Promise<Record<string, number>> {
  assertPermission(deps.actor, 'mandates', 'read');
  return cachedFigure(deps.cache, deps.actor, {
    name: 'mandates-by-status',
    types: ['mandate'],
    load: () => countMandatesByStatus(deps),
  });
}

async function countMandatesByStatus(deps: ActorDeps): Promise<Record<string, number>> {
  const conditions: (SQL | undefined)[] = [isNull(mandates.deletedAt), scopeCondition(deps.actor, mandates)];
  const rows = await deps.db
    .select({ status: mandates.status, count: count() })
    .from(mandates)
    .where(and(...conditions))
    .groupBy(mandates.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

/** Organisations outside the bin and outside the pipeline (no stage), in the actor's scope. */
export async function organisationsWithoutStage(deps: ActorDeps): Promise<number> {
  assertPermission(deps.actor, 'organisations', 'read');
  return cachedFigure(deps.cache, deps.actor, {
    name: 'organisations-without-stage',
    types: ['organisation'],
    load: () => countOrganisationsWithoutStage(deps),
  });
}

async function countOrganisationsWithoutStage(deps: ActorDeps): Promise<number> {
  const [row] = await deps.db
    .select({ count: count() })
    .from(organisations)
    .where(
      and(
        isNull(organisations.deletedAt),
        isNull(organisations.pipelineStageId),
        scopeCondition(deps.actor, organisations),
      ),
    );
  return Number(row?.count ?? 0);
}

/** A write refused because the record changed since the form was read (If-Match, 412). */
export function isStale(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'PRECONDITION_FAILED';
}

/**
 * The organisations a form may link a record to: the first 300 by name in
 * the actor's scope, plus `current` (the record's own, wherever it sorts).
 */
export async function organisationOptions(
  deps: ActorDeps,
  current?: string | null,
): Promise<{ id: string; name: string }[]> {
  if (!hasPermission(deps.actor, 'organisations', 'read')) return [];
  const rows = await deps.db
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(isNull(organisations.deletedAt), scopeCondition(deps.actor, organisations)))
    .orderBy(organisations.name, organisations.id)
    .limit(300);
  if (current && !rows.some((row) => row.id === current)) {
    const names = await organisationNames(deps, [current]);
    if (names[current]) rows.unshift({ id: current, name: names[current] });
  }
  return rows;
}
