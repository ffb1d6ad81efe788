import { asc, eq, sql } from 'drizzle-orm';
import { teams, users } from '../../db/schema';
import { AppError, violatesConstraint } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
import { diffChanges, recordAudit } from '../audit/audit.service';
import { assertPermission } from './actor';

export interface PublicTeam {
  id: string;
  name: string;
  managerId: string | null;
  memberCount: number;
  createdAt: string;
}

const teamColumns = {
  id: teams.id,
  name: teams.name,
  managerId: teams.managerId,
  createdAt: teams.createdAt,
  // Written out: drizzle leaves a column unqualified in single-table selects, which the subquery would capture.
  memberCount: sql<number>`(select count(*)::int from users u where u.team_id = teams.id)`,
};

function toPublicTeam(row: {
  id: string;
  name: string;
  managerId: string | null;
  createdAt: Date;
  memberCount: number;
}): PublicTeam {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

export async function listTeams(deps: ActorDeps): Promise<PublicTeam[]> {
  assertPermission(deps.actor, 'teams', 'read');
  const rows = await deps.db.select(teamColumns).from(teams).orderBy(asc(teams.name));
  return rows.map(toPublicTeam);
}

export async function getTeam(deps: ActorDeps, id: string): Promise<PublicTeam> {
  assertPermission(deps.actor, 'teams', 'read');
  const [row] = await deps.db.select(teamColumns).from(teams).where(eq(teams.id, id));
  if (!row) throw new AppError('NOT_FOUND', { detail: 'Team not found' });
  return toPublicTeam(row);
}

async function assertManagerExists(deps: ActorDeps, managerId: string | null | undefined) {
  if (!managerId) return;
  const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.id, managerId));
  if (!user) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'Unknown manager',
      errors: [{ path: 'managerId', message: 'No such user', code: 'unknown_user' }],
    });
  }
}

function duplicateName(): AppError {
  return new AppError('CONFLICT', {
    detail: 'A team with this name already exists',
    errors: [{ path: 'name', message: 'Already in use', code: 'duplicate' }],
  });
}

export async function createTeam(
  deps: ActorDeps,
  input: { name: string; managerId?: string | null },
): Promise<PublicTeam> {
  assertPermission(deps.actor, 'teams', 'create');
  await assertManagerExists(deps, input.managerId);
  try {
    const id = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(teams)
        .values({ name: input.name, managerId: input.managerId ?? null })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await recordAudit(tx, {
        actorId: deps.actor.userId,
        action: 'team.created',
        targetType: 'team',
        targetId: row.id,
        changes: diffChanges({}, row, ['name', 'managerId']),
        requestId: deps.meta.requestId,
        ip: deps.meta.ip,
      });
      return row.id;
    });
    return getTeam(deps, id);
  } catch (error) {
    if (violatesConstraint(error, 'teams_name_unique')) throw duplicateName();
    throw error;
  }
}

export async function updateTeam(
  deps: ActorDeps,
  id: string,
  input: { name?: string; managerId?: string | null },
): Promise<PublicTeam> {
  assertPermission(deps.actor, 'teams', 'update');
  await assertManagerExists(deps, input.managerId);
  try {
    await deps.db.transaction(async (tx) => {
      const [before] = await tx.select().from(teams).where(eq(teams.id, id));
      if (!before) throw new AppError('NOT_FOUND', { detail: 'Team not found' });
      const [row] = await tx
        .update(teams)
        .set({ ...input, updatedAt: sql`now()` })
        .where(eq(teams.id, id))
        .returning();
      await recordAudit(tx, {
        actorId: deps.actor.userId,
        action: 'team.updated',
        targetType: 'team',
        targetId: id,
        changes: diffChanges(before, row ?? {}, ['name', 'managerId']),
        requestId: deps.meta.requestId,
        ip: deps.meta.ip,
      });
    });
  } catch (error) {
    if (violatesConstraint(error, 'teams_name_unique')) throw duplicateName();
    throw error;
  }
  return getTeam(deps, id);
}

/** A team with members cannot be deleted: move them first, so nobody silently loses their scope. */
export async function deleteTeam(deps: ActorDeps, id: string): Promise<void> {
  assertPermission(deps.actor, 'teams', 'delete');
  const team = await getTeam(deps, id);
  if (team.memberCount > 0) {
    throw new AppError('CONFLICT', {
      detail: `The team still has ${team.memberCount} member(s); move them first`,
    });
  }
  await deps.db.transaction(async (tx) => {
    await tx.delete(teams).where(eq(teams.id, id));
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'team.deleted',
      targetType: 'team',
      targetId: id,
      changes: { name: { before: team.name, after: null } },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
}
