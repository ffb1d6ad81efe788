import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditLog, sessions, users } from '../../worker/db/schema';
import type { Actor } from '../../worker/modules/identity/actor';
import { installIdentityDefaults } from '../../worker/modules/identity/defaults';
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from '../../worker/modules/identity/password';
import { DEFAULT_GRANTS, ROLES } from '../../worker/modules/identity/permissions';
import { canSeeRecord } from '../../worker/modules/identity/scope';
import { callWorker, createTestDatabase, problemOf, testDbHandle } from './support/helpers';
import {
  createIdentityFixture,
  FIXTURE_PASSWORD,
  type IdentityFixture,
  jsonBody,
} from './support/identity-fixture';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fx: IdentityFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createIdentityFixture(database.url);
});
afterAll(async () => {
  await database.drop();
});

/** Each call from its own address, so the per-IP login limit only bites where a test wants it to. */
const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  callWorker(
    '/api/v1/auth/login',
    {
      ...jsonBody('POST', { email, password }),
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': randomIp(), ...headers },
    },
    { DATABASE_URL: database.url },
  );

const me = (token: string) =>
  callWorker(
    '/api/v1/auth/me',
    { headers: { Authorization: `Bearer ${token}` } },
    { DATABASE_URL: database.url },
  );

describe('passwords', () => {
  it('hashes with PBKDF2-SHA256 at the Workers cap and verifies in constant time', async () => {
    const stored = await hashPassword('s3cret-passphrase');
    expect(stored).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
    expect(await verifyPassword('s3cret-passphrase', stored)).toEqual({ valid: true, needsRehash: false });
    expect((await verifyPassword('wrong', stored)).valid).toBe(false);
    expect(await verifyPassword('s3cret-passphrase', await hashPassword('s3cret-passphrase', 1_000))).toEqual(
      {
        valid: true,
        needsRehash: true,
      },
    );
  });
});

describe('login', () => {
  it('returns a token and an HttpOnly SameSite=Lax cookie; both authenticate', async () => {
    const response = await login(fx.users.user.email.toUpperCase(), FIXTURE_PASSWORD);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; user: { id: string; email: string } };
    expect(body.user).toMatchObject({ id: fx.users.user.id, email: fx.users.user.email });
    expect(body.token).toMatch(/^als_/);
    const cookie = response.headers.get('Set-Cookie') ?? '';
    expect(cookie).toMatch(/^alforis_session=als_[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);

    const viaBearer = await me(body.token);
    expect(viaBearer.status).toBe(200);
    expect(await viaBearer.json()).toMatchObject({ id: fx.users.user.id, via: 'session', scope: 'own' });
    const viaCookie = await callWorker(
      '/api/v1/auth/me',
      { headers: { Cookie: cookie.split(';')[0] ?? '' } },
      { DATABASE_URL: database.url },
    );
    expect(viaCookie.status).toBe(200);
  });

  it('rehashes a weaker stored hash at the production cost', async () => {
    await login(fx.users.teammate.email, FIXTURE_PASSWORD);
    const handle = testDbHandle(database.url);
    try {
      const [row] = await handle.db.select().from(users).where(eq(users.id, fx.users.teammate.id));
      expect(row?.passwordHash).toMatch(new RegExp(`^pbkdf2-sha256\\$${PBKDF2_ITERATIONS}\\$`));
      expect(row?.lastLoginAt).toBeInstanceOf(Date);
    } finally {
      await handle.close();
    }
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await login(`nobody-${crypto.randomUUID()}@fixture.test`, FIXTURE_PASSWORD);
    const wrong = await login(fx.users.viewer.email, 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = ({ requestId: _requestId, ...rest }: Awaited<ReturnType<typeof problemOf>>) => rest;
    expect(strip(await problemOf(unknown))).toEqual(strip(await problemOf(wrong)));
    expect(unknown.headers.get('Set-Cookie')).toBeNull();
  });

  it('rotates the session at login: the session presented before is revoked', async () => {
    const before = await fx.newSession('manager');
    const response = await login(fx.users.manager.email, FIXTURE_PASSWORD, {
      Cookie: `alforis_session=${before}`,
    });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    expect(token).not.toBe(before);
    expect((await me(before)).status).toBe(401);
    expect((await me(token)).status).toBe(200);
  });

  it('validates input with field errors', async () => {
    const response = await callWorker('/api/v1/auth/login', jsonBody('POST', { email: 'not-an-email' }), {
      DATABASE_URL: database.url,
    });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors?.map((error) => error.path).sort()).toEqual([
      'email',
      'password',
    ]);
  });

  it.skipIf(!inject('REDIS_AVAILABLE'))(
    'rate-limits repeated attempts on one account with Retry-After',
    async () => {
      const email = `target-${crypto.randomUUID()}@fixture.test`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) statuses.push((await login(email, 'guess')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const limited = await login(email, 'guess');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect((await problemOf(limited)).code).toBe('RATE_LIMITED');
    },
  );
});

describe('sessions and tokens', () => {
  it('401 problem for anonymous, malformed, unknown, expired and revoked credentials', async () => {
    const expired = await fx.newSession('viewer');
    const revoked = await fx.newSession('viewer');
    const handle = testDbHandle(database.url);
    try {
      await handle.db.execute(sql`update ${sessions} set expires_at = now() - interval '1 minute'
        where token_hash = encode(sha256(${expired}::bytea), 'hex')`);
      await handle.db.execute(sql`update ${sessions} set revoked_at = now()
        where token_hash = encode(sha256(${revoked}::bytea), 'hex')`);
    } finally {
      await handle.close();
    }
    const attempts: Record<string, HeadersInit> = {
      anonymous: {},
      malformedHeader: { Authorization: 'Token abc' },
      unknownToken: { Authorization: `Bearer als_${'x'.repeat(43)}` },
      garbage: { Authorization: 'Bearer not-a-token' },
      expired: { Authorization: `Bearer ${expired}` },
      revoked: { Authorization: `Bearer ${revoked}` },
    };
    for (const [name, headers] of Object.entries(attempts)) {
      const response = await callWorker('/api/v1/auth/me', { headers }, { DATABASE_URL: database.url });
      expect(response.status, name).toBe(401);
      expect((await problemOf(response)).code, name).toBe('UNAUTHENTICATED');
    }
  });

  it('logout revokes the session and clears the cookie', async () => {
    const token = await fx.newSession('user');
    const response = await callWorker(
      '/api/v1/auth/logout',
      { method: 'POST', headers: { Authorization: `Bearer ${token}` } },
      { DATABASE_URL: database.url },
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('Set-Cookie')).toMatch(/^alforis_session=; Path=\/; Max-Age=0/);
    expect((await me(token)).status).toBe(401);
  });

  it('a password change revokes the other sessions, keeps this one, and is audited', async () => {
    const current = await fx.newSession('otherUser');
    const other = await fx.newSession('otherUser');
    const change = (body: unknown) =>
      callWorker(
        '/api/v1/auth/password',
        {
          ...jsonBody('POST', body),
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${current}` },
        },
        { DATABASE_URL: database.url },
      );
    const wrong = await change({ currentPassword: 'nope', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(422);
    expect((await problemOf(wrong)).errors?.[0]?.path).toBe('currentPassword');
    expect(
      (await change({ currentPassword: FIXTURE_PASSWORD, newPassword: 'a brand new passphrase' })).status,
    ).toBe(204);
    expect((await me(current)).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    expect((await login(fx.users.otherUser.email, FIXTURE_PASSWORD)).status).toBe(401);
    expect((await login(fx.users.otherUser.email, 'a brand new passphrase')).status).toBe(200);

    const handle = testDbHandle(database.url);
    try {
      const rows = await handle.db
        .select()
        .from(auditLog)
        .where(eq(auditLog.targetId, fx.users.otherUser.id));
      const changed = rows.find((row) => row.action === 'auth.password_changed');
      expect(changed?.changes).toEqual({ password: { before: '[redacted]', after: '[redacted]' } });
      expect(JSON.stringify(rows)).not.toContain('brand new');
    } finally {
      await handle.close();
    }
  });

  it('personal API tokens: shown once, limited to their scopes, never minting more, revocable', async () => {
    const created = await fx.as(
      'manager',
      '/api/v1/api-tokens',
      jsonBody('POST', { name: 'Reporting script', scopes: ['organisations:read', 'users:read'] }),
    );
    expect(created.status).toBe(201);
    const { token, apiToken } = (await created.json()) as {
      token: string;
      apiToken: { id: string; prefix: string };
    };
    expect(token).toMatch(/^alt_/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);

    const list = await fx.as('manager', '/api/v1/api-tokens');
    expect(JSON.stringify(await list.json())).not.toContain(token);

    const bearer = (path: string, init: RequestInit = {}) =>
      callWorker(
        path,
        {
          ...init,
          headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
        },
        { DATABASE_URL: database.url },
      );
    expect((await bearer('/api/v1/users')).status).toBe(200);
    expect((await bearer('/api/v1/teams')).status).toBe(403); // teams:read is not in the token's scopes
    const meViaToken = (await (await bearer('/api/v1/auth/me')).json()) as {
      permissions: string[];
      via: string;
    };
    expect(meViaToken).toMatchObject({ via: 'api-token', permissions: ['organisations:read', 'users:read'] });
    const minted = await bearer('/api/v1/api-tokens', jsonBody('POST', { name: 'child' }));
    expect(minted.status).toBe(403);

    const beyond = await fx.as(
      'viewer',
      '/api/v1/api-tokens',
      jsonBody('POST', { name: 'x', scopes: ['users:update'] }),
    );
    expect(beyond.status).toBe(422);

    expect((await fx.as('teammate', `/api/v1/api-tokens/${apiToken.id}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect((await fx.as('manager', `/api/v1/api-tokens/${apiToken.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await bearer('/api/v1/users')).status).toBe(401);
  });

  it('refuses cookie-authenticated writes from another origin (CSRF) but not from our own', async () => {
    const token = await fx.newSession('viewer');
    const write = (origin: string) =>
      callWorker(
        '/api/v1/users/me',
        {
          ...jsonBody('PATCH', { locale: 'en' }),
          headers: { 'Content-Type': 'application/json', Cookie: `alforis_session=${token}`, Origin: origin },
        },
        { DATABASE_URL: database.url },
      );
    expect((await write('https://evil.example')).status).toBe(403);
    expect((await write('http://crm.test')).status).toBe(200);
    const withFetchSite = (site: string, origin: string) =>
      callWorker(
        '/api/v1/users/me',
        {
          ...jsonBody('PATCH', { locale: 'fr' }),
          headers: {
            'Content-Type': 'application/json',
            Cookie: `alforis_session=${token}`,
            'Sec-Fetch-Site': site,
            Origin: origin,
          },
        },
        { DATABASE_URL: database.url },
      );
    expect((await withFetchSite('cross-site', 'https://evil.example')).status).toBe(403);
    expect((await withFetchSite('same-site', 'https://sub.crm.test')).status).toBe(403);
    // A same-origin form post under Referrer-Policy: no-referrer carries Origin: null.
    expect((await withFetchSite('same-origin', 'null')).status).toBe(200);
  });
});

describe('administration', () => {
  it("a role's permission change applies on the next request; the Admin role cannot be locked out", async () => {
    const viewerRole = (await (await fx.as('admin', '/api/v1/roles/viewer')).json()) as {
      permissions: string[];
    };
    expect((await fx.as('viewer', '/api/v1/users')).status).toBe(200);
    const without = viewerRole.permissions.filter((permission) => permission !== 'users:read');
    const replaced = await fx.as(
      'admin',
      '/api/v1/roles/viewer/permissions',
      jsonBody('PUT', { permissions: without }),
    );
    expect(replaced.status).toBe(200);
    expect((await fx.as('viewer', '/api/v1/users')).status).toBe(403);
    await fx.as(
      'admin',
      '/api/v1/roles/viewer/permissions',
      jsonBody('PUT', { permissions: viewerRole.permissions }),
    );
    expect((await fx.as('viewer', '/api/v1/users')).status).toBe(200);

    const lockout = await fx.as(
      'admin',
      '/api/v1/roles/admin/permissions',
      jsonBody('PUT', { permissions: ['organisations:read'] }),
    );
    expect(lockout.status).toBe(409);
    const unknown = await fx.as(
      'admin',
      '/api/v1/roles/viewer/permissions',
      jsonBody('PUT', { permissions: ['spaceships:fly'] }),
    );
    expect(unknown.status).toBe(422);
  });

  it('creates users (temporary password once), refuses duplicates, and deactivation revokes access', async () => {
    const email = `new-${crypto.randomUUID()}@fixture.test`;
    const created = await fx.as(
      'admin',
      '/api/v1/users',
      jsonBody('POST', { email, name: 'Nouvelle Recrue', roleId: 'user', teamId: fx.teams.b }),
    );
    expect(created.status).toBe(201);
    const body = (await created.json()) as { user: { id: string }; temporaryPassword: string };
    expect(body.temporaryPassword).toHaveLength(16);
    const duplicate = await fx.as(
      'admin',
      '/api/v1/users',
      jsonBody('POST', { email: email.toUpperCase(), name: 'Twin', roleId: 'user' }),
    );
    expect(duplicate.status).toBe(409);

    const session = ((await (await login(email, body.temporaryPassword)).json()) as { token: string }).token;
    expect((await me(session)).status).toBe(200);
    const deactivated = await fx.as(
      'admin',
      `/api/v1/users/${body.user.id}`,
      jsonBody('PATCH', { active: false }),
    );
    expect(deactivated.status).toBe(200);
    expect((await me(session)).status).toBe(401);
    expect((await login(email, body.temporaryPassword)).status).toBe(401);

    const self = await fx.as(
      'admin',
      `/api/v1/users/${fx.users.admin.id}`,
      jsonBody('PATCH', { roleId: 'viewer' }),
    );
    expect(self.status).toBe(409);

    const handle = testDbHandle(database.url);
    try {
      const rows = await handle.db.select().from(auditLog).where(eq(auditLog.targetId, body.user.id));
      expect(rows.map((row) => row.action).sort()).toEqual(['auth.login', 'user.created', 'user.updated']);
      const update = rows.find((row) => row.action === 'user.updated');
      expect(update?.changes).toEqual({ active: { before: true, after: false } });
      expect(update?.actorId).toBe(fx.users.admin.id);
      expect(update?.requestId).toBeTruthy();
    } finally {
      await handle.close();
    }
  });

  it('teams: duplicate names conflict, non-empty teams cannot be deleted', async () => {
    const created = await fx.as(
      'admin',
      '/api/v1/teams',
      jsonBody('POST', { name: 'Bordeaux', managerId: fx.users.manager.id }),
    );
    expect(created.status).toBe(201);
    const team = (await created.json()) as { id: string; memberCount: number };
    expect(team.memberCount).toBe(0);
    expect((await fx.as('admin', '/api/v1/teams', jsonBody('POST', { name: 'Bordeaux' }))).status).toBe(409);
    expect((await fx.as('admin', `/api/v1/teams/${fx.teams.b}`, { method: 'DELETE' })).status).toBe(409);
    expect((await fx.as('admin', `/api/v1/teams/${team.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fx.as('admin', `/api/v1/teams/${team.id}`)).status).toBe(404);
  });
});

describe('record scope', () => {
  const actor = (roleId: keyof typeof ROLES, teamId: string | null): Actor => ({
    userId: 'me',
    email: 'me@x',
    name: 'Me',
    roleId,
    level: ROLES[roleId].level,
    teamId,
    locale: 'fr',
    theme: 'system',
    permissions: new Set(),
    via: 'session',
  });
  const mine = { ownerId: 'me', teamId: 'team-a' };
  const teammates = { ownerId: 'someone', teamId: 'team-a' };
  const others = { ownerId: 'stranger', teamId: 'team-b' };

  it.each([
    ['admin', [true, true, true]],
    ['manager', [true, true, false]],
    ['viewer', [true, true, false]],
    ['user', [true, false, false]],
  ] as const)('%s sees own / team / other-team records: %j', (roleId, expected) => {
    const who = actor(roleId, 'team-a');
    expect([mine, teammates, others].map((record) => canSeeRecord(who, record))).toEqual(expected);
  });

  it('a manager without a team sees only their own records', () => {
    const who = actor('manager', null);
    expect([mine, teammates, others].map((record) => canSeeRecord(who, record))).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('default grants on upgrade', () => {
  it('a permission new to the database gets its default grants; Admins’ edits to old ones stay', async () => {
    const handle = testDbHandle(database.url);
    try {
      // An Admin revoked a default grant; a release then adds emails:read (simulated by deleting it).
      await handle.db.execute(
        sql`delete from role_permissions where role_id = 'user' and resource = 'people' and action = 'create'`,
      );
      await handle.db.execute(sql`delete from permissions where resource = 'emails' and action = 'read'`);
      await installIdentityDefaults(handle.db);
      const grants = await handle.db.execute<{ role_id: string; resource: string; action: string }>(
        sql`select role_id, resource, action from role_permissions
            where (resource = 'emails' and action = 'read') or (role_id = 'user' and resource = 'people' and action = 'create')
            order by role_id`,
      );
      const expectedEmailRoles = (Object.keys(DEFAULT_GRANTS) as (keyof typeof DEFAULT_GRANTS)[])
        .filter((role) => DEFAULT_GRANTS[role].includes('emails:read'))
        .sort();
      expect(expectedEmailRoles.length).toBeGreaterThan(0);
      expect(grants.rows.filter((row) => row.resource === 'emails').map((row) => row.role_id)).toEqual(
        expectedEmailRoles,
      );
      expect(grants.rows.filter((row) => row.resource === 'people')).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
