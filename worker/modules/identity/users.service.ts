import { and, asc, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiTokens, sessions, teams, users } from '../../db/schema';
import { AppError, violatesConstraint } from '../../lib/errors';
import { decodeCursor, pageOf } from '../../lib/pagination';
import type { ActorDeps } from '../../lib/service-context';
import { diffChanges, recordAudit } from '../audit/audit.service';
import { assertPermission } from './actor';
import { type PublicUser, toPublicUser } from './auth.service';
import { hashPassword } from './password';
import type { RoleId } from './permissions';

export async function findUser(db: Database, id: string) {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  if (!user) throw new AppError('NOT_FOUND', { detail: 'User not found' });
  return user;
}

export interface UserFilters {
  limit: number;
  cursor?: string;
  q?: string;
  roleId?: RoleId;
  teamId?: string;
  active?: boolean;
}

/** The directory of colleagues (for assignment pickers and administration), sorted by name. */
export async function listUsers(deps: ActorDeps, filters: UserFilters) {
  assertPermission(deps.actor, 'users', 'read');
  const conditions: (SQL | undefined)[] = [
    filters.roleId ? eq(users.roleId, filters.roleId) : undefined,
    filters.teamId ? eq(users.teamId, filters.teamId) : undefined,
    filters.active === undefined ? undefined : eq(users.active, filters.active),
    filters.q
      ? or(ilike(users.name, `%${escapeLike(filters.q)}%`), ilike(users.email, `%${escapeLike(filters.q)}%`))
      : undefined,
  ];
  if (filters.cursor) {
    const [name, id] = decodeCursor(filters.cursor, 2);
    conditions.push(sql`(${users.name}, ${users.id}) > (${String(name)}, ${String(id)}::uuid)`);
  }
  const rows = await deps.db
    .select()
    .from(users)
    .where(and(...conditions))
    .orderBy(asc(users.name), asc(users.id))
    .limit(filters.limit + 1);
  const page = pageOf(rows, filters.limit, (row) => [row.name, row.id]);
  return { data: page.data.map(toPublicUser), nextCursor: page.nextCursor };
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export async function getUser(deps: ActorDeps, id: string): Promise<PublicUser> {
  if (id !== deps.actor.userId) assertPermission(deps.actor, 'users', 'read');
  return toPublicUser(await findUser(deps.db, id));
}

async function assertTeamExists(db: Pick<Database, 'select'>, teamId: string | null | undefined) {
  if (!teamId) return;
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!team) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'Unknown team',
      errors: [{ path: 'teamId', message: 'No such team', code: 'unknown_team' }],
    });
  }
}

export interface CreateUserInput {
  email: string;
  name: string;
  roleId: RoleId;
  teamId?: string | null;
  locale?: 'fr' | 'en';
  /** Without a password, a one-time temporary password is generated and returned once. */
  password?: string;
}

export async function createUser(deps: ActorDeps, input: CreateUserInput) {
  assertPermission(deps.actor, 'users', 'create');
  await assertTeamExists(deps.db, input.teamId);
  const temporaryPassword = input.password ? null : generateTemporaryPassword();
  const passwordHash = await hashPassword(input.password ?? temporaryPassword ?? '');
  try {
    const user = await deps.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(users)
        .values({
          email: input.email,
          name: input.name,
          roleId: input.roleId,
          teamId: input.teamId ?? null,
          locale: input.locale ?? 'fr',
          passwordHash,
        })
        .returning();
      if (!created) throw new Error('insert returned no row');
      await recordAudit(tx, {
        actorId: deps.actor.userId,
        action: 'user.created',
        targetType: 'user',
        targetId: created.id,
        changes: diffChanges({}, created, ['email', 'name', 'roleId', 'teamId', 'locale']),
        requestId: deps.meta.requestId,
        ip: deps.meta.ip,
      });
      return created;
    });
    return { user: toPublicUser(user), temporaryPassword };
  } catch (error) {
    if (violatesConstraint(error, 'users_email_lower_key')) {
      throw new AppError('CONFLICT', {
        detail: 'A user with this email already exists',
        errors: [{ path: 'email', message: 'Already in use', code: 'duplicate' }],
      });
    }
    throw error;
  }
}

function generateTemporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export interface UpdateUserInput {
  name?: string;
  roleId?: RoleId;
  teamId?: string | null;
  active?: boolean;
  locale?: 'fr' | 'en';
}

/** Deactivation revokes the user's sessions and API tokens in the same transaction. */
export async function updateUser(deps: ActorDeps, id: string, input: UpdateUserInput): Promise<PublicUser> {
  assertPermission(deps.actor, 'users', 'update');
  const before = await findUser(deps.db, id);
  if (
    id === deps.actor.userId &&
    (input.active === false || (input.roleId && input.roleId !== before.roleId))
  ) {
    throw new AppError('CONFLICT', { detail: 'You cannot deactivate yourself or change your own role' });
  }
  await assertTeamExists(deps.db, input.teamId);
  const updated = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning();
    if (!row) throw new AppError('NOT_FOUND', { detail: 'User not found' });
    if (input.active === false && before.active) {
      await tx
        .update(sessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
      await tx
        .update(apiTokens)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(apiTokens.userId, id), isNull(apiTokens.revokedAt)));
    }
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'user.updated',
      targetType: 'user',
      targetId: id,
      changes: diffChanges(before, row, ['name', 'roleId', 'teamId', 'active', 'locale']),
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
    return row;
  });
  return toPublicUser(updated);
}

/** A user's own preferences: no permission needed beyond being signed in. */
export async function updateProfile(
  deps: ActorDeps,
  input: { name?: string; locale?: 'fr' | 'en'; theme?: 'light' | 'dark' | 'system' },
): Promise<PublicUser> {
  const [row] = await deps.db
    .update(users)
    .set({ ...input, updatedAt: sql`now()` })
    .where(eq(users.id, deps.actor.userId))
    .returning();
  if (!row) throw new AppError('NOT_FOUND', { detail: 'User not found' });
  return toPublicUser(row);
}
