import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { permissions, rolePermissions, roles } from '../../db/schema';
import {
  ACTION_DESCRIPTIONS,
  ACTIONS,
  DEFAULT_GRANTS,
  RESOURCE_DESCRIPTIONS,
  RESOURCES,
  ROLE_IDS,
  ROLES,
} from './permissions';

/**
 * Installs roles, the permission catalogue and, for roles that have no grants
 * yet, the default grants. Idempotent; Admins' later edits are kept.
 */
export async function installIdentityDefaults(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const role of Object.values(ROLES)) {
      await tx
        .insert(roles)
        .values({ id: role.id, name: role.name, level: role.level, description: role.description })
        .onConflictDoUpdate({
          target: roles.id,
          set: { name: role.name, level: role.level, description: role.description },
        });
    }
    for (const resource of RESOURCES) {
      for (const action of ACTIONS) {
        await tx
          .insert(permissions)
          .values({
            resource,
            action,
            description: `${ACTION_DESCRIPTIONS[action]}: ${RESOURCE_DESCRIPTIONS[resource]}`,
          })
          .onConflictDoNothing();
      }
    }
    for (const roleId of ROLE_IDS) {
      const existing = await tx
        .select({ roleId: rolePermissions.roleId })
        .from(rolePermissions)
        .where(eq(rolePermissions.roleId, roleId))
        .limit(1);
      if (existing.length > 0) continue;
      const grants = DEFAULT_GRANTS[roleId].map((permission) => {
        const [resource, action] = permission.split(':') as [string, string];
        return { roleId, resource, action };
      });
      if (grants.length > 0) await tx.insert(rolePermissions).values(grants);
    }
  });
}
