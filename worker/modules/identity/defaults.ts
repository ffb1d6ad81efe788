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
 * Installs roles, the permission catalogue and the default grants: all of them for a role
 * that has no grants yet, and those of newly added permissions for the others.
 * Idempotent; Admins' later edits to existing permissions are kept.
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
    // A permission new to this database (a resource or action added by a release) gets its
    // default grants on every role; permissions that already existed keep the Admins' choices.
    const added = new Set<string>();
    for (const resource of RESOURCES) {
      for (const action of ACTIONS) {
        const inserted = await tx
          .insert(permissions)
          .values({
            resource,
            action,
            description: `${ACTION_DESCRIPTIONS[action]}: ${RESOURCE_DESCRIPTIONS[resource]}`,
          })
          .onConflictDoNothing()
          .returning({ resource: permissions.resource });
        if (inserted.length > 0) added.add(`${resource}:${action}`);
      }
    }
    for (const roleId of ROLE_IDS) {
      const existing = await tx
        .select({ roleId: rolePermissions.roleId })
        .from(rolePermissions)
        .where(eq(rolePermissions.roleId, roleId))
        .limit(1);
      const defaults: readonly string[] = DEFAULT_GRANTS[roleId];
      const wanted = existing.length > 0 ? defaults.filter((permission) => added.has(permission)) : defaults;
      const grants = wanted.map((permission) => {
        const [resource, action] = permission.split(':') as [string, string];
        return { roleId, resource, action };
      });
      if (grants.length > 0) await tx.insert(rolePermissions).values(grants).onConflictDoNothing();
    }
  });
}
