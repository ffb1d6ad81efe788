import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { rolePermissions, roles } from '../../db/schema';
import { AppError } from '../../lib/errors';
import type { ActorDeps } from '../../lib/service-context';
import { recordAudit } from '../audit/audit.service';
import { assertPermission } from './actor';
import { type Permission, ROLE_IDS, ROLES, type RoleId } from './permissions';

export interface RoleWithPermissions {
  id: RoleId;
  name: string;
  level: number;
  description: string;
  scope: 'own' | 'team' | 'all';
  permissions: Permission[];
}

async function loadRoles(db: Database): Promise<RoleWithPermissions[]> {
  const [roleRows, grantRows] = await Promise.all([
    db.select().from(roles).orderBy(asc(roles.level)),
    db.select().from(rolePermissions),
  ]);
  return roleRows
    .filter((row): row is typeof row & { id: RoleId } => (ROLE_IDS as readonly string[]).includes(row.id))
    .map((row) => ({
      id: row.id,
      name: row.name,
      level: row.level,
      description: row.description,
      scope: ROLES[row.id].scope,
      permissions: grantRows
        .filter((grant) => grant.roleId === row.id)
        .map((grant) => `${grant.resource}:${grant.action}` as Permission)
        .sort(),
    }));
}

export async function listRoles(deps: ActorDeps): Promise<RoleWithPermissions[]> {
  assertPermission(deps.actor, 'roles', 'read');
  return loadRoles(deps.db);
}

export async function getRole(deps: ActorDeps, id: string): Promise<RoleWithPermissions> {
  assertPermission(deps.actor, 'roles', 'read');
  const role = (await loadRoles(deps.db)).find((candidate) => candidate.id === id);
  if (!role) throw new AppError('NOT_FOUND', { detail: 'Role not found' });
  return role;
}

/** Permissions the Admin role keeps whatever is submitted, so nobody can lock administration out. */
export const ADMIN_LOCKOUT_GUARD: Permission[] = ['roles:read', 'roles:manage', 'users:read', 'users:update'];

export async function replaceRolePermissions(
  deps: ActorDeps,
  id: string,
  next: Permission[],
): Promise<RoleWithPermissions> {
  assertPermission(deps.actor, 'roles', 'manage');
  const before = await getRole(deps, id);
  const wanted = [...new Set(next)].sort();
  if (id === 'admin') {
    const missing = ADMIN_LOCKOUT_GUARD.filter((permission) => !wanted.includes(permission));
    if (missing.length > 0) {
      throw new AppError('CONFLICT', { detail: `The Admin role must keep ${missing.join(', ')}` });
    }
  }
  await deps.db.transaction(async (tx) => {
    await tx.delete(rolePermissions).where(eq(rolePermissions.roleId, id));
    if (wanted.length > 0) {
      await tx.insert(rolePermissions).values(
        wanted.map((permission) => {
          const [resource, action] = permission.split(':') as [string, string];
          return { roleId: id, resource, action };
        }),
      );
    }
    await recordAudit(tx, {
      actorId: deps.actor.userId,
      action: 'role.permissions_replaced',
      targetType: 'role',
      targetId: id,
      changes: {
        granted: {
          before: null,
          after: wanted.filter((permission) => !before.permissions.includes(permission)),
        },
        revoked: {
          before: before.permissions.filter((permission) => !wanted.includes(permission)),
          after: null,
        },
      },
      requestId: deps.meta.requestId,
      ip: deps.meta.ip,
    });
  });
  return getRole(deps, id);
}
