import type { RoleId } from '../../../worker/modules/identity/permissions';
import { json, type MatrixRoute } from '../support/authorization-matrix';

/** Cache administration is settings:manage, which only Admins hold by default. */
const adminOnly = (ok: number) => (role: RoleId) => (role === 'admin' ? ok : 403);

export const CACHE_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/admin/cache/stats',
    request: () => ({ path: '/api/v1/admin/cache/stats' }),
    expect: adminOnly(200),
  },
  {
    route: 'DELETE /api/v1/admin/cache/stats',
    request: () => ({ path: '/api/v1/admin/cache/stats', init: { method: 'DELETE' } }),
    expect: adminOnly(204),
  },
  {
    route: 'POST /api/v1/admin/cache/flush',
    request: () => ({ path: '/api/v1/admin/cache/flush', init: json('POST', { tag: 'cfg:pipeline' }) }),
    expect: adminOnly(204),
  },
];
