import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { teams, users } from '../../db/schema';
import { hashPassword } from './password';
import type { RoleId } from './permissions';

export const DEFAULT_DEMO_PASSWORD = 'alforis-demo';

export const DEMO_TEAMS = ['Paris — Institutionnels', 'Lyon — Distribution'] as const;

export const DEMO_USERS: { email: string; name: string; roleId: RoleId; team: 0 | 1 }[] = [
  { email: 'admin@alforis.test', name: 'Camille Admin', roleId: 'admin', team: 0 },
  { email: 'manager@alforis.test', name: 'Hélène Manager', roleId: 'manager', team: 0 },
  { email: 'user@alforis.test', name: 'Julien Utilisateur', roleId: 'user', team: 0 },
  { email: 'viewer@alforis.test', name: 'Sophie Lecteur', roleId: 'viewer', team: 0 },
  { email: 'manager.lyon@alforis.test', name: 'Antoine Responsable', roleId: 'manager', team: 1 },
  { email: 'user.lyon@alforis.test', name: 'Claire Commerciale', roleId: 'user', team: 1 },
];

/**
 * Demo logins for local development: one per role, across two teams.
 * Refused in production, where accounts are created by Admins.
 */
export async function seedDemoIdentities(
  db: Database,
  options: { environment: string; password?: string },
): Promise<{ created: number }> {
  if (options.environment === 'production') {
    throw new Error('Refusing to create demo users in production');
  }
  const passwordHash = await hashPassword(options.password ?? DEFAULT_DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const teamIds: string[] = [];
    for (const name of DEMO_TEAMS) {
      const [row] = await tx
        .insert(teams)
        .values({ name })
        .onConflictDoUpdate({ target: teams.name, set: { name } })
        .returning({ id: teams.id });
      if (!row) throw new Error(`team ${name} not created`);
      teamIds.push(row.id);
    }
    let created = 0;
    for (const user of DEMO_USERS) {
      const inserted = await tx
        .insert(users)
        .values({
          email: user.email,
          name: user.name,
          roleId: user.roleId,
          teamId: teamIds[user.team] ?? null,
          passwordHash,
        })
        .onConflictDoNothing()
        .returning({ id: users.id });
      created += inserted.length;
    }
    for (const [index, teamId] of teamIds.entries()) {
      const manager = DEMO_USERS.find((user) => user.team === index && user.roleId === 'manager');
      if (!manager) continue;
      await tx
        .update(teams)
        .set({ managerId: sql`(select id from ${users} where lower(email) = ${manager.email})` })
        .where(eq(teams.id, teamId));
    }
    return { created };
  });
}
