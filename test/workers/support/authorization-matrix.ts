import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens, teams, users } from '../../../worker/db/schema';
import { hashPassword } from '../../../worker/modules/identity/password';
import type { RoleId } from '../../../worker/modules/identity/permissions';
import { hashToken, newToken, SESSION_TOKEN_PREFIX } from '../../../worker/modules/identity/tokens';
import { callWorker, testDbHandle } from './helpers';
import { FIXTURE_PASSWORD, type FixtureUserKey, type IdentityFixture } from './identity-fixture';

export const ROLES_UNDER_TEST: RoleId[] = ['admin', 'manager', 'user', 'viewer'];
export type Ownership = 'self' | 'teammate' | 'other-team';

export interface MatrixContext {
  fx: IdentityFixture;
  role: RoleId;
  caller: FixtureUserKey;
  /** Whose record the case targets, when the route has an owner dimension. */
  owner?: FixtureUserKey;
  /** A brand-new user of the caller's role in team A, with a session (for routes that change the caller). */
  freshCaller(): Promise<{ id: string; email: string; token: string }>;
  /** A throwaway empty team. */
  freshTeam(): Promise<string>;
  /** A personal API token owned by `owner`. */
  tokenOf(owner: FixtureUserKey): Promise<string>;
}

export interface MatrixRequest {
  path: string;
  init?: RequestInit;
  /** Send this token instead of the caller's fixture session (null: anonymous). */
  token?: string | null;
}

export interface MatrixRoute {
  /** As in the OpenAPI document: `GET /api/v1/users/{id}`. */
  route: string;
  owners?: Ownership[];
  request(ctx: MatrixContext): Promise<MatrixRequest> | MatrixRequest;
  expect(role: RoleId, ownership?: Ownership): number;
  /** Reachable without credentials (login). */
  public?: boolean;
}

const CALLER: Record<RoleId, FixtureUserKey> = {
  admin: 'admin',
  manager: 'manager',
  user: 'user',
  viewer: 'viewer',
};

function ownerFor(caller: FixtureUserKey, ownership: Ownership): FixtureUserKey {
  if (ownership === 'self') return caller;
  if (ownership === 'teammate') return caller === 'user' ? 'teammate' : 'user';
  return 'otherUser';
}

export const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

function contextFor(fx: IdentityFixture, role: RoleId, owner?: FixtureUserKey): MatrixContext {
  return {
    fx,
    role,
    caller: CALLER[role],
    owner,
    async freshCaller() {
      const handle = testDbHandle(fx.databaseUrl);
      try {
        const email = `fresh-${crypto.randomUUID()}@fixture.test`;
        const [row] = await handle.db
          .insert(users)
          .values({
            email,
            name: `Fresh ${role}`,
            roleId: role,
            teamId: fx.teams.a,
            passwordHash: await hashPassword(FIXTURE_PASSWORD, 1_000),
          })
          .returning({ id: users.id });
        if (!row) throw new Error('fresh user not created');
        const token = newToken(SESSION_TOKEN_PREFIX);
        await handle.db.execute(
          sql`insert into sessions (token_hash, user_id, expires_at) values (${await hashToken(token)}, ${row.id}, now() + interval '1 hour')`,
        );
        return { id: row.id, email, token };
      } finally {
        await handle.close();
      }
    },
    async freshTeam() {
      const handle = testDbHandle(fx.databaseUrl);
      try {
        const [row] = await handle.db
          .insert(teams)
          .values({ name: `Team ${crypto.randomUUID()}` })
          .returning({ id: teams.id });
        if (!row) throw new Error('team not created');
        return row.id;
      } finally {
        await handle.close();
      }
    },
    async tokenOf(who) {
      const handle = testDbHandle(fx.databaseUrl);
      try {
        const token = `alt_${crypto.randomUUID()}`;
        const [row] = await handle.db
          .insert(apiTokens)
          .values({
            userId: fx.users[who].id,
            name: 'matrix',
            tokenHash: await hashToken(token),
            prefix: 'alt_x',
            scopes: [],
          })
          .returning({ id: apiTokens.id });
        if (!row) throw new Error('token not created');
        return row.id;
      } finally {
        await handle.close();
      }
    },
  };
}

async function send(fx: IdentityFixture, caller: FixtureUserKey, request: MatrixRequest): Promise<Response> {
  const headers = new Headers(request.init?.headers);
  const token = request.token === undefined ? fx.users[caller].token : request.token;
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return callWorker(request.path, { ...request.init, headers }, { DATABASE_URL: fx.databaseUrl });
}

/**
 * The shared authorization matrix: every route × role × ownership → the
 * expected status, plus 401 for every non-public route without credentials,
 * plus a check that the matrix covers every `/api/v1` route in the OpenAPI
 * document. Every feature adds its routes here.
 */
export function runAuthorizationMatrix(routes: MatrixRoute[], fixture: () => IdentityFixture) {
  const cases = routes.flatMap((route) =>
    ROLES_UNDER_TEST.flatMap((role) =>
      (route.owners ?? [undefined]).map((ownership) => ({ route, role, ownership })),
    ),
  );
  const anonymousCases = routes.filter((route) => !route.public);
  console.log(
    `authorization matrix: ${cases.length} role cases + ${anonymousCases.length} anonymous cases over ${routes.length} routes`,
  );

  describe('authorization matrix', () => {
    it('covers every /api/v1 route of the OpenAPI document', async () => {
      const doc = (await (await callWorker('/api/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const documented = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/'))
        .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
        .sort();
      expect(routes.map((route) => route.route).sort()).toEqual(documented);
    });

    it.each(
      cases.map(
        (c) =>
          [`${c.route.route} as ${c.role}${c.ownership ? ` on ${c.ownership}'s record` : ''}`, c] as const,
      ),
    )('%s', async (_name, { route, role, ownership }) => {
      const fx = fixture();
      const caller = CALLER[role];
      const ctx = contextFor(fx, role, ownership ? ownerFor(caller, ownership) : undefined);
      const response = await send(fx, caller, await route.request(ctx));
      const expected = route.expect(role, ownership);
      expect(response.status, await response.clone().text()).toBe(expected);
      if (expected >= 400) expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    });

    it.each(anonymousCases.map((route) => [route.route, route] as const))(
      '%s without credentials → 401',
      async (_name, route) => {
        const fx = fixture();
        const request = await route.request(contextFor(fx, 'admin', 'user'));
        const response = await send(fx, 'admin', { ...request, token: null });
        expect(response.status).toBe(401);
        expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      },
    );
  });
}
