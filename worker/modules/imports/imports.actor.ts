import { sql } from 'drizzle-orm';
import type { Tx } from '../../lib/records';
import type { Actor } from '../identity/actor';
import { isPermission, isRoleId, type Permission, ROLES } from '../identity/permissions';

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  role_id: string;
  team_id: string | null;
  locale: string;
  theme: string;
  permissions: string[];
}

/**
 * The owner of an import as an actor, with their current role, team and
 * permissions, optionally narrowed to what they held when they committed
 * (an API token's scopes, or a role since downgraded): the import never does
 * more than its committer could, then or now. Null for an inactive user.
 */
export async function loadImportActor(
  db: Tx,
  userId: string,
  granted?: readonly string[] | null,
): Promise<Actor | null> {
  const result = await db.execute<UserRow>(sql`
    select u.id, u.email, u.name, u.role_id, u.team_id, u.locale, u.theme,
           array(select rp.resource || ':' || rp.action from role_permissions rp where rp.role_id = u.role_id)
             as permissions
    from users u
    where u.id = ${userId} and u.active`);
  const row = result.rows[0];
  if (!row || !isRoleId(row.role_id)) return null;
  const snapshot = granted ? new Set(granted) : null;
  const permissions = row.permissions.filter(
    (permission): permission is Permission =>
      isPermission(permission) && (!snapshot || snapshot.has(permission)),
  );
  return {
    userId: row.id,
    email: row.email,
    name: row.name,
    roleId: row.role_id,
    level: ROLES[row.role_id].level,
    teamId: row.team_id,
    locale: row.locale,
    theme: row.theme,
    permissions: new Set(permissions),
    // Background work acts like a token, never like an interactive session.
    via: 'api-token',
  };
}
