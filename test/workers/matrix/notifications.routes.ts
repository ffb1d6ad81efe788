import { json, type MatrixRoute } from '../support/authorization-matrix';

/** Everyone signed in has a notification centre, and only ever reaches their own notifications. */
export const NOTIFICATION_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/notifications',
    request: () => ({ path: '/api/v1/notifications?status=unread&limit=5' }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/notifications/unread-count',
    request: () => ({ path: '/api/v1/notifications/unread-count' }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/notifications/read',
    request: () => ({
      path: '/api/v1/notifications/read',
      init: json('POST', { ids: [crypto.randomUUID()] }),
    }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/notifications/read-all',
    request: () => ({ path: '/api/v1/notifications/read-all', init: { method: 'POST' } }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/notifications/archive',
    request: () => ({
      path: '/api/v1/notifications/archive',
      init: json('POST', { ids: [crypto.randomUUID()] }),
    }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/notifications/preferences',
    request: () => ({ path: '/api/v1/notifications/preferences' }),
    expect: () => 200,
  },
  {
    route: 'PATCH /api/v1/notifications/preferences',
    request: () => ({
      path: '/api/v1/notifications/preferences',
      init: json('PATCH', { preferences: [{ type: 'mention', email: true }] }),
    }),
    expect: () => 200,
  },
  {
    route: 'POST /api/v1/notifications/ticket',
    request: () => ({ path: '/api/v1/notifications/ticket', init: { method: 'POST' } }),
    expect: () => 201,
  },
];
