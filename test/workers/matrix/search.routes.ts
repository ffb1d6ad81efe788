import type { MatrixRoute } from '../support/authorization-matrix';

/** Every role reads the CRM, so every role may search; what each one finds is tested in search.test.ts. */
export const SEARCH_ROUTES: MatrixRoute[] = [
  {
    route: 'GET /api/v1/search',
    request: () => ({ path: '/api/v1/search?q=matrix' }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/search/autocomplete',
    request: () => ({ path: '/api/v1/search/autocomplete?q=ma' }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/search/organisations',
    request: () => ({ path: '/api/v1/search/organisations?q=matrix&type=investor' }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/search/people',
    request: () => ({ path: '/api/v1/search/people?q=matrix' }),
    expect: () => 200,
  },
  {
    route: 'GET /api/v1/search/mandates',
    request: () => ({ path: '/api/v1/search/mandates?q=matrix&status=active' }),
    expect: () => 200,
  },
];
