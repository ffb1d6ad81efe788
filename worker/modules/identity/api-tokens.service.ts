import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { apiTokens } from '../../db/schema';
import { AppError } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
import { recordAudit } from '../audit/audit.service';
import type { Permission } from './permissions';
import { API_TOKEN_PREFIX, hashToken, newToken } from './tokens';

export interface PublicApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

function toPublicToken(row: typeof apiTokens.$inferSelect): PublicApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Tokens are personal: a caller sees and revokes only their own. */
export async function listApiTokens(deps: ActorDeps): Promise<PublicApiToken[]> {
  const rows = await deps.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, deps.actor.userId))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toPublicToken);
}

/**
 * Creates a token limited to the given scopes, which must be among the
 * caller's own permissions; the secret is returned once and stored hashed.
 * Only a session can mint tokens, so a leaked token cannot breed more.
 */
export async function createApiToken(
  deps: ActorDeps,
  input: { name: string; scopes?: Permission[]; expiresInDays?: number | null },
): Promise<{ token: string; apiToken: PublicApiToken }> {
  if (deps.actor.via !== 'session') {
    throw new AppError('FORBIDDEN', { detail: 'API tokens can only be created from a signed-in session' });
  }
  const scopes = input.scopes ?? [...deps.actor.permissions];
  const beyond = scopes.filter((scope) => !deps.actor.permissions.has(scope));
  if (beyond.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      detail: 'A token cannot exceed your own permissions',
      errors: beyond.map((scope) => ({
        path: 'scopes',
        message: `You do not have ${scope}`,
        code: 'beyond_permissions',
      })),
    });
  }
  const token = newToken(API_TOKEN_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  const row = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        userId: deps.actor.userId,
        name: input.name,
        tokenHash: await hashToken(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        scopes: [...new Set(scopes)].sort(),
        expiresAt,
      })
      .returning();
    if (!created) throw new Error('insert returned no row');
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: created.id,
      changes: {
        name: { before: null, after: created.name },
        scopes: { before: null, after: created.scopes },
      },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
    return created;
  });
  return { token, apiToken: toPublicToken(row) };
}

export async function revokeApiToken(deps: ActorDeps, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, deps.actor.userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!row) throw new AppError('NOT_FOUND', { detail: 'API token not found' });
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: id,
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
}
