import { DEFAULT_GRANTS, type RoleId } from '../../../worker/modules/identity/permissions';
import { json, type MatrixRoute } from '../support/authorization-matrix';
import { FIXTURE_PASSWORD } from '../support/identity-fixture';

export const everyone = () => 200;
export const only =
  (allowed: RoleId[], status = 200) =>
  (role: RoleId) =>
    allowed.includes(role) ? status : 403;

export const IDENTITY_ROUTES: MatrixRoute[] = [
  // Authentication
  {
    route: 'POST /api/v1/auth/login',
    public: true,
    request: ({ fx, caller }) => ({
      path: '/api/v1/auth/login',
      init: {
        ...json('POST', { email: fx.users[caller].email, password: FIXTURE_PASSWORD }),
        headers: {
          'Content-Type': 'application/json',
          'CF-Connecting-IP': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        },
      },
      token: null,
    }),
    expect: everyone,
  },
  { route: 'GET /api/v1/auth/me', request: () => ({ path: '/api/v1/auth/me' }), expect: everyone },
  {
    route: 'POST /api/v1/auth/logout',
    request: async ({ fx, caller }) => ({
      path: '/api/v1/auth/logout',
      init: { method: 'POST' },
      token: await fx.newSession(caller),
    }),
    expect: () => 204,
  },
  {
    route: 'POST /api/v1/auth/password',
    request: async ({ freshCaller }) => ({
      path: '/api/v1/auth/password',
      init: json('POST', { currentPassword: FIXTURE_PASSWORD, newPassword: 'another long passphrase' }),
      token: (await freshCaller()).token,
    }),
    expect: () => 204,
  },
  // Users
  { route: 'GET /api/v1/users', request: () => ({ path: '/api/v1/users?limit=5' }), expect: everyone },
  {
    route: 'POST /api/v1/users',
    request: () => ({
      path: '/api/v1/users',
      init: json('POST', {
        email: `m-${crypto.randomUUID()}@fixture.test`,
        name: 'Matrix',
        roleId: 'viewer',
      }),
    }),
    expect: only(['admin'], 201),
  },
  {
    route: 'PATCH /api/v1/users/me',
    request: () => ({ path: '/api/v1/users/me', init: json('PATCH', { theme: 'dark' }) }),
    expect: everyone,
  },
  {
    route: 'GET /api/v1/users/{id}',
    owners: ['self', 'teammate', 'other-team'],
    request: ({ fx, owner }) => ({ path: `/api/v1/users/${fx.users[owner ?? 'user'].id}` }),
    expect: everyone,
  },
  {
    route: 'PATCH /api/v1/users/{id}',
    owners: ['self', 'teammate', 'other-team'],
    request: ({ fx, owner }) => ({
      path: `/api/v1/users/${fx.users[owner ?? 'user'].id}`,
      init: json('PATCH', { locale: 'fr' }),
    }),
    expect: only(['admin']),
  },
  // Teams
  { route: 'GET /api/v1/teams', request: () => ({ path: '/api/v1/teams' }), expect: everyone },
  {
    route: 'POST /api/v1/teams',
    request: () => ({ path: '/api/v1/teams', init: json('POST', { name: `Matrix ${crypto.randomUUID()}` }) }),
    expect: only(['admin'], 201),
  },
  {
    route: 'GET /api/v1/teams/{id}',
    request: ({ fx }) => ({ path: `/api/v1/teams/${fx.teams.b}` }),
    expect: everyone,
  },
  {
    route: 'PATCH /api/v1/teams/{id}',
    request: async ({ freshTeam }) => ({
      path: `/api/v1/teams/${await freshTeam()}`,
      init: json('PATCH', { name: `Renamed ${crypto.randomUUID()}` }),
    }),
    expect: only(['admin']),
  },
  {
    route: 'DELETE /api/v1/teams/{id}',
    request: async ({ freshTeam }) => ({
      path: `/api/v1/teams/${await freshTeam()}`,
      init: { method: 'DELETE' },
    }),
    expect: only(['admin'], 204),
  },
  // Roles & permissions
  {
    route: 'GET /api/v1/roles',
    request: () => ({ path: '/api/v1/roles' }),
    expect: only(['admin', 'manager']),
  },
  {
    route: 'GET /api/v1/roles/{id}',
    request: () => ({ path: '/api/v1/roles/viewer' }),
    expect: only(['admin', 'manager']),
  },
  {
    route: 'PUT /api/v1/roles/{id}/permissions',
    request: () => ({
      path: '/api/v1/roles/user/permissions',
      // The user role's own defaults: the grant is exercised without changing what later cases may do.
      init: json('PUT', {
        permissions: DEFAULT_GRANTS.user,
      }),
    }),
    expect: only(['admin']),
  },
  {
    route: 'GET /api/v1/permissions',
    request: () => ({ path: '/api/v1/permissions' }),
    expect: only(['admin', 'manager']),
  },
  // API tokens
  { route: 'GET /api/v1/api-tokens', request: () => ({ path: '/api/v1/api-tokens' }), expect: everyone },
  {
    route: 'POST /api/v1/api-tokens',
    request: () => ({
      path: '/api/v1/api-tokens',
      init: json('POST', { name: 'matrix', scopes: ['users:read'] }),
    }),
    expect: () => 201,
  },
  {
    route: 'DELETE /api/v1/api-tokens/{id}',
    owners: ['self', 'teammate', 'other-team'],
    request: async ({ owner, tokenOf }) => ({
      path: `/api/v1/api-tokens/${await tokenOf(owner ?? 'user')}`,
      init: { method: 'DELETE' },
    }),
    // Tokens are personal: someone else's token does not exist for the caller, even for Admins.
    expect: (_role, ownership) => (ownership === 'self' ? 204 : 404),
  },
  // Audit and operations
  {
    route: 'GET /api/v1/audit-log',
    request: () => ({ path: '/api/v1/audit-log?limit=5' }),
    expect: only(['admin']),
  },
  { route: 'GET /api/v1/system/info', request: () => ({ path: '/api/v1/system/info' }), expect: everyone },
];
