import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiTokens, sessions, users } from '../../db/schema';
import { AppError } from '../../lib/errors';
import type { RequestMeta, ServiceDeps } from '../../lib/service-context';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from './actor';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password';
import { isPermission, isRoleId, type Permission, ROLES, type RoleId } from './permissions';
import { hashToken, newToken, SESSION_TOKEN_PREFIX, tokenKind } from './tokens';

export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** Refresh `last_seen_at` at most this often, so reads do not each cost a write. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  roleId: RoleId;
  teamId: string | null;
  locale: string;
  theme: string;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export function toPublicUser(row: typeof users.$inferSelect): PublicUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roleId: row.roleId,
    teamId: row.teamId,
    locale: row.locale,
    theme: row.theme,
    active: row.active,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const INVALID_CREDENTIALS = 'Email or password is incorrect';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: PublicUser;
}

/**
 * Verifies credentials and opens a new session. Unknown emails, inactive
 * accounts and wrong passwords get the same error after the same work, so
 * nothing tells which emails exist. A session presented at login is revoked
 * (no session fixation).
 */
export async function login(
  deps: Pick<ServiceDeps, 'db' | 'meta'>,
  input: { email: string; password: string; previousToken?: string | null },
): Promise<LoginResult> {
  const { db, meta } = deps;
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.trim().toLowerCase()))
    .limit(1);
  const verification = await verifyPassword(
    input.password,
    user?.passwordHash ?? (await decoyPasswordHash()),
  );
  if (!user?.active || !verification.valid) {
    throw new AppError('UNAUTHENTICATED', { detail: INVALID_CREDENTIALS });
  }

  const token = newToken(SESSION_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const rehashed = verification.needsRehash ? await hashPassword(input.password) : null;
  const previousHash = input.previousToken ? await hashToken(input.previousToken) : null;
  await db.transaction(async (tx) => {
    if (previousHash) {
      await tx.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.tokenHash, previousHash));
    }
    await tx.insert(sessions).values({
      tokenHash: await hashToken(token),
      userId: user.id,
      expiresAt,
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await tx
      .update(users)
      .set({ lastLoginAt: sql`now()`, ...(rehashed ? { passwordHash: rehashed } : {}) })
      .where(eq(users.id, user.id));
    await recordAudit(tx, {
      actorId: user.id,
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
  return { token, expiresAt, user: toPublicUser({ ...user, lastLoginAt: new Date() }) };
}

interface ActorRow extends Record<string, unknown> {
  user_id: string;
  email: string;
  name: string;
  role_id: string;
  team_id: string | null;
  locale: string;
  theme: string;
  credential_id: string;
  last_seen_at: Date | string | null;
  scopes: string[] | null;
  permissions: string[];
}

function actorFromRow(row: ActorRow, via: Actor['via']): Actor {
  if (!isRoleId(row.role_id)) throw new Error(`unknown role ${row.role_id}`);
  let granted = row.permissions.filter(isPermission);
  // An API token never exceeds its owner's current permissions.
  if (row.scopes) {
    const scopes = new Set(row.scopes);
    granted = granted.filter((permission) => scopes.has(permission));
  }
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    roleId: row.role_id,
    level: ROLES[row.role_id].level,
    teamId: row.team_id,
    locale: row.locale,
    theme: row.theme,
    permissions: new Set<Permission>(granted),
    via,
    ...(via === 'session' ? { sessionId: row.credential_id } : { tokenId: row.credential_id }),
  };
}

/**
 * Resolves a session or API token to an actor in one round trip, or `null`
 * when it is unknown, expired, revoked or its user is inactive.
 */
export async function authenticate(
  db: Database,
  token: string,
  background: (work: Promise<unknown>) => void,
): Promise<Actor | null> {
  const kind = tokenKind(token);
  if (!kind) return null;
  const tokenHash = await hashToken(token);
  const credential =
    kind === 'session'
      ? sql`select s.id as credential_id, s.last_seen_at, null::text[] as scopes, s.user_id
            from ${sessions} s
            where s.token_hash = ${tokenHash} and s.revoked_at is null and s.expires_at > now()`
      : sql`select t.id as credential_id, t.last_used_at as last_seen_at, t.scopes, t.user_id
            from ${apiTokens} t
            where t.token_hash = ${tokenHash} and t.revoked_at is null
              and (t.expires_at is null or t.expires_at > now())`;
  const result = await db.execute<ActorRow>(sql`
    with credential as (${credential})
    select c.credential_id, c.last_seen_at, c.scopes, u.id as user_id, u.email, u.name, u.role_id, u.team_id,
           u.locale, u.theme,
           array(select rp.resource || ':' || rp.action from role_permissions rp where rp.role_id = u.role_id)
             as permissions
    from credential c join ${users} u on u.id = c.user_id
    where u.active`);
  const row = result.rows[0];
  if (!row) return null;
  const lastSeen = row.last_seen_at ? new Date(row.last_seen_at).getTime() : 0;
  if (Date.now() - lastSeen > LAST_SEEN_RESOLUTION_MS) {
    background(
      kind === 'session'
        ? db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.id, row.credential_id))
        : db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.credential_id)),
    );
  }
  return actorFromRow(row, kind === 'session' ? 'session' : 'api-token');
}

export async function logout(deps: { db: Database; meta: RequestMeta }, actor: Actor): Promise<void> {
  if (!actor.sessionId) {
    throw new AppError('BAD_REQUEST', {
      detail: 'API tokens are revoked through /api/v1/api-tokens, not logout',
    });
  }
  const sessionId = actor.sessionId;
  await deps.db.transaction(async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    await recordAudit(tx, {
      actorId: actor.userId,
      action: 'auth.logout',
      targetType: 'user',
      targetId: actor.userId,
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
}

/** Changes the password and revokes every other session and nothing else (API tokens stay). */
export async function changePassword(
  deps: { db: Database; meta: RequestMeta },
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const [user] = await deps.db.select().from(users).where(eq(users.id, actor.userId));
  if (!user) throw new AppError('NOT_FOUND', { detail: 'User not found' });
  const verification = await verifyPassword(input.currentPassword, user.passwordHash);
  if (!verification.valid) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'The current password is incorrect',
      errors: [{ path: 'currentPassword', message: 'Incorrect password', code: 'invalid_password' }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(users.id, user.id));
    const others = actor.sessionId
      ? and(
          eq(sessions.userId, user.id),
          isNull(sessions.revokedAt),
          sql`${sessions.id} <> ${actor.sessionId}`,
        )
      : and(eq(sessions.userId, user.id), isNull(sessions.revokedAt));
    await tx.update(sessions).set({ revokedAt: sql`now()` }).where(others);
    await recordAudit(tx, {
      actorId: actor.userId,
      action: 'auth.password_changed',
      targetType: 'user',
      targetId: user.id,
      changes: { password: { before: '[redacted]', after: '[redacted]' } },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
}

export async function activeSessionCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)));
  return row?.count ?? 0;
}
