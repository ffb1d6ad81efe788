import { sql } from 'drizzle-orm';
import { sessions, teams, users } from '../../../worker/db/schema';
import { hashPassword } from '../../../worker/modules/identity/password';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import { hashToken, newToken, SESSION_TOKEN_PREFIX } from '../../../worker/modules/identity/tokens';
import { callWorker, testDbHandle } from './helpers';

export const FIXTURE_PASSWORD = 'correct horse battery staple';

export interface FixtureUser {
  id: string;
  email: string;
  roleId: RoleId;
  teamId: string;
  /** A live session token, usable as `Authorization: Bearer`. */
  token: string;
}

export type FixtureUserKey =
  | 'admin'
  | 'manager'
  | 'user'
  | 'teammate'
  | 'viewer'
  | 'otherManager'
  | 'otherUser';

const PEOPLE: Record<FixtureUserKey, { roleId: RoleId; team: 'a' | 'b' }> = {
  admin: { roleId: 'admin', team: 'a' },
  manager: { roleId: 'manager', team: 'a' },
  user: { roleId: 'user', team: 'a' },
  teammate: { roleId: 'user', team: 'a' },
  viewer: { roleId: 'viewer', team: 'a' },
  otherManager: { roleId: 'manager', team: 'b' },
  otherUser: { roleId: 'user', team: 'b' },
};

export interface IdentityFixture {
  databaseUrl: string;
  teams: { a: string; b: string };
  users: Record<FixtureUserKey, FixtureUser>;
  /** Calls the worker as one of the fixture users (bearer session token). */
  as(who: FixtureUserKey | null, path: string, init?: RequestInit): Promise<Response>;
  /** A fresh session for a user (for tests that revoke or log out). */
  newSession(who: FixtureUserKey): Promise<string>;
}

/**
 * Two teams and one user per role (plus a teammate and a second team), with
 * sessions, in the given database. Passwords use a low PBKDF2 cost to keep
 * set-up fast; logins rehash them to the production cost.
 */
export async function createIdentityFixture(databaseUrl: string): Promise<IdentityFixture> {
  const handle = testDbHandle(databaseUrl);
  const suffix = crypto.randomUUID().slice(0, 8);
  try {
    const passwordHash = await hashPassword(FIXTURE_PASSWORD, 1_000);
    const [teamA, teamB] = await handle.db
      .insert(teams)
      .values([{ name: `Team A ${suffix}` }, { name: `Team B ${suffix}` }])
      .returning({ id: teams.id });
    if (!teamA || !teamB) throw new Error('teams not created');
    const created = {} as Record<FixtureUserKey, FixtureUser>;
    for (const [key, person] of Object.entries(PEOPLE) as [
      FixtureUserKey,
      (typeof PEOPLE)[FixtureUserKey],
    ][]) {
      const teamId = person.team === 'a' ? teamA.id : teamB.id;
      const email = `${key.toLowerCase()}-${suffix}@fixture.test`;
      const [row] = await handle.db
        .insert(users)
        .values({ email, name: `${key} ${suffix}`, roleId: person.roleId, teamId, passwordHash })
        .returning({ id: users.id });
      if (!row) throw new Error(`user ${key} not created`);
      created[key] = { id: row.id, email, roleId: person.roleId, teamId, token: '' };
    }
    const newSession = async (who: FixtureUserKey) => {
      const token = newToken(SESSION_TOKEN_PREFIX);
      const session = testDbHandle(databaseUrl);
      try {
        await session.db.insert(sessions).values({
          tokenHash: await hashToken(token),
          userId: created[who].id,
          expiresAt: sql`now() + interval '1 day'`,
        });
      } finally {
        await session.close();
      }
      return token;
    };
    for (const key of Object.keys(created) as FixtureUserKey[]) created[key].token = await newSession(key);
    return {
      databaseUrl,
      teams: { a: teamA.id, b: teamB.id },
      users: created,
      newSession,
      as(who, path, init = {}) {
        const headers = new Headers(init.headers);
        if (who) headers.set('Authorization', `Bearer ${created[who].token}`);
        return callWorker(path, { ...init, headers }, { DATABASE_URL: databaseUrl });
      },
    };
  } finally {
    await handle.close();
  }
}

export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
